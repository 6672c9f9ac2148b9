-- grain: one row per model on an Epoch AI list (Notable AI Models, Large-Scale AI Models):
-- where it stands (on the board, in review, or not estimable), which footprint inputs any source
-- discloses for it, and, when no tier of the estimation ladder can be reached, what is missing.
--
-- Disclosed means a fact of the model's own (any source, low-confidence facts aside) for its
-- final training or its development: energy (energy_mwh), GPU-hours (gpu_hours, or a GPU count
-- and a duration, which multiply to them), hardware (gpu), location (a named place; a cloud
-- vendor alone is not a place) and emissions (co2e_t).
-- Missing lists what the ladder needs and the model lacks: training compute (for a fine-tune,
-- its own: a compute that includes its base model's pre-training is not usable), hardware, and
-- GPU-hours (disclosed, or count x duration); a hardware name the GPU catalogue does not know
-- (no peak FLOP/s to turn compute into GPU-hours) is named.
with models as (
    select * from dim_model where epoch_lists is not null
),

facts as (
    select * from stg_disclosures__facts
    where phase in ('training', 'development') and confidence <> 'low'
),

runs as (
    select * from int_runs_guarded where phase = 'training'
),

board as (
    select model from fct_model_totals
),

review as (
    select model from fct_runs_needing_review
),

disclosed as (
    select
        model,
        bool_or(field = 'energy_mwh') as discloses_energy,
        bool_or(field = 'gpu_hours')
            or (bool_or(field = 'gpu_count') and bool_or(field = 'duration_days'))
            as discloses_gpu_hours,
        bool_or(field = 'gpu') as discloses_hardware,
        bool_or(field = 'location') as discloses_location,
        bool_or(field = 'co2e_t') as discloses_emissions
    from facts
    group by model
),

needs as (
    select
        m.model,
        coalesce(
            r.flops_used,
            case when m.base_model is null then m.training_flops end
        ) is not null as has_compute,
        r.peak_tflops is not null as has_hardware,
        r.gpu_text_used as hardware_text,
        r.gpu_hours is not null or r.count_duration_gpu_hours is not null as has_gpu_hours,
        m.base_model is not null as is_finetune
    from models as m
    left join runs as r using (model)
),

missing as (
    select
        model,
        list_filter(
            [
                case when not has_compute then
                    case when is_finetune then 'fine-tune compute' else 'training compute' end
                end,
                case when hardware_text is null then 'hardware' end,
                case when not has_gpu_hours then 'GPU-hours' end
            ],
            lambda x: x is not null
        ) as items,
        case when not has_hardware and hardware_text is not null
            then 'hardware ''' || hardware_text || ''' is not in the GPU catalogue'
        end as unknown_hardware
    from needs
),

final as (
    select
        m.model,
        m.organization,
        m.release_date,
        m.epoch_lists,
        m.notability_criteria,
        m.frontier_model,
        m.training_flops,
        m.compute_confidence,
        case
            when b.model is not null then 'on the board'
            when v.model is not null then 'needs review'
            else 'not estimable'
        end as status,
        coalesce(d.discloses_energy, false) as discloses_energy,
        coalesce(d.discloses_gpu_hours, false) as discloses_gpu_hours,
        coalesce(d.discloses_hardware, false) as discloses_hardware,
        coalesce(d.discloses_location, false) as discloses_location,
        coalesce(d.discloses_emissions, false) as discloses_emissions,
        case when b.model is null and v.model is null then
            concat_ws(
                '; ',
                case len(x.items)
                    when 0 then null
                    when 1 then 'no ' || x.items[1]
                    when 2 then 'no ' || x.items[1] || ' or ' || x.items[2]
                    else 'no ' || x.items[1] || ', ' || x.items[2] || ' or ' || x.items[3]
                end,
                x.unknown_hardware
            )
        end as missing
    from models as m
    left join board as b using (model)
    left join review as v using (model)
    left join disclosed as d using (model)
    left join missing as x using (model)
)

select * from final

-- grain: one row per model x phase (training, development): the disclosed inputs of that run,
-- one value per field (best source, then highest confidence), and which fields disagree.
-- Low-confidence facts (guessed, suspect, a database's own modelling) are kept in the raw table
-- and in the disagreement check, but never drive an estimate.
-- A family disclosure split over its members on the board (int_families_split) leaves the board;
-- a member that discloses no GPU-hours, energy or CO2 of its own takes its share of the family's.
with families as (
    select * from int_families_split
),

facts as (
    select * from stg_disclosures__facts
    where phase in ('training', 'development')
        -- A card's total over several models ('Llama 3.1 (total)') is not a model: beside its
        -- parts it would count them twice. The audit still reads it from the facts.
        and model not like '% (total)'
        and not exists (
            select 1 from families as s
            where s.family = stg_disclosures__facts.model and s.phase = stg_disclosures__facts.phase
        )
),

ranked as (
    select
        *,
        row_number() over (
            partition by model, phase, field
            order by confidence_rank = 3, source_rank, confidence_rank, source_url, source_locator
        ) as preference,
        -- Two sources disagree when their numbers differ by more than 1% (spellings of one GPU
        -- or place are not a disagreement; resolution handles those).
        coalesce(
            max(value_num) over (partition by model, phase, field)
            - min(value_num) over (partition by model, phase, field)
            > 0.01 * max(abs(value_num)) over (partition by model, phase, field),
            false
        ) as numbers_disagree
    from facts
),

pivoted as (
    select
        model,
        phase,
        max(value) filter (where preference = 1 and confidence <> 'low' and field = 'gpu') as gpu_text,
        max(value_num) filter (where preference = 1 and confidence <> 'low' and field = 'gpu_count') as gpu_count,
        max(value_num) filter (where preference = 1 and confidence <> 'low' and field = 'gpu_hours') as gpu_hours,
        max(value_num) filter (where preference = 1 and confidence <> 'low' and field = 'duration_days') as duration_days,
        max(try_cast(value as date)) filter (where preference = 1 and confidence <> 'low' and field = 'start_date')
            as start_date,
        max(try_cast(value as date)) filter (where preference = 1 and confidence <> 'low' and field = 'end_date')
            as end_date,
        max(value_num) filter (where preference = 1 and confidence <> 'low' and field = 'power_w') as power_w,
        coalesce(
            bool_or(lower(value) = 'true') filter (
                where preference = 1 and field = 'power_includes_pue'
            ),
            false
        ) as power_includes_pue,
        max(value_num) filter (where preference = 1 and confidence <> 'low' and field = 'pue') as pue,
        max(value) filter (where preference = 1 and confidence <> 'low' and field = 'location') as location_text,
        -- who said it: the location ladder tells a developer's place from a database's data centre
        max(source_kind) filter (where preference = 1 and confidence <> 'low' and field = 'location')
            as location_source_kind,
        max(value) filter (where preference = 1 and confidence <> 'low' and field = 'cloud_vendor') as cloud_vendor,
        max(value_num) filter (
            where preference = 1 and field = 'carbon_intensity_kg_per_kwh'
        ) as carbon_intensity_kg_per_kwh,
        max(value_num) filter (where preference = 1 and confidence <> 'low' and field = 'energy_mwh') as energy_mwh,
        max(value_num) filter (where preference = 1 and confidence <> 'low' and field = 'co2e_t') as co2e_t,
        max(value_num) filter (where preference = 1 and confidence <> 'low' and field = 'co2e_market_t') as co2e_market_t,
        max(value_num) filter (where preference = 1 and confidence <> 'low' and field = 'water_kl') as water_kl,
        max(value_num) filter (where preference = 1 and confidence <> 'low' and field = 'mfu') as mfu,
        max(lower(value)) filter (where preference = 1 and confidence <> 'low' and field = 'precision') as precision,
        max(value_num) filter (
            where preference = 1 and confidence <> 'low' and field = 'rental_usd_per_gpu_hour'
        ) as rental_usd_per_gpu_hour,
        string_agg(distinct field, ', ' order by field) filter (where numbers_disagree)
            as conflicting_fields
    from ranked
    where confidence <> 'low' or numbers_disagree
    group by model, phase
),

final as (
    select
        p.* replace (
            case when s.applied then s.share_gpu_hours else p.gpu_hours end as gpu_hours,
            case when s.applied then s.share_energy_mwh else p.energy_mwh end as energy_mwh,
            case when s.applied then s.share_co2e_t else p.co2e_t end as co2e_t
        )
    from pivoted as p
    left join families as s on s.member = p.model and s.phase = p.phase
)

select * from final

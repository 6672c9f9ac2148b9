-- One model's training-run details for its filings (AI Act, SPDX, BoAmps): duration, compute,
-- power and how each was found, the model's size and compute from dim_model, the accelerator's
-- maker and memory, and the ISO countries of the grid zones used. Parameter: model.
with run as (
    select * from fct_training_runs where model = ? and bound = 'central'
),

zones as (
    select distinct trim(z.zone) as zone_key
    from run, unnest(string_split(coalesce(run.intensity_zone, run.zone_key), ',')) as z(zone)
),

countries as (
    select string_agg(distinct d.country_iso2, ', ' order by d.country_iso2) as countries
    from zones
    join dim_zone as d using (zone_key)
),

final as (
    select
        r.model,
        r.duration_days,
        r.flops_used,
        r.power_w,
        r.power_source,
        r.energy_disclosed,
        r.co2e_disclosed,
        r.peak_tflops,
        r.peak_precision_used,
        m.training_flops,
        m.finetune_flops,
        m.compute_confidence as epoch_compute_confidence,
        m.active_parameters_b,
        m.training_tokens_b,
        g.manufacturer as gpu_manufacturer,
        g.kind as gpu_kind,
        g.memory_gb as gpu_memory_gb,
        c.countries
    from run as r
    left join dim_model as m using (model)
    left join dim_gpu as g on g.gpu_id = r.gpu_id
    cross join countries as c
)

select * from final

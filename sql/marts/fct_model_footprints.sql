-- grain: one row per model x footprint (training, development, embodied): energy, carbon and
-- water with low/central/high, the GPU-hours behind it (low/central/high; embodied covers the
-- GPU-hours of training and development), and whether the central figure was disclosed or
-- estimated.
with bounded as (
    select * from int_footprints_bounded
),

training_runs as (
    select * from int_runs_estimated where phase = 'training' and bound = 'central'
),

long as (
    select model, bound, 'training' as footprint,
        training_energy_mwh as energy_mwh, training_co2e_t as co2e_t, training_water_kl as water_kl,
        training_gpu_hours as gpu_hours
    from bounded
    union all
    select model, bound, 'development',
        development_energy_mwh, development_co2e_t, development_water_kl, development_gpu_hours
    from bounded
    union all
    select model, bound, 'embodied', null, embodied_co2e_t, embodied_water_kl,
        training_gpu_hours + coalesce(development_gpu_hours, 0)
    from bounded
),

pivoted as (
    select
        model,
        footprint,
        max(energy_mwh) filter (where bound = 'low') as energy_mwh_low,
        max(energy_mwh) filter (where bound = 'central') as energy_mwh,
        max(energy_mwh) filter (where bound = 'high') as energy_mwh_high,
        max(co2e_t) filter (where bound = 'low') as co2e_t_low,
        max(co2e_t) filter (where bound = 'central') as co2e_t,
        max(co2e_t) filter (where bound = 'high') as co2e_t_high,
        max(water_kl) filter (where bound = 'low') as water_kl_low,
        max(water_kl) filter (where bound = 'central') as water_kl,
        max(water_kl) filter (where bound = 'high') as water_kl_high,
        max(gpu_hours) filter (where bound = 'low') as gpu_hours_low,
        max(gpu_hours) filter (where bound = 'central') as gpu_hours,
        max(gpu_hours) filter (where bound = 'high') as gpu_hours_high
    from long
    group by model, footprint
),

development_flags as (
    select model, bool_or(development_disclosed) as development_disclosed
    from bounded
    group by model
),

final as (
    select
        p.*,
        case p.footprint
            when 'training' then case when t.co2e_disclosed then 'disclosed' else 'estimated' end
            when 'development' then
                case when f.development_disclosed then 'disclosed' else 'estimated' end
            else 'estimated'
        end as co2e_basis,
        case p.footprint
            when 'training' then 'tier ' || t.estimation_tier
            when 'development' then
                case
                    when f.development_disclosed then 'disclosed development run'
                    else 'training x development ratio'
                end
            else 'GPU-hours x embodied per GPU / hardware life'
        end as method,
        t.estimation_tier
    from pivoted as p
    join training_runs as t using (model)
    join development_flags as f using (model)
)

select * from final

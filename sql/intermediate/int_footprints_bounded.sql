-- grain: one row per model x bound: training, development and embodied footprints.
-- Development is the disclosed development run when there is one, else the final training run
-- times the development ratio. Embodied covers the GPU-hours of both. What the run cost is
-- int_runs_costed.
with runs as (
    select * from int_runs_estimated
),

gpus as (
    select * from stg_gpus__specs
),

coefficients as (
    select * from int_coefficients_bounded
),

coef as (
    select
        bound,
        max(value) filter (where key = 'dev_ratio') as dev_ratio,
        max(opposite) filter (where key = 'hardware_life_years') as life_years,
        max(value) filter (where key = 'embodied_co2e_kg_per_gpu') as embodied_kg_default,
        max(value) filter (where key = 'embodied_water_l_per_gpu') as embodied_l_default
    from coefficients
    group by bound
),

training as (
    select * from runs where phase = 'training'
),

development as (
    select * from runs where phase = 'development'
),

combined as (
    select
        t.model,
        t.bound,
        t.gpu_id,
        t.gpu_hours as training_gpu_hours,
        t.energy_mwh as training_energy_mwh,
        t.co2e_t as training_co2e_t,
        t.water_kl as training_water_kl,
        d.model is not null as development_disclosed,
        coalesce(d.gpu_hours, t.gpu_hours * c.dev_ratio) as development_gpu_hours,
        coalesce(d.energy_mwh, t.energy_mwh * c.dev_ratio) as development_energy_mwh,
        coalesce(d.co2e_t, t.co2e_t * c.dev_ratio) as development_co2e_t,
        coalesce(d.water_kl, t.water_kl * c.dev_ratio) as development_water_kl,
        case t.bound
            when 'low' then g.embodied_co2e_kg_low
            when 'central' then g.embodied_co2e_kg_central
            else g.embodied_co2e_kg_high
        end as embodied_kg_gpu,
        g.embodied_water_l,
        c.*
    from training as t
    cross join coef as c
    left join development as d on d.model = t.model and d.bound = t.bound
    left join gpus as g on g.gpu_id = t.gpu_id
    where c.bound = t.bound
),

final as (
    select
        model,
        bound,
        training_gpu_hours,
        training_energy_mwh,
        training_co2e_t,
        training_water_kl,
        development_disclosed,
        development_gpu_hours,
        development_energy_mwh,
        development_co2e_t,
        development_water_kl,
        embodied_co2e_t(
            training_gpu_hours + coalesce(development_gpu_hours, 0),
            coalesce(embodied_kg_gpu, embodied_kg_default),
            life_years
        ) as embodied_co2e_t,
        embodied_water_kl(
            training_gpu_hours + coalesce(development_gpu_hours, 0),
            coalesce(embodied_water_l, embodied_l_default),
            life_years
        ) as embodied_water_kl
    from combined
)

select * from final

-- grain: one row per model x bound: training, development and embodied footprints, and costs.
-- Development is the disclosed development run when there is one, else the final training run
-- times the development ratio. Embodied covers the GPU-hours of both.
-- Costs of the final training run, side by side (USD, each with low/central/high by bound):
--   training_cost_usd            rental: GPU-hours x the GPU's rental price per device-hour
--                                (gpu_specs low/central/high), else rental_usd_per_gpu_hour_unknown
--   training_energy_cost_usd     facility energy (MWh) x 1,000 x electricity_usd_per_kwh
--   training_hardware_capex_usd  buying the hardware, amortised over the run: GPU-hours x
--                                price_usd / (hardware life years x 8,760 h); a longer life lowers
--                                it, so the low bound takes the long life (the price has no range
--                                of its own; gpu_price_usd_unknown when gpu_specs has none)
with runs as (
    select * from int_runs_estimated
),

gpus as (
    select * from stg_gpus__specs
),

coefficients as (
    select key, 'low' as bound, low as value, high as opposite, central
    from stg_assumptions__coefficients
    union all
    select key, 'central', central, central, central from stg_assumptions__coefficients
    union all
    select key, 'high', high, low, central from stg_assumptions__coefficients
),

coef as (
    select
        bound,
        max(value) filter (where key = 'dev_ratio') as dev_ratio,
        max(opposite) filter (where key = 'hardware_life_years') as life_years,
        max(value) filter (where key = 'embodied_co2e_kg_per_gpu') as embodied_kg_default,
        max(value) filter (where key = 'embodied_water_l_per_gpu') as embodied_l_default,
        max(value) filter (where key = 'electricity_usd_per_kwh') as usd_per_kwh,
        max(value) filter (where key = 'rental_usd_per_gpu_hour_unknown') as rental_default,
        max(central) filter (where key = 'rental_usd_per_gpu_hour_unknown')
            as rental_default_central,
        max(value) filter (where key = 'gpu_price_usd_unknown') as price_default
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
        -- A spec with only a central rental price takes the default's relative range around it.
        coalesce(
            case t.bound
                when 'low' then g.rental_usd_per_gpu_hour_low
                when 'central' then g.rental_usd_per_gpu_hour_central
                else g.rental_usd_per_gpu_hour_high
            end,
            g.rental_usd_per_gpu_hour_central * c.rental_default / c.rental_default_central
        ) as rental_gpu,
        g.price_usd as price_gpu,
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
        ) as embodied_water_kl,
        coalesce(rental_gpu, rental_default) as rental_usd_per_gpu_hour,
        rental_gpu is not null as rental_price_from_spec,
        training_gpu_hours * coalesce(rental_gpu, rental_default) as training_cost_usd,
        training_energy_mwh * 1000.0 * usd_per_kwh as training_energy_cost_usd,
        coalesce(price_gpu, price_default) as gpu_price_usd,
        price_gpu is not null as gpu_price_from_spec,
        training_gpu_hours * coalesce(price_gpu, price_default) / (life_years * 8760.0)
            as training_hardware_capex_usd
    from combined
)

select * from final

-- grain: one row per model with a final training run: its training, development, embodied and
-- total footprints and its costs, each bound (low, central, high) side by side. Totals
-- are training + development + embodied (embodied counted as 0 when unknown); ranges are the
-- interval-arithmetic bounds of int_runs_estimated. Costs, three ways (int_runs_costed,
-- docs/costs.md): renting the final run (training_cost_usd), owning its hardware
-- (amortised_cost_usd = training_hardware_capex_usd + training_energy_cost_usd) and, for a
-- frontier model, creating it (creation_cost_usd = hardware + staff + energy).
with footprints as (
    select * from int_footprints_bounded
),

costs as (
    select * from int_runs_costed
),

bounded as (
    select * from footprints
    left join costs using (model, bound)
),

final as (
    select
        model,
        max(training_gpu_hours) filter (where bound = 'low') as gpu_hours_low,
        max(training_gpu_hours) filter (where bound = 'central') as gpu_hours,
        max(training_gpu_hours) filter (where bound = 'high') as gpu_hours_high,
        max(training_energy_mwh) filter (where bound = 'low') as training_energy_mwh_low,
        max(training_energy_mwh) filter (where bound = 'high') as training_energy_mwh_high,
        max(training_co2e_t) filter (where bound = 'low') as training_co2e_t_low,
        max(training_co2e_t) filter (where bound = 'high') as training_co2e_t_high,
        max(training_energy_mwh + development_energy_mwh) filter (where bound = 'low')
            as total_energy_mwh_low,
        max(training_energy_mwh + development_energy_mwh) filter (where bound = 'high')
            as total_energy_mwh_high,
        max(training_water_kl + development_water_kl + coalesce(embodied_water_kl, 0))
            filter (where bound = 'low') as total_water_kl_low,
        max(training_water_kl + development_water_kl + coalesce(embodied_water_kl, 0))
            filter (where bound = 'high') as total_water_kl_high,
        max(training_cost_usd) filter (where bound = 'low') as training_cost_usd_low,
        max(training_cost_usd) filter (where bound = 'high') as training_cost_usd_high,
        max(training_energy_cost_usd) filter (where bound = 'low') as training_energy_cost_usd_low,
        max(training_energy_cost_usd) filter (where bound = 'high')
            as training_energy_cost_usd_high,
        max(training_hardware_capex_usd) filter (where bound = 'low')
            as training_hardware_capex_usd_low,
        max(training_hardware_capex_usd) filter (where bound = 'central')
            as training_hardware_capex_usd,
        max(training_hardware_capex_usd) filter (where bound = 'high')
            as training_hardware_capex_usd_high,
        max(training_energy_mwh) filter (where bound = 'central') as training_energy_mwh,
        max(training_co2e_t) filter (where bound = 'central') as training_co2e_t,
        max(training_water_kl) filter (where bound = 'central') as training_water_kl,
        max(development_energy_mwh) filter (where bound = 'central') as development_energy_mwh,
        max(development_co2e_t) filter (where bound = 'central') as development_co2e_t,
        max(development_water_kl) filter (where bound = 'central') as development_water_kl,
        max(embodied_co2e_t) filter (where bound = 'central') as embodied_co2e_t,
        max(embodied_water_kl) filter (where bound = 'central') as embodied_water_kl,
        max(training_cost_usd) filter (where bound = 'central') as training_cost_usd,
        max(training_energy_cost_usd) filter (where bound = 'central')
            as training_energy_cost_usd,
        max(training_co2e_t + development_co2e_t + coalesce(embodied_co2e_t, 0))
            filter (where bound = 'low') as total_co2e_t_low,
        max(training_co2e_t + development_co2e_t + coalesce(embodied_co2e_t, 0))
            filter (where bound = 'central') as total_co2e_t,
        max(training_co2e_t + development_co2e_t + coalesce(embodied_co2e_t, 0))
            filter (where bound = 'high') as total_co2e_t_high,
        -- costs three ways (issue 15)
        max(amortised_cost_usd) filter (where bound = 'low') as amortised_cost_usd_low,
        max(amortised_cost_usd) filter (where bound = 'central') as amortised_cost_usd,
        max(amortised_cost_usd) filter (where bound = 'high') as amortised_cost_usd_high,
        max(creation_cost_usd) filter (where bound = 'low') as creation_cost_usd_low,
        max(creation_cost_usd) filter (where bound = 'central') as creation_cost_usd,
        max(creation_cost_usd) filter (where bound = 'high') as creation_cost_usd_high,
        max(creation_hardware_usd) filter (where bound = 'central') as creation_hardware_usd,
        max(creation_staff_usd) filter (where bound = 'central') as creation_staff_usd,
        max(creation_energy_usd) filter (where bound = 'central') as creation_energy_usd,
        max(price_year) filter (where bound = 'central') as cost_price_year,
        max(rental_price_basis) filter (where bound = 'central') as rental_price_basis,
        max(rental_usd_per_gpu_hour) filter (where bound = 'central') as rental_usd_per_gpu_hour,
        bool_or(is_frontier) as is_frontier,
        max(concat_ws(' ; ', rental_price_source, purchase_price_source))
            filter (where bound = 'central') as cost_sources
    from bounded
    group by model
)

select * from final

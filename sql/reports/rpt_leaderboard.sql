-- grain: one row per model with an estimate, ranked by total carbon (training + development +
-- embodied), with every figure's range, basis and sources. This is the exported CSV.
-- Ranges: `<column>_low` / `<column>_high` beside a central `<column>` are the interval-arithmetic
-- bounds (fct_model_totals). Costs three ways (docs/costs.md): renting the final run at the
-- committed cloud price of its accelerator in its year (training_cost_usd), owning the hardware
-- (amortised_cost_usd = training_hardware_capex_usd + training_energy_cost_usd) and creating a
-- frontier model (creation_cost_usd and its parts). carbon_intensity_granularity: hourly /
-- monthly / annual / disclosed / assumed, with the hourly or monthly series' coverage of the
-- run's window; carbon_intensity_source names the rung of the location ladder, the zone(s), dataset and year.
-- Runs that fail every plausibility guard are not here: rpt_needs_review lists them.
with totals as (
    select * from fct_model_totals
),

runs as (
    select * from fct_training_runs where bound = 'central'
),

models as (
    select * from dim_model
),

gpus as (
    select gpu_id, specs_source from dim_gpu
),

inference as (
    select * from fct_model_inference
),

final as (
    select
        row_number() over (order by t.total_co2e_t desc nulls last, t.model) as rank,
        t.model,
        m.organization,
        m.release_date,
        m.parameters_b,
        coalesce(r.gpu_name, r.gpu_text) as gpu,
        r.gpu_id,
        r.gpu_count,
        t.gpu_hours,
        t.gpu_hours_low,
        t.gpu_hours_high,
        coalesce(r.intensity_zone, r.zone_key) as grid_zone,
        r.location_text as location,
        r.carbon_intensity_kg_per_kwh,
        r.carbon_intensity_granularity,
        r.intensity_coverage_share as carbon_intensity_coverage_share,
        r.carbon_intensity_source,
        r.location_rung,
        r.pue,
        t.training_energy_mwh,
        t.training_energy_mwh_low,
        t.training_energy_mwh_high,
        t.training_co2e_t,
        t.training_co2e_t_low,
        t.training_co2e_t_high,
        t.training_water_kl,
        t.development_energy_mwh,
        t.development_co2e_t,
        t.development_water_kl,
        t.embodied_co2e_t,
        t.embodied_water_kl,
        t.training_energy_mwh + t.development_energy_mwh as total_energy_mwh,
        t.total_energy_mwh_low,
        t.total_energy_mwh_high,
        t.total_co2e_t,
        t.total_co2e_t_low,
        t.total_co2e_t_high,
        t.training_water_kl + t.development_water_kl + coalesce(t.embodied_water_kl, 0)
            as total_water_kl,
        t.total_water_kl_low,
        t.total_water_kl_high,
        t.training_cost_usd,
        t.training_cost_usd_low,
        t.training_cost_usd_high,
        t.training_energy_cost_usd,
        t.training_energy_cost_usd_low,
        t.training_energy_cost_usd_high,
        t.training_hardware_capex_usd,
        t.training_hardware_capex_usd_low,
        t.training_hardware_capex_usd_high,
        r.disclosed_co2e_t as disclosed_training_co2e_t,
        r.disclosed_co2e_market_t as disclosed_training_co2e_market_t,
        case when r.co2e_disclosed then 'disclosed' else 'estimated' end as training_co2e_basis,
        r.recomputed_energy_mwh as recomputed_training_energy_mwh,
        r.recomputed_co2e_t as recomputed_training_co2e_t,
        r.estimation_tier,
        r.compute_confidence,
        r.gpu_hours_basis,
        r.peak_precision_used,
        r.power_source,
        r.conflicting_fields,
        concat_ws(' ; ', m.sources, g.specs_source, r.intensity_source_url) as sources,
        -- costs three ways (issue 15)
        t.amortised_cost_usd,
        t.amortised_cost_usd_low,
        t.amortised_cost_usd_high,
        t.creation_cost_usd,
        t.creation_cost_usd_low,
        t.creation_cost_usd_high,
        t.creation_hardware_usd,
        t.creation_staff_usd,
        t.creation_energy_usd,
        t.is_frontier,
        t.cost_price_year,
        t.rental_price_basis,
        t.rental_usd_per_gpu_hour,
        t.cost_sources,
        -- inference (issue 18): serving per request, measured or estimated, and the breakeven
        m.domain,
        i.active_parameters_b,
        i.inference_basis,
        i.inference_source,
        i.request_tokens_in,
        i.request_tokens_out,
        i.inference_j_per_output_token,
        i.inference_j_per_output_token_low,
        i.inference_j_per_output_token_high,
        i.inference_wh_per_1k_requests,
        i.inference_wh_per_1k_requests_low,
        i.inference_wh_per_1k_requests_high,
        i.inference_co2e_g_per_1k_requests,
        i.inference_co2e_g_per_1k_requests_low,
        i.inference_co2e_g_per_1k_requests_high,
        i.inference_water_l_per_1k_requests,
        i.inference_water_l_per_1k_requests_low,
        i.inference_water_l_per_1k_requests_high,
        i.serving_gpu,
        i.serving_gpu_count,
        i.serving_precision,
        i.breakeven_requests,
        i.breakeven_requests_creation
    from totals as t
    join runs as r using (model)
    left join models as m using (model)
    left join gpus as g on g.gpu_id = r.gpu_id
    left join inference as i using (model)
    where t.total_co2e_t is not null
)

select * from final

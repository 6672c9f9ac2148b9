-- grain: one row per model x phase x bound (low, central, high): a run's GPU-hours, energy,
-- carbon and water, disclosed where the developer said so and estimated down the ladder otherwise
-- (METHODOLOGY.md). Bounds are interval arithmetic: every formula is a product of inputs, so the
-- low end takes each input's low (or, for life and MFU, which lower the footprint as they grow,
-- its high), and likewise for the high end.
with runs as (
    select * from int_disclosures_pivoted
),

models as (
    select * from int_models_described
),

names as (
    select * from int_names_resolved
),

gpus as (
    select * from stg_gpus__specs
),

zones as (
    select * from stg_grid__zones
),

intensity as (
    select * from int_grid_intensity_ranked
),

coefficients as (
    select key, 'low' as bound, low as value, high as opposite from stg_assumptions__coefficients
    union all
    select key, 'central', central, central from stg_assumptions__coefficients
    union all
    select key, 'high', high, low from stg_assumptions__coefficients
),

coef as (
    select
        bound,
        max(value) filter (where key = 'pue') as pue,
        max(value) filter (where key = 'power_share_of_tdp') as power_share,
        max(value) filter (where key = 'carbon_intensity_unknown') as ci_unknown,
        max(value) filter (where key = 'carbon_intensity_rel') as ci_rel,
        max(value) filter (where key = 'disclosed_rel') as disclosed_rel,
        max(value) filter (where key = 'wue_onsite') as wue_onsite,
        max(value) filter (where key = 'wue_offsite') as wue_offsite,
        max(opposite) filter (where key = 'mfu') as mfu
    from coefficients
    group by bound
),

training as (
    select * from runs where phase = 'training'
),

-- A development run that names no GPU or place ran where its final training did.
located as (
    select
        r.*,
        coalesce(r.gpu_text, t.gpu_text) as gpu_text_used,
        coalesce(r.location_text, t.location_text) as location_text_used,
        m.release_date,
        m.training_flops,
        m.parameters_b,
        m.active_parameters_b,
        m.training_tokens_b
    from runs as r
    left join training as t on t.model = r.model and r.phase = 'development'
    left join models as m on m.model = r.model
),

resolved as (
    select
        l.*,
        g.resolved as gpu_id,
        g.method as gpu_resolution,
        g.count as gpu_count_in_name,
        z.resolved as zone_key,
        z.method as location_resolution,
        coalesce(year(l.end_date), year(l.start_date), year(l.release_date)) as intensity_year
    from located as l
    left join names as g on g.kind = 'gpu' and g.input = l.gpu_text_used
    left join names as z on z.kind = 'location' and z.input = l.location_text_used
),

-- The zone's own annual value for the run's year, else its nearest year, else its country's.
intensity_candidates as (
    select
        r.model,
        r.phase,
        i.zone_key as intensity_zone,
        i.year as intensity_year_used,
        i.carbon_intensity_kg_per_kwh as zone_intensity_kg_per_kwh,
        i.basis as intensity_basis,
        i.source_url as intensity_source_url,
        row_number() over (
            partition by r.model, r.phase
            order by
                case when i.zone_key = r.zone_key then 0 else 1 end,
                abs(i.year - coalesce(r.intensity_year, 9999)),
                i.year desc
        ) as preference
    from resolved as r
    join zones as zn on zn.zone_key = r.zone_key
    join intensity as i on i.zone_key in (r.zone_key, zn.country_iso2)
),

with_intensity as (
    select r.*, c.* exclude (model, phase, preference)
    from resolved as r
    left join intensity_candidates as c
        on c.model = r.model and c.phase = r.phase and c.preference = 1
),

with_gpu as (
    select
        w.*,
        g.name as gpu_name,
        g.tdp_w,
        -- Peak at the training precision; bf16 unless the run says otherwise.
        case
            when w.precision like '%fp8%' then coalesce(g.peak_fp8_tflops, g.peak_bf16_tflops)
            when w.precision like '%fp32%' then coalesce(g.peak_tf32_tflops, g.peak_fp32_tflops)
            else coalesce(g.peak_bf16_tflops, g.peak_tf32_tflops, g.peak_fp32_tflops)
        end as peak_tflops,
        coalesce(w.gpu_count, w.gpu_count_in_name) as gpu_count_used,
        coalesce(w.duration_days, date_diff('day', w.start_date, w.end_date)) as duration_days_used,
        coalesce(
            w.training_flops,
            dense_training_flops(
                coalesce(w.active_parameters_b, w.parameters_b) * 1e9, w.training_tokens_b * 1e9
            )
        ) as flops_used
    from with_intensity as w
    left join gpus as g on g.gpu_id = w.gpu_id
),

laddered as (
    select
        *,
        case
            when co2e_t is not null then 1
            when energy_mwh is not null then 2
            when gpu_hours is not null then 3
            when gpu_count_used is not null and duration_days_used is not null then 4
            when flops_used is not null and peak_tflops is not null then 5
        end as estimation_tier,
        case
            when gpu_hours is not null then 'disclosed'
            when gpu_count_used is not null and duration_days_used is not null then 'count_x_duration'
            when flops_used is not null and peak_tflops is not null then 'flops'
        end as gpu_hours_basis
    from with_gpu
),

bounded as (
    select
        l.*,
        c.bound,
        case l.gpu_hours_basis
            when 'disclosed' then l.gpu_hours
            when 'count_x_duration' then l.gpu_count_used * l.duration_days_used * 24.0
            when 'flops' then gpu_hours_from_flops(l.flops_used, l.peak_tflops, c.mfu)
        end as gpu_hours_est,
        coalesce(l.power_w, l.tdp_w * c.power_share) as power_w_used,
        case
            when l.power_includes_pue then 1.0
            else coalesce(l.pue, c.pue)
        end as pue_used,
        case
            when l.carbon_intensity_kg_per_kwh is not null then l.carbon_intensity_kg_per_kwh
            when l.co2e_t is not null and l.energy_mwh is not null and l.energy_mwh > 0
                then l.co2e_t / l.energy_mwh
            when l.intensity_zone is not null then l.zone_intensity_kg_per_kwh * c.ci_rel
            else c.ci_unknown
        end as intensity_used,
        case
            when l.carbon_intensity_kg_per_kwh is not null or l.co2e_t is not null then 'disclosed'
            when l.intensity_zone is not null then 'annual'
            else 'assumed'
        end as carbon_intensity_granularity,
        c.disclosed_rel,
        c.wue_onsite,
        c.wue_offsite
    from laddered as l
    cross join coef as c
    where l.estimation_tier is not null
),

energised as (
    select
        *,
        coalesce(
            energy_mwh * disclosed_rel,
            facility_energy_mwh(it_energy_mwh(gpu_hours_est, power_w_used), pue_used)
        ) as energy_mwh_est
    from bounded
),

final as (
    select
        model,
        phase,
        bound,
        estimation_tier,
        gpu_text_used as gpu_text,
        gpu_id,
        gpu_name,
        gpu_resolution,
        gpu_count_used as gpu_count,
        duration_days_used as duration_days,
        -- With no GPU-hours disclosed or derivable, energy and power still give them (embodied
        -- and cost need them).
        coalesce(gpu_hours_est, energy_mwh_est * 1e6 / (power_w_used * pue_used)) as gpu_hours,
        gpu_hours_basis,
        power_w_used as power_w,
        power_w is not null as power_disclosed,
        pue_used as pue,
        location_text_used as location_text,
        zone_key,
        location_resolution,
        intensity_zone,
        intensity_year_used,
        intensity_basis,
        intensity_source_url,
        -- What the figure implies: a run that discloses its emissions shows the intensity its own
        -- numbers give (emissions / energy), not a looked-up one.
        case
            when co2e_t is not null and carbon_intensity_kg_per_kwh is null and energy_mwh_est > 0
                then co2e_t / energy_mwh_est
            else intensity_used
        end as carbon_intensity_kg_per_kwh,
        carbon_intensity_granularity,
        energy_mwh_est as energy_mwh,
        energy_mwh is not null as energy_disclosed,
        coalesce(co2e_t * disclosed_rel, operational_co2e_t(energy_mwh_est, intensity_used))
            as co2e_t,
        co2e_t is not null as co2e_disclosed,
        co2e_t as disclosed_co2e_t,
        co2e_market_t as disclosed_co2e_market_t,
        coalesce(
            water_kl * disclosed_rel,
            operational_water_kl(energy_mwh_est, wue_onsite, wue_offsite)
        ) as water_kl,
        conflicting_fields
    from energised
)

select * from final

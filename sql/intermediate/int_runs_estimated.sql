-- grain: one row per model x phase x bound (low, central, high): a run's GPU-hours, energy,
-- carbon and water, disclosed where the developer said so and estimated down the ladder otherwise
-- (METHODOLOGY.md). Bounds are interval arithmetic: every formula is a product of inputs, so the
-- low end takes each input's low (or, for life and MFU, which lower the footprint as they grow,
-- its high), and likewise for the high end. A quantity derived by division (GPU-hours from
-- disclosed energy / power) takes the divisor's opposite end.
--
-- Carbon intensity, best first (carbon_intensity_granularity):
--   disclosed  the run's own intensity, or emissions / energy when it discloses both
--   hourly     the time-weighted mean of an hourly average series covering >= 90% of the run's
--              window (int_runs_hourly_matched), range carbon_intensity_rel_hourly
--   monthly    the monthly values of the zone over the window, weighted by overlap, when they
--              cover >= 90% of it, range carbon_intensity_rel_monthly
--   annual     the zone's annual average for the run's year (nearest year, then the country's),
--              range carbon_intensity_rel
--   hourly     (intensity_basis 'marginal') a marginal series covering the window, only when none
--              of the above exists for the zone; range carbon_intensity_rel
--   assumed    the world average (carbon_intensity_unknown)
-- The narrower range of finer data: an annual average applied to a run of weeks misses the
-- seasonal and day-night swing of the grid (hourly CISO 2022 ranges 74-449 g/kWh around a 256
-- mean); a time-matched mean leaves only the method spread between sources.
--
-- Peak FLOP/s at the training precision (tier 5): fp8 -> fp8 peak; tf32 -> tf32 (else fp32);
-- fp32 -> the fp32 peak (a device with no fp32 figure, i.e. TPUs, runs fp32 matmuls as bf16
-- passes by default, so its bf16 peak); fp16/bf16/unknown -> the 16-bit tensor peak (column
-- peak_bf16_tflops; fp16 on V100), else tf32, else fp32. peak_precision_used says which.
-- A GPU with no TDP (or a run naming no GPU) takes gpu_tdp_w_unknown, flagged in power_source.
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

hourly_matches as (
    select * from int_runs_hourly_matched
),

monthly as (
    select * from stg_grid__intensity_monthly
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
        max(value) filter (where key = 'carbon_intensity_rel_monthly') as ci_rel_monthly,
        max(value) filter (where key = 'carbon_intensity_rel_hourly') as ci_rel_hourly,
        max(value) filter (where key = 'gpu_tdp_w_unknown') as tdp_unknown,
        max(opposite) filter (where key = 'gpu_tdp_w_unknown') as tdp_unknown_opposite,
        max(opposite) filter (where key = 'power_share_of_tdp') as power_share_opposite,
        max(opposite) filter (where key = 'pue') as pue_opposite,
        max(value) filter (where key = 'count_duration_rel') as count_duration_rel,
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

-- The hourly series a run uses (coverage >= 90%, an average basis), else a marginal one.
hourly_used as (
    select
        model,
        phase,
        bool_or(is_used) as hourly_is_average,
        arg_max(carbon_intensity_kg_per_kwh, is_used) as hourly_intensity_kg_per_kwh,
        arg_max(source, is_used) as hourly_source,
        arg_max(basis, is_used) as hourly_basis,
        arg_max(coverage_share, is_used) as hourly_coverage_share,
        arg_max(source_url, is_used) as hourly_source_url
    from hourly_matches
    where is_used or (preference = 1 and meets_coverage and is_marginal)
    group by model, phase
),

-- Monthly values of the run's own zone over its window, weighted by overlap (best source per
-- month: lifecycle, then unknown, then direct basis).
windows as (
    select distinct model, phase, zone_key, window_start_utc, window_end_utc
    from hourly_matches
),

monthly_overlaps as (
    select
        w.model,
        w.phase,
        m.carbon_intensity_kg_per_kwh,
        m.source,
        m.source_url,
        epoch(w.window_end_utc - w.window_start_utc) as window_s,
        epoch(least(m.month_end_utc, w.window_end_utc) - greatest(m.month_start_utc, w.window_start_utc))
            as overlap_s
    from windows as w
    join monthly as m
        on m.zone_key = w.zone_key
        and m.month_start_utc < w.window_end_utc
        and m.month_end_utc > w.window_start_utc
    qualify row_number() over (
        partition by w.model, w.phase, m.year, m.month
        order by case m.basis when 'lifecycle' then 1 when 'unknown' then 2 else 3 end, m.source
    ) = 1
),

monthly_used as (
    select
        model,
        phase,
        sum(carbon_intensity_kg_per_kwh * overlap_s) / sum(overlap_s) as monthly_intensity_kg_per_kwh,
        sum(overlap_s) / any_value(window_s) as monthly_coverage_share,
        string_agg(distinct source, ';' order by source) as monthly_source,
        any_value(source_url) as monthly_source_url
    from monthly_overlaps
    group by model, phase
    having sum(overlap_s) / any_value(window_s) >= 0.9
),

with_intensity as (
    select
        r.*,
        c.* exclude (model, phase, preference),
        h.* exclude (model, phase),
        m.* exclude (model, phase),
        case
            when h.hourly_is_average then 'hourly'
            when m.monthly_intensity_kg_per_kwh is not null then 'monthly'
            when c.intensity_zone is not null then 'annual'
            when h.hourly_intensity_kg_per_kwh is not null then 'hourly_marginal'
        end as zone_granularity
    from resolved as r
    left join intensity_candidates as c
        on c.model = r.model and c.phase = r.phase and c.preference = 1
    left join hourly_used as h on h.model = r.model and h.phase = r.phase
    left join monthly_used as m on m.model = r.model and m.phase = r.phase
),

with_gpu as (
    select
        w.*,
        g.name as gpu_name,
        g.tdp_w,
        -- Peak at the training precision (header); 16-bit unless the run says otherwise.
        case
            when w.precision like '%fp8%' then coalesce(g.peak_fp8_tflops, g.peak_bf16_tflops)
            when w.precision like '%tf32%' then coalesce(g.peak_tf32_tflops, g.peak_fp32_tflops)
            when w.precision like '%fp32%' then coalesce(g.peak_fp32_tflops, g.peak_bf16_tflops)
            else coalesce(g.peak_bf16_tflops, g.peak_tf32_tflops, g.peak_fp32_tflops)
        end as peak_tflops,
        case
            when w.precision like '%fp8%' then
                case when g.peak_fp8_tflops is not null then 'fp8'
                    when g.peak_bf16_tflops is not null then 'bf16' end
            when w.precision like '%tf32%' then
                case when g.peak_tf32_tflops is not null then 'tf32'
                    when g.peak_fp32_tflops is not null then 'fp32' end
            when w.precision like '%fp32%' then
                case when g.peak_fp32_tflops is not null then 'fp32'
                    when g.peak_bf16_tflops is not null then 'bf16' end
            else
                case when g.peak_bf16_tflops is not null then coalesce(nullif(w.precision, ''), 'bf16')
                    when g.peak_tf32_tflops is not null then 'tf32'
                    when g.peak_fp32_tflops is not null then 'fp32' end
        end as peak_precision_used,
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
            when 'count_x_duration'
                then l.gpu_count_used * l.duration_days_used * 24.0 * c.count_duration_rel
            when 'flops' then gpu_hours_from_flops(l.flops_used, l.peak_tflops, c.mfu)
        end as gpu_hours_est,
        coalesce(l.power_w, coalesce(l.tdp_w, c.tdp_unknown) * c.power_share) as power_w_used,
        -- the other end, for GPU-hours derived by dividing energy by power
        coalesce(l.power_w, coalesce(l.tdp_w, c.tdp_unknown_opposite) * c.power_share_opposite)
            as power_w_opposite,
        case
            when l.power_w is not null then 'disclosed'
            when l.tdp_w is not null then 'tdp'
            else 'tdp_unknown'
        end as power_source,
        case
            when l.power_includes_pue then 1.0
            else coalesce(l.pue, c.pue)
        end as pue_used,
        case
            when l.power_includes_pue then 1.0
            else coalesce(l.pue, c.pue_opposite)
        end as pue_opposite,
        case
            when l.carbon_intensity_kg_per_kwh is not null then l.carbon_intensity_kg_per_kwh
            when l.co2e_t is not null and l.energy_mwh is not null and l.energy_mwh > 0
                then l.co2e_t / l.energy_mwh
            when l.zone_granularity = 'hourly' then l.hourly_intensity_kg_per_kwh * c.ci_rel_hourly
            when l.zone_granularity = 'monthly'
                then l.monthly_intensity_kg_per_kwh * c.ci_rel_monthly
            when l.zone_granularity = 'annual' then l.zone_intensity_kg_per_kwh * c.ci_rel
            when l.zone_granularity = 'hourly_marginal'
                then l.hourly_intensity_kg_per_kwh * c.ci_rel
            else c.ci_unknown
        end as intensity_used,
        case
            when l.carbon_intensity_kg_per_kwh is not null or l.co2e_t is not null then 'disclosed'
            when l.zone_granularity = 'hourly_marginal' then 'hourly'
            when l.zone_granularity is not null then l.zone_granularity
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
        -- and cost need them); a quotient takes its divisor's opposite end.
        coalesce(gpu_hours_est, energy_mwh_est * 1e6 / (power_w_opposite * pue_opposite))
            as gpu_hours,
        coalesce(gpu_hours_basis, case when energy_mwh_est is not null then 'energy' end)
            as gpu_hours_basis,
        peak_tflops,
        peak_precision_used,
        power_w_used as power_w,
        power_w is not null as power_disclosed,
        power_source,
        pue_used as pue,
        location_text_used as location_text,
        zone_key,
        location_resolution,
        case
            when zone_granularity in ('hourly', 'monthly', 'hourly_marginal') then zone_key
            else intensity_zone
        end as intensity_zone,
        intensity_year_used,
        case
            when zone_granularity in ('hourly', 'hourly_marginal') then hourly_basis
            else intensity_basis
        end as intensity_basis,
        case zone_granularity
            when 'hourly' then hourly_source
            when 'hourly_marginal' then hourly_source
            when 'monthly' then monthly_source
        end as intensity_source,
        case zone_granularity
            when 'hourly' then hourly_coverage_share
            when 'hourly_marginal' then hourly_coverage_share
            when 'monthly' then monthly_coverage_share
        end as intensity_coverage_share,
        case zone_granularity
            when 'hourly' then hourly_source_url
            when 'hourly_marginal' then hourly_source_url
            when 'monthly' then monthly_source_url
            else intensity_source_url
        end as intensity_source_url,
        -- What the figure implies: a run that discloses its emissions shows the intensity its own
        -- numbers give (emissions / energy), not a looked-up one.
        -- (a point value: the central emissions over the central energy, the same in every bound,
        -- since the emissions were not computed from it)
        case
            when co2e_t is not null and carbon_intensity_kg_per_kwh is null
                then max(co2e_t / nullif(energy_mwh_est, 0)) filter (where bound = 'central')
                    over (partition by model, phase)
            else intensity_used
        end as carbon_intensity_kg_per_kwh,
        carbon_intensity_granularity,
        -- The intensity of the run's place as looked up (central, no range), even when the run
        -- discloses its own: the audit compares the two.
        case zone_granularity
            when 'hourly' then hourly_intensity_kg_per_kwh
            when 'hourly_marginal' then hourly_intensity_kg_per_kwh
            when 'monthly' then monthly_intensity_kg_per_kwh
            when 'annual' then zone_intensity_kg_per_kwh
        end as location_intensity_kg_per_kwh,
        zone_granularity as location_intensity_granularity,
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

-- grain: one row per model x phase x bound (low, central, high): a run's GPU-hours, energy,
-- carbon and water, disclosed where the developer said so and estimated down the ladder otherwise
-- (METHODOLOGY.md). Bounds are interval arithmetic: every formula is a product of inputs, so the
-- low end takes each input's low (or, for life and MFU, which lower the footprint as they grow,
-- its high), and likewise for the high end. A quantity derived by division (GPU-hours from
-- disclosed energy / power) takes the divisor's opposite end.
--
-- Inputs, tier and guards come from int_runs_guarded (a run no tier passes is not here); where
-- the run happened comes from int_runs_located (the location ladder).
--
-- Carbon intensity, best first (carbon_intensity_granularity):
--   disclosed  the run's own intensity, or emissions / energy when it discloses both
--   hourly     the time-weighted mean of an hourly average series covering >= 90% of the run's
--              window (int_runs_hourly_matched), range carbon_intensity_rel_hourly
--   monthly    the monthly values of the zone over the window, weighted by overlap, when they
--              cover >= 90% of it, range carbon_intensity_rel_monthly
--   annual     the annual average for the run's year (nearest year, then the country's) of the
--              zone(s) of the run's rung; several zones (an organisation's sites) give their
--              share-weighted mean, and the range runs from the lowest to the highest of them,
--              times carbon_intensity_rel
--   hourly     (intensity_basis 'marginal') a marginal series covering the window, only when none
--              of the above exists for the zone; range carbon_intensity_rel
--   assumed    the world average (carbon_intensity_unknown): no rung of the ladder applies; its
--              range is the 10th-90th percentile of the located runs' intensities (located_spread)
-- The narrower range of finer data: an annual average applied to a run of weeks misses the
-- seasonal and day-night swing of the grid (hourly CISO 2022 ranges 74-449 g/kWh around a 256
-- mean); a time-matched mean leaves only the method spread between sources.
--
-- Power: disclosed, else TDP x the training share; an ambiguous accelerator name spans its
-- variants (tdp_w_low .. tdp_w_high); a GPU with no TDP (or a run naming no GPU) takes
-- gpu_tdp_w_unknown, flagged in power_source.
with runs as (
    select * from int_runs_guarded where estimation_tier is not null
),

located as (
    select * from int_runs_located
),

intensity as (
    select * from int_grid_intensity_ranked
),

zones as (
    select * from stg_grid__zones
),

hourly_matches as (
    select * from int_runs_hourly_matched
),

monthly as (
    select * from stg_grid__intensity_monthly
),

coefficients as (
    select key, bound, value, opposite from int_coefficients_bounded
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
        max(value) filter (where key = 'pue_hyperscale') as pue_hyperscale,
        max(opposite) filter (where key = 'pue_hyperscale') as pue_hyperscale_opposite,
        max(value) filter (where key = 'count_duration_rel') as count_duration_rel,
        max(value) filter (where key = 'disclosed_rel') as disclosed_rel,
        max(value) filter (where key = 'wue_onsite') as wue_onsite,
        max(value) filter (where key = 'wue_offsite') as wue_offsite,
        max(opposite) filter (where key = 'mfu') as mfu,
        coalesce(max(value) filter (where key = 'compute_rel_speculative'), 1.0)
            as compute_rel_speculative
    from coefficients
    group by bound
),

resolved as (
    select
        r.*,
        coalesce(year(r.end_date), year(r.start_date), year(r.release_date)) as intensity_year
    from runs as r
),

-- Each zone of the run's rung: its own annual value for the run's year, else its nearest year,
-- else its country's.
zone_candidates as (
    select
        l.model,
        l.phase,
        l.zone_key as site_zone,
        l.share,
        i.zone_key as intensity_zone,
        i.year as intensity_year_used,
        i.carbon_intensity_kg_per_kwh,
        i.basis,
        i.source,
        i.source_url,
        row_number() over (
            partition by l.model, l.phase, l.zone_key
            order by
                case when i.zone_key = l.zone_key then 0 else 1 end,
                abs(i.year - coalesce(r.intensity_year, 9999)),
                i.year desc
        ) as preference
    from located as l
    join resolved as r on r.model = l.model and r.phase = l.phase
    join zones as zn on zn.zone_key = l.zone_key
    join intensity as i on i.zone_key in (l.zone_key, zn.country_iso2)
),

-- The rung's intensity: the share-weighted mean of its zones, and their lowest and highest.
intensity_candidates as (
    select
        model,
        phase,
        string_agg(intensity_zone, ', ' order by share desc, intensity_zone) as intensity_zone,
        max(intensity_year_used) as intensity_year_used,
        -- summed in a fixed order, so a rebuild gives the same digits
        list_sum(list(carbon_intensity_kg_per_kwh * share order by site_zone))
            / list_sum(list(share order by site_zone)) as zone_intensity_kg_per_kwh,
        min(carbon_intensity_kg_per_kwh) as zone_intensity_min,
        max(carbon_intensity_kg_per_kwh) as zone_intensity_max,
        string_agg(distinct basis, ', ' order by basis) as intensity_basis,
        string_agg(distinct source, ', ' order by source) as annual_source,
        min(source_url) as intensity_source_url
    from zone_candidates
    where preference = 1
    group by model, phase
),

-- Where the board's located runs (rungs 1-4) were trained: the 10th and 90th percentile of their
-- rung's intensity. A run with no location at all (rung 5) takes the world average as its central
-- value and this span as its range: it was trained somewhere models are trained, not on the
-- cleanest or dirtiest grid on earth (carbon_intensity_unknown's own low/high only when no run
-- is located).
located_spread as (
    select
        quantile_cont(zone_intensity_kg_per_kwh, 0.1) as ci_located_p10,
        quantile_cont(zone_intensity_kg_per_kwh, 0.9) as ci_located_p90
    from intensity_candidates
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
        c.* exclude (model, phase),
        h.* exclude (model, phase),
        m.* exclude (model, phase),
        lr.location_rung,
        lr.location_label,
        case
            when h.hourly_is_average then 'hourly'
            when m.monthly_intensity_kg_per_kwh is not null then 'monthly'
            when c.intensity_zone is not null then 'annual'
            when h.hourly_intensity_kg_per_kwh is not null then 'hourly_marginal'
        end as zone_granularity
    from resolved as r
    left join intensity_candidates as c on c.model = r.model and c.phase = r.phase
    left join hourly_used as h on h.model = r.model and h.phase = r.phase
    left join monthly_used as m on m.model = r.model and m.phase = r.phase
    left join (
        select distinct model, phase, location_rung, location_label from located
    ) as lr on lr.model = r.model and lr.phase = r.phase
),

bounded as (
    select
        l.*,
        c.bound,
        case l.gpu_hours_basis
            when 'disclosed' then l.gpu_hours
            when 'count_x_duration' then l.count_duration_gpu_hours * c.count_duration_rel
            -- a compute Epoch AI calls Speculative spans compute_rel_speculative around it
            when 'flops' then gpu_hours_from_flops(
                l.flops_used
                * case when l.compute_confidence = 'Speculative' then c.compute_rel_speculative else 1 end,
                l.peak_tflops,
                c.mfu
            )
        end as gpu_hours_est,
        -- An ambiguous accelerator name (a bare 'V100') spans its variants' TDPs.
        coalesce(
            l.power_w,
            coalesce(
                case c.bound when 'low' then l.tdp_w_low when 'high' then l.tdp_w_high end,
                l.tdp_w,
                c.tdp_unknown
            ) * c.power_share
        ) as power_w_used,
        -- the other end, for GPU-hours derived by dividing energy by power
        coalesce(
            l.power_w,
            coalesce(
                case c.bound when 'low' then l.tdp_w_high when 'high' then l.tdp_w_low end,
                l.tdp_w,
                c.tdp_unknown_opposite
            ) * c.power_share_opposite
        ) as power_w_opposite,
        case
            when l.power_w is not null then 'disclosed'
            when l.tdp_w is not null then 'tdp'
            else 'tdp_unknown'
        end as power_source,
        -- A named data centre, a cloud vendor or an organisation's own sites are hyperscale.
        case
            when l.power_includes_pue then 1.0
            when l.pue is not null then l.pue
            when l.location_rung in (2, 3) or l.location_label like 'training data centre%'
                then c.pue_hyperscale
            else c.pue
        end as pue_used,
        case
            when l.power_includes_pue then 1.0
            when l.pue is not null then l.pue
            when l.location_rung in (2, 3) or l.location_label like 'training data centre%'
                then c.pue_hyperscale_opposite
            else c.pue_opposite
        end as pue_opposite,
        -- The intensity of the run's place, by the location ladder (no disclosed figure).
        case
            when l.zone_granularity = 'hourly' then l.hourly_intensity_kg_per_kwh * c.ci_rel_hourly
            when l.zone_granularity = 'monthly'
                then l.monthly_intensity_kg_per_kwh * c.ci_rel_monthly
            when l.zone_granularity = 'annual' then c.ci_rel * case c.bound
                when 'low' then l.zone_intensity_min
                when 'high' then l.zone_intensity_max
                else l.zone_intensity_kg_per_kwh
            end
            when l.zone_granularity = 'hourly_marginal'
                then l.hourly_intensity_kg_per_kwh * c.ci_rel
            else coalesce(
                case c.bound when 'low' then sp.ci_located_p10 when 'high' then sp.ci_located_p90 end,
                c.ci_unknown
            )
        end as intensity_located,
        -- the granularity of the place's intensity (a disclosed one wins in `checked`)
        case
            when l.zone_granularity = 'hourly_marginal' then 'hourly'
            when l.zone_granularity is not null then l.zone_granularity
            else 'assumed'
        end as located_granularity,
        c.disclosed_rel,
        c.wue_onsite,
        c.wue_offsite
    from with_intensity as l
    cross join coef as c
    cross join located_spread as sp
),

-- What the ladder gives from the run's own inputs, without its disclosed energy and emissions:
-- beside a disclosure, the gap is a finding (the audit lists it), and the check below uses it.
recomputed as (
    select
        *,
        facility_energy_mwh(it_energy_mwh(gpu_hours_est, power_w_used), pue_used)
            as recomputed_energy_mwh
    from bounded
),

-- A disclosure that contradicts itself keeps tier 1 only for the figures that agree: disclosed
-- location-based emissions more than 10x off what the run's own energy (disclosed, else from its
-- GPU-hours) gives at its place (the audit's emissions_vs_recomputed error) are not used; the
-- run is estimated from those inputs and says why in guard_failures (Llama 3.3 70B's card:
-- 12.9 t beside 7.0M H100-hours).
checked as (
    select
        * exclude (co2e_rejected, located_granularity)
        replace (
            case when co2e_rejected then null else co2e_t end as co2e_t,
            case
                when not co2e_rejected then estimation_tier
                when energy_mwh is not null then 2
                when gpu_hours_basis = 'disclosed' then 3
                when gpu_hours_basis = 'count_x_duration' then 4
                else 5
            end as estimation_tier,
            case
                when co2e_rejected then concat_ws('; ', guard_failures, concat(
                    'disclosed emissions of ', round(co2e_t, 1), ' t not used: ',
                    round(co2e_recomputed_central, 1), ' t from the run''s own inputs'
                ))
                else guard_failures
            end as guard_failures
        ),
        case when co2e_rejected then co2e_t end as rejected_co2e_t,
        case
            when carbon_intensity_kg_per_kwh is not null then 'disclosed'
            when co2e_t is not null and not co2e_rejected then 'disclosed'
            else located_granularity
        end as carbon_intensity_granularity
    from (
        select
            *,
            coalesce(
                co2e_t is not null
                and carbon_intensity_kg_per_kwh is null
                and co2e_recomputed_central > 0
                and co2e_t / co2e_recomputed_central not between 0.1 and 10,
                false
            ) as co2e_rejected
        from (
            select
                *,
                -- the emissions' own input: the disclosed energy, else GPU-hours x power x PUE
                max(operational_co2e_t(
                    coalesce(energy_mwh, recomputed_energy_mwh), intensity_located
                ))
                    filter (where bound = 'central') over (partition by model, phase)
                    as co2e_recomputed_central
            from recomputed
        )
    )
),

energised as (
    select
        *,
        case
            when carbon_intensity_kg_per_kwh is not null then carbon_intensity_kg_per_kwh
            when co2e_t is not null and energy_mwh is not null and energy_mwh > 0
                then co2e_t / energy_mwh
            else intensity_located
        end as intensity_used,
        -- A disclosed energy is shown as published (its own rounding is its only range).
        coalesce(energy_mwh * disclosed_rel, recomputed_energy_mwh) as energy_mwh_est
    from checked
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
        flops_used,
        base_model,
        coalesce(
            case when estimation_tier <= 4 then 'disclosed' end, compute_confidence, 'unknown'
        ) as compute_confidence,
        guard_failures,
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
            when 'annual' then annual_source
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
        coalesce(location_rung, 5) as location_rung,
        -- Which rung of the location ladder, the zones, the dataset and the year.
        case
            when carbon_intensity_kg_per_kwh is not null then 'disclosed intensity'
            when co2e_t is not null and energy_mwh is not null
                then 'disclosed emissions / disclosed energy'
            when co2e_t is not null then 'disclosed emissions / estimated energy'
            when zone_granularity is null
                then 'world average (CodeCarbon global mix), no location known'
            else concat(
                location_label, ': ',
                case
                    when zone_granularity in ('hourly', 'monthly', 'hourly_marginal') then zone_key
                    else intensity_zone
                end,
                ' (',
                case zone_granularity
                    when 'hourly' then hourly_source || ' hourly'
                    when 'hourly_marginal' then hourly_source || ' hourly marginal'
                    when 'monthly' then monthly_source || ' monthly'
                    else annual_source || ' ' || intensity_year_used
                end,
                ')'
            )
        end as carbon_intensity_source,
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
        rejected_co2e_t,
        co2e_market_t as disclosed_co2e_market_t,
        recomputed_energy_mwh,
        -- a disclosed intensity is an input, not a result: the recomputation uses it
        operational_co2e_t(
            recomputed_energy_mwh, coalesce(carbon_intensity_kg_per_kwh, intensity_located)
        ) as recomputed_co2e_t,
        coalesce(
            water_kl * disclosed_rel,
            operational_water_kl(energy_mwh_est, wue_onsite, wue_offsite)
        ) as water_kl,
        conflicting_fields
    from energised
)

select * from final

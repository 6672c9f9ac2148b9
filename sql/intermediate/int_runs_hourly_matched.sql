-- grain: one row per model x phase x hourly source: for a run with a resolved zone and a time
-- window, the run's mean carbon intensity from an hourly (or finer) series of its zone, how much
-- of the window the series covers, and whether the estimate uses it. A run whose zone has no
-- series at all keeps one row with source null and coverage 0 (so every windowed run is listed).
--
-- Window (UTC, end exclusive): [start_date 00:00, end_date + 1 day 00:00). With only one of the
-- two dates, the other is derived from duration_days. A development run without its own location
-- ran where its final training did (as in int_runs_estimated); its window is its own.
--
-- Mean: a flat power profile (the run draws the same power every hour, which is what GPU-hours x
-- power already assumes), so the run's intensity is the time-weighted mean over the window:
--   sum(intensity_i x overlap_i) / sum(overlap_i)
-- where overlap_i is the seconds interval i (of any length: 5, 15, 60 minutes) shares with the
-- window. Coverage = sum(overlap_i) / window seconds; gaps (missing or empty hours) lower it.
--
-- Use rule: the estimate uses an hourly mean only when coverage >= 90% (a missing tenth could
-- hide a day-night or weekday pattern that shifts the mean by more than the hourly range) and the
-- basis is an average. A 'marginal' series (WattTime MOER) is matched and reported but is not an
-- average intensity: int_runs_estimated falls back to it only when the zone has no hourly average,
-- no monthly and no annual value (nothing else exists), and says so in intensity_basis.
with runs as (
    select * from int_disclosures_pivoted
),

names as (
    select * from int_names_resolved where kind = 'location'
),

hourly as (
    select * from stg_grid__intensity_hourly
),

training as (
    select model, location_text from runs where phase = 'training'
),

windowed as (
    select
        r.model,
        r.phase,
        n.resolved as zone_key,
        coalesce(
            cast(r.start_date as timestamp),
            cast(r.end_date as timestamp) + interval 1 day - to_seconds(r.duration_days * 86400.0)
        ) as window_start_utc,
        coalesce(
            cast(r.end_date as timestamp) + interval 1 day,
            cast(r.start_date as timestamp) + to_seconds(r.duration_days * 86400.0)
        ) as window_end_utc
    from runs as r
    left join training as t on t.model = r.model and r.phase = 'development'
    join names as n on n.input = coalesce(r.location_text, t.location_text)
    where n.resolved is not null
        and (r.start_date is not null or r.end_date is not null)
        and (r.start_date is not null and r.end_date is not null or r.duration_days > 0)
),

valid_windows as (
    select * from windowed where window_end_utc > window_start_utc
),

interval_overlaps as (
    select
        w.model,
        w.phase,
        h.source,
        h.basis,
        h.source_url,
        h.period_minutes,
        h.carbon_intensity_kg_per_kwh,
        epoch(least(h.ts_end_utc, w.window_end_utc) - greatest(h.ts_utc, w.window_start_utc))
            as overlap_s
    from valid_windows as w
    join hourly as h
        on h.zone_key = w.zone_key
        and h.ts_utc < w.window_end_utc
        and h.ts_end_utc > w.window_start_utc
),

per_source as (
    select
        model,
        phase,
        source,
        any_value(basis) as basis,
        any_value(source_url) as source_url,
        min(period_minutes) as period_minutes,
        count(*) as intervals,
        sum(overlap_s) as covered_s,
        sum(carbon_intensity_kg_per_kwh * overlap_s) / sum(overlap_s) as carbon_intensity_kg_per_kwh,
        min(carbon_intensity_kg_per_kwh) as interval_min_kg_per_kwh,
        max(carbon_intensity_kg_per_kwh) as interval_max_kg_per_kwh
    from interval_overlaps
    where overlap_s > 0
    group by model, phase, source
),

joined as (
    select
        w.model,
        w.phase,
        w.zone_key,
        w.window_start_utc,
        w.window_end_utc,
        epoch(w.window_end_utc - w.window_start_utc) / 3600.0 as window_hours,
        p.source,
        p.basis,
        p.source_url,
        p.period_minutes,
        coalesce(p.intervals, 0) as intervals,
        coalesce(p.covered_s, 0) / 3600.0 as covered_hours,
        coalesce(p.covered_s, 0) / epoch(w.window_end_utc - w.window_start_utc) as coverage_share,
        p.carbon_intensity_kg_per_kwh,
        p.interval_min_kg_per_kwh,
        p.interval_max_kg_per_kwh
    from valid_windows as w
    left join per_source as p on p.model = w.model and p.phase = w.phase
),

ranked as (
    select
        *,
        coalesce(basis = 'marginal', false) as is_marginal,
        source is not null and coverage_share >= 0.9 as meets_coverage,
        row_number() over (
            partition by model, phase
            order by
                source is not null and coverage_share >= 0.9 desc,
                coalesce(basis = 'marginal', true),
                coverage_share desc,
                period_minutes,
                source
        ) as preference
    from joined
),

final as (
    select
        model,
        phase,
        zone_key,
        window_start_utc,
        window_end_utc,
        window_hours,
        source,
        basis,
        is_marginal,
        period_minutes,
        intervals,
        covered_hours,
        coverage_share,
        carbon_intensity_kg_per_kwh,
        interval_min_kg_per_kwh,
        interval_max_kg_per_kwh,
        meets_coverage,
        -- The series the estimate uses as the run's average intensity (at most one per run).
        preference = 1 and meets_coverage and not is_marginal as is_used,
        preference,
        source_url
    from ranked
)

select * from final

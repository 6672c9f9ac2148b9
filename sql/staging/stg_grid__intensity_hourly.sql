-- grain: one row per zone x interval start (UTC) x source: an hourly or finer intensity, in
-- kg/kWh, with the interval's end (start + period). `basis` 'marginal' marks a marginal-emissions
-- signal (WattTime MOER), which is not an average and is kept apart downstream.
with source as (
    select * from raw_grid_intensity_hourly
),

final as (
    select
        zone_key,
        ts_utc,
        ts_utc + to_minutes(period_minutes) as ts_end_utc,
        period_minutes,
        carbon_intensity_g_per_kwh / 1000.0 as carbon_intensity_kg_per_kwh,
        basis,
        source,
        source_url
    from source
)

select * from final

-- grain: one row per source x zone x year x month x basis, intensity in kg/kWh, with the month's
-- first instant and the next month's (UTC), so a run's window can be matched by overlap.
with source as (
    select * from raw_grid_intensity_monthly
),

final as (
    select
        zone_key,
        year,
        month,
        make_timestamp(year, month, 1, 0, 0, 0) as month_start_utc,
        make_timestamp(year, month, 1, 0, 0, 0) + interval 1 month as month_end_utc,
        carbon_intensity_g_per_kwh / 1000.0 as carbon_intensity_kg_per_kwh,
        basis,
        source,
        source_url
    from source
)

select * from final

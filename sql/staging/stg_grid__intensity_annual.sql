-- grain: one row per source x zone x year x basis (as landed), intensity in kg/kWh.
with source as (
    select * from raw_grid_intensity_annual
),

final as (
    select
        zone_key,
        year,
        carbon_intensity_g_per_kwh / 1000.0 as carbon_intensity_kg_per_kwh,
        basis,
        source,
        source_url
    from source
)

select * from final

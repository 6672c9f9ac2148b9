-- grain: one row per zone.
with source as (
    select * from raw_zones
),

final as (
    select zone_key, zone_name, zone_type, country_iso2, country_iso3, source
    from source
)

select * from final

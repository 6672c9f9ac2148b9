-- grain: one row per cloud provider x region.
with source as (
    select * from raw_cloud_regions
),

final as (
    select lower(provider) as provider, region, region_name, zone_key, country_iso2, pue, source
    from source
)

select * from final

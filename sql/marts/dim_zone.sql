-- grain: one row per grid zone, with its latest annual intensity.
with zones as (
    select * from stg_grid__zones
),

latest as (
    select * from int_grid_intensity_ranked
    qualify row_number() over (partition by zone_key order by year desc) = 1
),

final as (
    select
        z.*,
        l.year as latest_year,
        l.carbon_intensity_kg_per_kwh as latest_carbon_intensity_kg_per_kwh,
        l.basis as latest_basis,
        l.source as latest_source
    from zones as z
    left join latest as l using (zone_key)
)

select * from final

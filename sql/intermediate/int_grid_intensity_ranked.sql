-- grain: one row per zone x year: the intensity we use, chosen among sources.
-- Preference: lifecycle over unknown over direct basis (lifecycle is what the footprint needs);
-- then the source with the longest series for that zone (one consistent method across years).
with intensity as (
    select * from stg_grid__intensity_annual
),

series_length as (
    select zone_key, source, count(*) as years_covered
    from intensity
    group by zone_key, source
),

ranked as (
    select
        i.*,
        row_number() over (
            partition by i.zone_key, i.year
            order by
                case i.basis when 'lifecycle' then 1 when 'unknown' then 2 else 3 end,
                s.years_covered desc,
                i.source
        ) as preference
    from intensity as i
    join series_length as s using (zone_key, source)
),

final as (
    select zone_key, year, carbon_intensity_kg_per_kwh, basis, source, source_url
    from ranked
    where preference = 1
)

select * from final

-- grain: one row per organization: the curated country of an organisation no model record gives
-- a country for (models/organization_countries.csv, a citation per row). The location ladder
-- (int_runs_located) reads it at rung 4, after the countries the model records give.
with source as (
    select * from raw_organization_countries
),

final as (
    select
        organization,
        country,
        source as source_url,
        note
    from source
)

select * from final

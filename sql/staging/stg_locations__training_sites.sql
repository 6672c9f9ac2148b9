-- grain: one row per organization x cloud_vendor x location (the curated training sites).
-- organization is one name as Epoch spells it; an Epoch organization fact may join several
-- with '; ' (Google; University X): a reader tries each name in order and takes the first that
-- has rows here. The raw file writes '' where a row is about the other one; here that is null:
-- organization null marks a cloud vendor's own regions (for runs that name only a vendor), as
-- the location ladder (int_runs_located) reads it. The zone_key of each location is joined in int_training_sites, since staging
-- reads raw tables only and the names are resolved into an intermediate table.
with source as (
    select * from raw_training_sites
),

final as (
    select
        nullif(organization, '') as organization,
        nullif(cloud_vendor, '') as cloud_vendor,
        location as location_text,
        share,
        valid_from,
        valid_to,
        source as source_url,
        note
    from source
)

select * from final

-- grain: one row per organization x cloud_vendor x location: stg_locations__training_sites with
-- the grid zone each location resolves to (null when it does not resolve).
-- organization is one name as Epoch spells it; an Epoch organization fact may join several
-- with '; ': the location ladder tries each name in order and takes the first with rows here.
with sites as (
    select * from stg_locations__training_sites
),

places as (
    select input, resolved from int_names_resolved where kind = 'location'
),

final as (
    select
        s.organization,
        s.cloud_vendor,
        s.location_text,
        p.resolved as zone_key,
        s.share,
        s.valid_from,
        s.valid_to,
        s.source_url,
        s.note
    from sites as s
    left join places as p on p.input = s.location_text
)

select * from final

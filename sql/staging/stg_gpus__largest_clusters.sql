-- grain: one row per record-setting cluster (as_of_date); a step function over time: the largest
-- known AI cluster at a date is the row with the latest as_of_date on or before it.
with source as (
    select * from raw_largest_clusters
),

final as (
    select
        as_of_date,
        accelerators,
        accelerator_kind,
        cluster,
        source
    from source
)

select * from final

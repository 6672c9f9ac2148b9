-- grain: one row per accelerator family x year: the cheapest cloud's on-demand price quoted that
-- year and that cloud's committed (reserved) prices where it lists them, USD per accelerator-hour.
-- A family covers every gpu_id its gpu_id_pattern matches in full (a regular expression: the
-- H100 SXM family also takes the generic 'H100', whose central variant is the SXM5).
with source as (
    select * from raw_cloud_prices
),

final as (
    select
        accelerator,
        gpu_id_pattern,
        year,
        vendor,
        on_demand_usd_per_hour,
        committed_1y_usd_per_hour,
        committed_3y_usd_per_hour,
        source
    from source
)

select * from final

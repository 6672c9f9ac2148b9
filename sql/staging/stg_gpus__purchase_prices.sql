-- grain: one row per accelerator family x year: the list price of one accelerator (the chip, or
-- its share of an 8-GPU baseboard), USD. gpu_id_pattern as in stg_gpus__cloud_prices.
with source as (
    select * from raw_purchase_prices
),

final as (
    select
        accelerator,
        gpu_id_pattern,
        year,
        price_usd,
        source
    from source
)

select * from final

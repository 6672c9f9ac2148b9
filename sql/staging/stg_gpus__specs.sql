-- grain: one row per canonical accelerator.
with source as (
    select * from raw_gpu_specs
),

final as (
    select * exclude (_batch_scope, _source_url, _source_sha256, _row_hash, _load_id, _loaded_at)
    from source
)

select * from final

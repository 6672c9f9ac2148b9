-- grain: one row per measured inference configuration (source x task x model x GPU x
-- configuration), with the model's comparison key (macro model_key) and energy per request in
-- Wh as well as J.
with source as (
    select * from raw_inference_measurements
),

final as (
    select
        source,
        task,
        model_id,
        model_key(model_id) as model_key,
        nickname,
        gpu,
        configuration,
        architecture,
        weight_precision,
        total_params_b,
        active_params_b,
        gpu_count,
        max_batch_size,
        avg_batch_size,
        energy_per_request_j,
        energy_per_request_j / 3600.0 as energy_per_request_wh,
        energy_per_output_token_j,
        avg_output_tokens,
        avg_power_w,
        output_tokens_per_s,
        energy_score,
        size_class,
        source_url
    from source
)

select * from final

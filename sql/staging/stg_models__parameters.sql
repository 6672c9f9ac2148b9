-- grain: one row per provider model EcoLogits lists (source x provider x model), with its
-- comparison key (macro model_key) and whether the counts are exact (low = high).
with source as (
    select * from raw_model_parameters
),

final as (
    select
        source,
        provider,
        model_id,
        model_key(model_id) as model_key,
        architecture,
        total_params_b_low,
        total_params_b_high,
        active_params_b_low,
        active_params_b_high,
        total_params_b_low = total_params_b_high
            and active_params_b_low = active_params_b_high as exact,
        warnings,
        source_url
    from source
)

select * from final

-- The measured configurations the inference estimator is calibrated on (tasks/model/inference.py):
-- language-model text generation with an energy per output token (ML.ENERGY v3 chat, reasoning
-- and code tasks; v2 chat and code; v1 has no batch size and the AI Energy Score no token counts,
-- so neither calibrates). Active parameters: the benchmark's own, else EcoLogits' exact count
-- for the same model, else the total (a dense model).
with measured as (
    select * from raw_inference_measurements
    where source in ('mlenergy_v3', 'mlenergy_v2')
        and task in ('lm-arena-chat', 'gpqa', 'sourcegraph-fim', 'chat', 'code')
        and energy_per_output_token_j > 0
        and total_params_b > 0
        and gpu_count >= 1
        and max_batch_size >= 1
),

ecologits as (
    select model_key(model_id) as key, any_value(active_params_b_low) as active_params_b
    from raw_model_parameters
    where active_params_b_low = active_params_b_high
    group by 1
    having count(distinct active_params_b_low) = 1
)

select
    m.source,
    m.task,
    m.model_id,
    model_key(m.model_id) as model_key,
    m.gpu,
    m.configuration,
    m.weight_precision,
    m.total_params_b,
    coalesce(m.active_params_b, e.active_params_b, m.total_params_b) as active_params_b,
    m.gpu_count,
    m.max_batch_size,
    m.energy_per_output_token_j,
    m.avg_output_tokens,
    m.source_url
from measured as m
left join ecologits as e on e.key = model_key(m.model_id)
order by m.source, m.task, m.model_id, m.gpu, m.configuration

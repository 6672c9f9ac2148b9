-- grain: one row per model whose final training run passes no plausibility guard: its inputs
-- imply something impossible at every tier it has inputs for (more than a year of wall clock, a
-- utilisation outside 5-75% of the peak, a cluster larger than any at its release, a fine-tune
-- with no fine-tune compute). Such a run is not estimated and not ranked; this says why.
with runs as (
    select * from int_runs_guarded
),

final as (
    select
        model,
        base_model,
        gpu_text_used as gpu_text,
        gpu_id,
        gpu_count_used as gpu_count,
        gpu_hours,
        duration_days_used as duration_days,
        flops_used,
        peak_tflops,
        peak_precision_used,
        largest_cluster_at_release,
        coalesce(guard_failures, 'no input reaches a tier of the estimation ladder') as reason
    from runs
    where phase = 'training' and estimation_tier is null
        and (gpu_hours is not null or count_duration_gpu_hours is not null
            or flops_gpu_hours is not null
            -- a fine-tune on known hardware that lacks only its own compute; with no hardware
            -- either, nothing reaches a tier to fail (fct_notable_models: not estimable)
            or (finetune_unusable and peak_tflops is not null))
)

select * from final

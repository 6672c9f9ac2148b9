-- grain: one row per model left off the ranked board because no tier of the estimation ladder
-- passes its plausibility guards: who made it, when, and the reason for each tier tried.
with review as (
    select * from fct_runs_needing_review
),

models as (
    select * from dim_model
),

final as (
    select
        r.model,
        m.organization,
        m.release_date,
        r.base_model,
        r.gpu_text,
        r.gpu_id,
        r.gpu_count,
        r.gpu_hours,
        r.duration_days,
        r.flops_used,
        r.peak_tflops,
        r.peak_precision_used,
        r.largest_cluster_at_release,
        r.reason,
        m.sources
    from review as r
    left join models as m using (model)
)

select * from final

-- grain: one row per model on an Epoch AI list that no tier of the estimation ladder can reach
-- (fct_notable_models, status 'not estimable'): who made it, when, and what is missing. Such a
-- model is neither ranked nor in review: nothing it discloses is enough to estimate its footprint.
-- Newest first.
with notable as (
    select * from fct_notable_models where status = 'not estimable'
),

models as (
    select model, sources from dim_model
),

final as (
    select
        n.model,
        n.organization,
        n.release_date,
        n.missing,
        n.training_flops,
        n.compute_confidence,
        n.epoch_lists,
        n.notability_criteria,
        n.frontier_model,
        m.sources
    from notable as n
    left join models as m using (model)
    order by n.release_date desc nulls last, n.model
)

select * from final

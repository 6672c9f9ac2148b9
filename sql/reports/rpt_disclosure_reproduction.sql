-- grain: one row per model x field (co2e_t, energy_mwh): how well a developer's published
-- training figure reproduces from the run's own inputs (fct_disclosure_reproduction), with the
-- organisation, worst first.
with reproduction as (
    select * from fct_disclosure_reproduction
),

models as (
    select * from dim_model
),

final as (
    select
        r.model,
        m.organization,
        r.field,
        r.disclosed,
        r.recomputed,
        r.ratio,
        r.error_factor,
        r.within_2x,
        r.shown_on_board,
        r.energy_boundary,
        r.run_scope,
        r.source_kinds,
        r.source_url
    from reproduction as r
    left join models as m using (model)
)

select * from final
order by error_factor desc, model, field

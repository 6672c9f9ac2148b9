-- grain: one row per model x field (co2e_t, energy_mwh) of a training run that discloses that
-- figure and has inputs to recompute it: the figure as disclosed beside what the estimation
-- ladder gives from the run's own inputs without it (GPU-hours x power x PUE, at the located
-- intensity for emissions), and their ratio. What the disclosure covers (energy_boundary:
-- GPU/IT only or facility; run_scope: final run or all runs) says whether like is compared with
-- like. A disclosed emissions figure the estimate rejected (more than 10x off its own energy)
-- is here too, with shown_on_board false.
with runs as (
    select * from int_runs_estimated
    where phase = 'training' and bound = 'central'
),

facts as (
    select * from stg_disclosures__facts
    where phase = 'training'
),

scopes as (
    select
        model,
        min(value) filter (where field = 'energy_boundary') as energy_boundary,
        min(value) filter (where field = 'run_scope') as run_scope
    from facts
    group by model
),

sources as (
    select
        model,
        field,
        string_agg(distinct source_kind, ', ' order by source_kind) as source_kinds,
        min(source_url) as source_url
    from facts
    where field in ('co2e_t', 'energy_mwh')
    group by model, field
),

figures as (
    select
        model,
        'co2e_t' as field,
        coalesce(disclosed_co2e_t, rejected_co2e_t) as disclosed,
        recomputed_co2e_t as recomputed,
        disclosed_co2e_t is not null as shown_on_board
    from runs
    where coalesce(disclosed_co2e_t, rejected_co2e_t) is not null and recomputed_co2e_t > 0
    union all
    select model, 'energy_mwh', energy_mwh, recomputed_energy_mwh, true
    from runs
    where energy_disclosed and recomputed_energy_mwh > 0
),

final as (
    select
        f.model,
        f.field,
        f.disclosed,
        f.recomputed,
        f.disclosed / f.recomputed as ratio,
        greatest(ratio, 1 / ratio) as error_factor,
        error_factor <= 2 as within_2x,
        f.shown_on_board,
        coalesce(sc.energy_boundary, 'unstated') as energy_boundary,
        coalesce(sc.run_scope, 'unstated') as run_scope,
        s.source_kinds,
        s.source_url
    from figures as f
    left join scopes as sc using (model)
    left join sources as s on s.model = f.model and s.field = f.field
)

select * from final

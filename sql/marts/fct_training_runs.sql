-- grain: one row per model x bound (low, central, high): the final training run's GPU-hours,
-- energy, carbon and water, its inputs and how each was found (disclosed, or the estimation tier,
-- power source and carbon-intensity granularity used): int_runs_estimated's training phase.
with runs as (
    select * from int_runs_estimated
),

final as (
    select * from runs where phase = 'training'
)

select * from final

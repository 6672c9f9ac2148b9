-- grain: one row per canonical accelerator, with how many leaderboard models used it.
with specs as (
    select * from stg_gpus__specs
),

usage as (
    select gpu_id, count(distinct model) as models_trained
    from int_runs_estimated
    where phase = 'training' and bound = 'central' and gpu_id is not null
    group by gpu_id
),

final as (
    select s.*, coalesce(u.models_trained, 0) as models_trained
    from specs as s
    left join usage as u using (gpu_id)
)

select * from final

-- grain: one row per model: its descriptive facts (best source wins; low-confidence facts never
-- do) and every source cited.
with facts as (
    select * from stg_disclosures__facts
),

ranked as (
    select
        *,
        row_number() over (
            partition by model, field
            order by confidence_rank = 3, source_rank, confidence_rank, source_url, source_locator
        ) as preference
    from facts
    where phase = 'model'
),

chosen as (
    select * from ranked where preference = 1 and confidence <> 'low'
),

described as (
    select
        model,
        max(value) filter (where field = 'organization') as organization,
        max(try_cast(value as date)) filter (where field = 'release_date') as release_date,
        max(value_num) filter (where field = 'parameters_b') as parameters_b,
        max(value_num) filter (where field = 'active_parameters_b') as active_parameters_b,
        max(value_num) filter (where field = 'training_tokens_b') as training_tokens_b,
        max(value_num) filter (where field = 'training_flops') as training_flops
    from chosen
    group by model
),

cited as (
    select
        model,
        string_agg(distinct source_url, ' ; ' order by source_url) as sources,
        min(source_rank) as best_source_rank
    from facts
    group by model
),

final as (
    select c.model, d.* exclude (model), c.sources, c.best_source_rank
    from cited as c
    left join described as d using (model)
)

select * from final

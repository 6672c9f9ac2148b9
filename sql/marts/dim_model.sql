-- grain: one row per model: its descriptive facts (organisation, release date, size, tokens,
-- FLOPs; best source wins) and every source cited.
with models as (
    select * from int_models_described
),

final as (
    select * from models
)

select * from final

-- grain: one row per coefficient, with its low/central/high and source.
with source as (
    select * from raw_assumptions
),

final as (
    select key, low, central, high, unit, source, note from source
)

select * from final

-- grain: one row per equivalence (a constant to express footprints in everyday terms).
with source as (
    select * from raw_equivalences
),

final as (
    select key, value, unit, source, note from source
)

select * from final

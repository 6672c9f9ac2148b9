-- grain: one row per equivalence: a constant that expresses footprints in everyday terms, with
-- its unit and source.
with equivalences as (
    select * from stg_reference__equivalences
),

final as (
    select * from equivalences
)

select * from final

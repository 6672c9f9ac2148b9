-- grain: one row per model x phase x field: the disclosed fact the warehouse uses for that field
-- and where it was read, so the filings (`footprints export ai-act`, `spdx`, `boamps`) cite each
-- figure's own source. The same choice as int_disclosures_pivoted and int_models_described make:
-- low-confidence facts never, then the best source, then the highest confidence.
with facts as (
    select * from stg_disclosures__facts
    where phase in ('model', 'training', 'development') and confidence <> 'low'
),

final as (
    select * from facts
    qualify row_number() over (
        partition by model, phase, field
        order by source_rank, confidence_rank, source_url, source_locator
    ) = 1
)

select * from final

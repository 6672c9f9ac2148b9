-- grain: one row per model x finding x phase x field (x fact, for fact-level findings): the
-- disclosure audit as exported (select_audit_export.sql orders it), every finding of
-- fct_disclosure_findings, where the rules and their severities are written.
with findings as (
    select * from fct_disclosure_findings
),

final as (
    select * from findings
)

select * from final

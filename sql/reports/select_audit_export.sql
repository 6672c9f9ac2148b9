-- The disclosure audit CSV: errors first, then warnings, then info; by model within each.
select
    model,
    phase,
    field,
    finding,
    disclosed_value,
    recomputed_value,
    unit,
    ratio,
    severity,
    detail,
    source_url
from rpt_disclosure_audit
order by
    case severity when 'error' then 1 when 'warning' then 2 else 3 end,
    model,
    finding,
    phase,
    field,
    detail

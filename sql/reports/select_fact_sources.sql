-- Where each of one model's disclosed figures was read (fct_fact_sources). Parameter: model.
select phase, field, value, unit, source_kind, source_url, source_locator
from fct_fact_sources
where model = ?

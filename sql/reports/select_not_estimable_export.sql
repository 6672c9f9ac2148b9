-- The not-estimable CSV: every model on an Epoch AI list that no tier can reach, newest first.
select
    model,
    organization,
    release_date,
    missing,
    training_flops,
    compute_confidence,
    epoch_lists,
    notability_criteria,
    frontier_model,
    sources
from rpt_not_estimable
order by release_date desc nulls last, model

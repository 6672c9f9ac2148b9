-- One model's leaderboard row, for its card and its filings, with the base model of a fine-tune
-- (a ranked fine-tune is costed from its own compute, so its training run is the fine-tuning).
-- Parameter: model.
select l.*, r.base_model
from rpt_leaderboard as l
left join fct_training_runs as r on r.model = l.model and r.bound = 'central'
where l.model = ?

-- One model's serving figures (fct_model_inference: measured or estimated, with ranges and their
-- source) beside its training and creation CO2e (fct_model_totals), for `footprints inference`
-- and the filings. Columns are named as on the leaderboard. Parameter: model.
select
    i.*,
    t.training_co2e_t,
    t.total_co2e_t
from fct_model_inference as i
left join fct_model_totals as t using (model)
where i.model = ?

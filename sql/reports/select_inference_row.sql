-- One model's inference figures (fct_model_inference: measured or estimated, with ranges and
-- their source), for its filings. Parameter: model.
select * from fct_model_inference where model = ?

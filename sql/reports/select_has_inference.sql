-- Whether the inference mart has been built (1) or not (0): the filings say 'unknown' without it.
select count(*) from information_schema.tables where table_name = 'fct_model_inference'

-- The model a known alias names (case-insensitive). Parameter: the name typed.
select model from raw_model_aliases where lower(alias) = lower(?) limit 1

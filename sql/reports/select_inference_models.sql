-- The models `footprints inference` can price: every row of fct_model_inference.
select model from fct_model_inference order by model

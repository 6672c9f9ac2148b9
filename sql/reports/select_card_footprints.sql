-- One model's footprints with their own ranges and methods, for its card. Parameter: model.
select footprint, co2e_t_low, co2e_t_high, method from fct_model_footprints where model = ?

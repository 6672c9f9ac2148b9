-- The inference estimator's one row (int_inference_calibrated) and the request and serving
-- assumptions it is applied with, for `footprints inference --gpu/--precision`.
select
    c.*,
    (select central from stg_assumptions__coefficients where key = 'inference_max_batch')
        as max_batch,
    (select central from stg_assumptions__coefficients where key = 'inference_memory_overhead')
        as memory_overhead
from int_inference_calibrated as c

-- grain: one row per coefficient x bound (low, central, high): the value a footprint or cost at
-- that bound takes (interval arithmetic). value is the coefficient's own end of its range at the
-- bound; opposite the other end, for a coefficient that lowers the result as it grows (hardware
-- life, a committed-use discount): the low bound takes its high end.
with coefficients as (
    select * from stg_assumptions__coefficients
),

final as (
    select key, 'low' as bound, low as value, high as opposite, central from coefficients
    union all
    select key, 'central', central, central, central from coefficients
    union all
    select key, 'high', high, low, central from coefficients
)

select * from final

-- The top of the leaderboard for a terminal: totals in t CO2e with their range, and the costs
-- three ways in millions of USD (docs/costs.md). Parameter: limit.
select
    rank,
    model,
    organization,
    gpu,
    round(gpu_hours / 1e6, 3) as gpu_hours_m,
    round(training_co2e_t, 1) as training_t,
    round(development_co2e_t, 1) as development_t,
    round(embodied_co2e_t, 1) as embodied_t,
    round(total_co2e_t, 1) as total_t,
    printf('%,.0f - %,.0f', total_co2e_t_low, total_co2e_t_high) as total_range_t,
    estimation_tier as tier,
    training_co2e_basis as basis,
    -- costs three ways (issue 15)
    round(training_cost_usd / 1e6, 1) as rental_musd,
    round(amortised_cost_usd / 1e6, 1) as amortised_musd,
    round(creation_cost_usd / 1e6, 0) as creation_musd
from rpt_leaderboard
order by rank
limit ?

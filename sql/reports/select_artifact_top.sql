-- The top of the leaderboard as the refresh's table artifact shows it. Parameter: how many.
select rank, model, organization, gpu,
    round(gpu_hours) as gpu_hours,
    round(training_co2e_t, 1) as training_co2e_t,
    round(development_co2e_t, 1) as development_co2e_t,
    round(embodied_co2e_t, 1) as embodied_co2e_t,
    round(total_co2e_t, 1) as total_co2e_t,
    round(total_co2e_t_low, 1) as total_co2e_t_low,
    round(total_co2e_t_high, 1) as total_co2e_t_high,
    training_co2e_basis, estimation_tier
from rpt_leaderboard order by rank limit ?

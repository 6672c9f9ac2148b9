-- What a leaderboard snapshot keeps per model: enough to say what changed between two builds,
-- small enough to hold in memory between "before the build" and "after the build".
select model, total_co2e_t, training_co2e_t, estimation_tier, training_co2e_basis
from rpt_leaderboard order by rank

-- The leaderboard CSV: every column of rpt_leaderboard but the internal gpu_id, by rank.
select * exclude (gpu_id) from rpt_leaderboard order by rank

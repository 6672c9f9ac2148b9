-- One model's leaderboard row, for its card. Parameter: model.
select * from rpt_leaderboard where model = ?

-- The models on the leaderboard, for `footprints card MODEL` to match a name against.
select model from rpt_leaderboard

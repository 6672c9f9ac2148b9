-- Whether a leaderboard has been built (1) or not yet (0).
select count(*) from information_schema.tables where table_name = 'rpt_leaderboard'

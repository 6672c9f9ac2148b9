-- Whether a raw table holds no rows at all (its first load inserts instead of merging).
-- {table} is an allow-listed raw table name (tasks/warehouse.py), never data.
select count(*) = 0 from {table};

-- Whether a table has a key or an index (which a load's new rows must fit beside in memory).
-- Parameter: table name.
select
    exists (
        select 1 from duckdb_constraints()
        where table_name = $1 and constraint_type in ('PRIMARY KEY', 'UNIQUE')
    )
    or exists (select 1 from duckdb_indexes() where table_name = $1);

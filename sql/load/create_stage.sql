-- Stage an incoming batch with the exact shape of its raw table.
-- {table} is an allow-listed raw table name (tasks/warehouse.py), never data.
create or replace temp table stage as select * from {table} limit 0;

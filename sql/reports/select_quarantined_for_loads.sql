-- Rows of meta_quarantine written by the given loads. Parameter: a list of load ids.
select table_name, source_url, row_number, reason from meta_quarantine
where list_contains(?, load_id) order by table_name, source_url, row_number

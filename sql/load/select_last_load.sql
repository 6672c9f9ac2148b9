-- The payload hash of the last successful load of a table's batch scope (unchanged input: skip).
select source_sha256
from meta_load_log
where table_name = ? and batch_scope = ? and status in ('success', 'unchanged')
order by finished_at desc, load_id desc
limit 1;

-- The business columns of `incoming` (a registered Arrow table), hashed, with the load's metadata,
-- into {target}: the stage, or the raw table itself when it holds no rows (an allow-listed name).
-- {row_hash}: tasks.load.scan.row_hash_sql over `i.` (allow-listed columns, DDL types).
-- Parameters: batch scope, load id, loaded at.
insert into {target} by name
select
    i.*,
    m._source_url,
    m._source_sha256,
    {row_hash} as _row_hash,
    ?                as _batch_scope,
    ?                as _load_id,
    ?::timestamp     as _loaded_at
from incoming_business as i
positional join (select _source_url, _source_sha256 from incoming_meta) as m;

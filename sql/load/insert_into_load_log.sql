insert into meta_load_log (
    load_id, run_id, table_name, batch_scope, source_url, source_sha256, started_at, finished_at,
    rows_in, rows_inserted, rows_updated, rows_deleted, rows_quarantined, status, message
) values (?, ?, ?, ?, ?, ?, ?, current_timestamp::timestamp, ?, ?, ?, ?, ?, ?, ?);

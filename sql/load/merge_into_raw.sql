-- Land a staged batch: insert new keys, update changed rows (row hash differs), delete rows of the
-- same batch scope that the new batch no longer has. Unchanged rows are not touched, so their
-- _load_id and _loaded_at stay those of the load that last changed them.
-- {table} and {key_join} come from the allow-listed table registry. Parameter: batch scope.
merge into {table} as t
using stage as s
on {key_join}
when matched and t._row_hash <> s._row_hash then update
when not matched then insert
when not matched by source and t._batch_scope = ? then delete
returning merge_action;

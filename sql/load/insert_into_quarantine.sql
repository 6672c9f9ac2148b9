insert into meta_quarantine
select ?, ?, ?, ?, ?, row_number, row_key, reason, row_json, current_timestamp::timestamp
from quarantine_batch;

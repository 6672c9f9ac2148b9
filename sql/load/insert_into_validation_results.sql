insert into meta_validation_results
select ?, ?, expectation, column_name, success, unexpected_count, current_timestamp::timestamp
from validation_batch;

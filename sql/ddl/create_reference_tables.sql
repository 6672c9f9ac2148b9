-- Reference tables: constants that are not footprint coefficients (they carry no range and never
-- enter an estimate), such as the equivalences that turn tonnes and MWh into cars and homes.
-- Same meta columns as the raw tables (sql/ddl/create_raw_tables.sql).

create table if not exists raw_equivalences (
    key     varchar not null,
    value   double not null,
    unit    varchar not null,
    source  varchar not null,
    note    varchar,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (key)
);

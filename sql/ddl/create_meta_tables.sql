-- Bookkeeping tables: what was fetched, what was loaded, what was rejected and why.
-- Idempotent: safe to run on every connection that writes.

create table if not exists meta_raw_manifest (
    sha256          varchar not null,   -- content address of the payload under raw/<source>/<sha256>
    source          varchar not null,   -- source id: a registry name, snapshot or user_cards
    url             varchar not null,   -- file path or URL, never with credentials
    etag            varchar,
    last_modified   varchar,
    http_status     integer,
    content_type    varchar,
    bytes           bigint not null,
    fetched_at      timestamp not null,
    raw_path        varchar not null,
    primary key (source, url, sha256)
);

create table if not exists meta_load_log (
    load_id           varchar primary key,
    run_id            varchar,          -- the Prefect flow run, when there is one
    table_name        varchar not null,
    batch_scope       varchar not null, -- rows of this scope absent from a new batch are deleted
    source_url        varchar not null,
    source_sha256     varchar not null,
    started_at        timestamp not null,
    finished_at       timestamp not null,
    rows_in           bigint not null,
    rows_inserted     bigint not null,
    rows_updated      bigint not null,
    rows_deleted      bigint not null,
    rows_quarantined  bigint not null,
    status            varchar not null, -- success | unchanged | rejected
    message           varchar
);

create table if not exists meta_quarantine (
    load_id         varchar not null,
    run_id          varchar,
    table_name      varchar not null,
    source_url      varchar not null,
    source_sha256   varchar not null,
    row_number      bigint not null,    -- 1-based position of the row in the parsed batch
    row_key         varchar,            -- the natural key, as text, when it could be read
    reason          varchar not null,
    row_json        varchar not null,
    quarantined_at  timestamp not null
);

create table if not exists meta_validation_results (
    load_id           varchar not null,
    table_name        varchar not null,
    expectation       varchar not null,
    column_name       varchar,
    success           boolean not null,
    unexpected_count  bigint,
    validated_at      timestamp not null
);

create table if not exists meta_build_log (
    build_id      varchar primary key,
    run_id        varchar,
    built_at      timestamp not null,
    inputs_hash   varchar not null,     -- hash of the raw tables' load ids: unchanged inputs, same marts
    models        bigint not null,
    status        varchar not null
);

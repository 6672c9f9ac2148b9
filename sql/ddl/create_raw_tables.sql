-- Raw layer: what each source said, typed, one table per entity (docs/data-contracts.md).
-- Every row carries where it came from and when it landed:
--   _batch_scope   the batch it belongs to (rows of a scope absent from that scope's next batch are deleted)
--   _source_url    file or URL of the payload       _source_sha256  content hash of that payload
--   _row_hash      hash of the business columns     _load_id, _loaded_at  the load that last changed it

create table if not exists raw_grid_intensity_annual (
    zone_key                    varchar not null,
    year                        integer not null,
    carbon_intensity_g_per_kwh  double not null,
    basis                       varchar not null,
    source                      varchar not null,
    source_url                  varchar not null,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (source, zone_key, year, basis)
);

create table if not exists raw_zones (
    zone_key      varchar not null,
    zone_name     varchar,
    zone_type     varchar not null,
    country_iso2  varchar,
    country_iso3  varchar,
    source        varchar not null,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (zone_key)
);

create table if not exists raw_cloud_regions (
    provider      varchar not null,
    region        varchar not null,
    region_name   varchar,
    zone_key      varchar,
    country_iso2  varchar,
    pue           double,
    source        varchar not null,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (provider, region)
);

create table if not exists raw_location_aliases (
    alias     varchar not null,
    zone_key  varchar not null,
    kind      varchar not null,
    source    varchar not null,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (alias, zone_key)
);

create table if not exists raw_gpu_specs (
    gpu_id                             varchar not null,
    name                               varchar not null,
    manufacturer                       varchar,
    kind                               varchar,
    is_training_accelerator            boolean not null,
    release_date                       date,
    tdp_w                              double,
    tdp_w_low                          double,
    tdp_w_high                         double,
    memory_gb                          double,
    memory_bandwidth_gb_s              double,
    peak_fp64_tflops                   double,
    peak_fp32_tflops                   double,
    peak_tf32_tflops                   double,
    peak_bf16_tflops                   double,
    peak_fp8_tflops                    double,
    die_area_mm2                       double,
    embodied_co2e_kg_low               double,
    embodied_co2e_kg_central           double,
    embodied_co2e_kg_high              double,
    embodied_water_l                   double,
    price_usd                          double,
    rental_usd_per_gpu_hour_low        double,
    rental_usd_per_gpu_hour_central    double,
    rental_usd_per_gpu_hour_high       double,
    specs_source                       varchar not null,
    embodied_source                    varchar,
    price_source                       varchar,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (gpu_id)
);

create table if not exists raw_gpu_aliases (
    alias   varchar not null,
    gpu_id  varchar not null,
    note    varchar,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (alias)
);

create table if not exists raw_largest_clusters (
    as_of_date        date not null,
    accelerators      bigint not null,
    accelerator_kind  varchar not null,
    cluster           varchar not null,
    source            varchar not null,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (as_of_date)
);

-- Electricity prices by country and year (issue 15: energy at the site's price).
create table if not exists raw_electricity_prices (
    country      varchar not null,
    year         integer not null,
    usd_per_kwh  double not null,
    source       varchar not null,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (country, year)
);

-- Cloud and purchase prices of accelerator families by year (issue 15: the three cost views).
create table if not exists raw_cloud_prices (
    accelerator                 varchar not null,
    gpu_id_pattern              varchar not null,
    year                        integer not null,
    vendor                      varchar not null,
    on_demand_usd_per_hour      double not null,
    committed_1y_usd_per_hour   double,
    committed_3y_usd_per_hour   double,
    source                      varchar not null,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (accelerator, year)
);

create table if not exists raw_purchase_prices (
    accelerator     varchar not null,
    gpu_id_pattern  varchar not null,
    year            integer not null,
    price_usd       double not null,
    source          varchar not null,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (accelerator, year)
);

create table if not exists raw_model_disclosures (
    model           varchar not null,
    phase           varchar not null,
    field           varchar not null,
    value           varchar not null,
    unit            varchar not null,
    source_kind     varchar not null,
    source_url      varchar not null,
    source_locator  varchar not null,
    raw_text        varchar,
    confidence      varchar not null,
    note            varchar,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (source_url, model, phase, field, source_locator)
);

create table if not exists raw_model_aliases (
    alias  varchar not null,
    model  varchar not null,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (alias)
);

-- organization / cloud_vendor are '' (not null) when the row is about the other one.
create table if not exists raw_training_sites (
    organization  varchar not null,
    cloud_vendor  varchar not null,
    location      varchar not null,
    share         double not null,
    valid_from    date,
    valid_to      date,
    source        varchar not null,
    note          varchar,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (organization, cloud_vendor, location)
);

-- An organisation's country where no model record gives one (curated, cited).
create table if not exists raw_organization_countries (
    organization  varchar not null,
    country       varchar not null,
    source        varchar not null,
    note          varchar,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (organization)
);

create table if not exists raw_model_organizations (
    kind          varchar not null,
    key           varchar not null,
    organization  varchar not null,
    source        varchar not null,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (kind, key)
);

-- Measured inference energy: one row per benchmark configuration (source x task x model x GPU x
-- configuration). ML.ENERGY v3 / v2 / v1 (legacy) and the AI Energy Score land here.
create table if not exists raw_inference_measurements (
    source                     varchar not null,
    task                       varchar not null,
    model_id                   varchar not null,
    gpu                        varchar not null,
    configuration              varchar not null,
    nickname                   varchar,
    architecture               varchar,
    weight_precision           varchar,
    total_params_b             double,
    active_params_b            double,
    gpu_count                  integer,
    max_batch_size             integer,
    avg_batch_size             double,
    energy_per_request_j       double not null,
    energy_per_output_token_j  double,
    avg_output_tokens          double,
    avg_power_w                double,
    output_tokens_per_s        double,
    energy_score               integer,
    size_class                 varchar,
    source_url                 varchar not null,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (source, task, model_id, gpu, configuration)
);

-- Parameter counts of provider and Hub models (EcoLogits models.json): exact counts have
-- low = high; a range or an unreleased size keeps its bounds.
create table if not exists raw_model_parameters (
    source               varchar not null,
    provider             varchar not null,
    model_id             varchar not null,
    architecture         varchar not null,
    total_params_b_low   double not null,
    total_params_b_high  double not null,
    active_params_b_low  double not null,
    active_params_b_high double not null,
    warnings             varchar,
    source_url           varchar not null,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (source, provider, model_id)
);

create table if not exists raw_assumptions (
    key      varchar not null,
    low      double not null,
    central  double not null,
    high     double not null,
    unit     varchar not null,
    source   varchar not null,
    note     varchar,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (key)
);

create table if not exists raw_grid_intensity_monthly (
    zone_key                    varchar not null,
    year                        integer not null,
    month                       integer not null,
    carbon_intensity_g_per_kwh  double not null,
    basis                       varchar not null,
    source                      varchar not null,
    source_url                  varchar not null,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null, _load_id varchar not null, _loaded_at timestamp not null,
    primary key (source, zone_key, year, month, basis)
);

-- Hourly and finer series: one row per zone x interval start (UTC) x source.
-- No primary key: the natural key (zone_key, ts_utc, source) is the loaders' to keep unique (a
-- batch's duplicate keys are resolved before it lands, and MERGE matches by key), so DuckDB need
-- not build an ART index of 10M two-string entries per year of 1,150 zones (it cannot spill, and
-- took 60% of a 10M-row landing: docs/scaling.md). tests/unit/test_bulk.py proves the key stays
-- unique. A warehouse created with the key keeps it and still works; `footprints rebuild` drops it.
create table if not exists raw_grid_intensity_hourly (
    zone_key                    varchar not null,
    ts_utc                      timestamp not null,  -- start of the interval, UTC
    period_minutes              integer not null,    -- 60, 30, 15, 5 ...
    carbon_intensity_g_per_kwh  double not null,
    basis                       varchar not null,
    source                      varchar not null,
    source_url                  varchar not null,
    _batch_scope varchar not null, _source_url varchar not null, _source_sha256 varchar not null,
    _row_hash ubigint not null,
    _load_id varchar not null, _loaded_at timestamp not null
);

-- Comments on every raw, meta, intermediate, mart, report table and staging view: grain, units,
-- source. Run after each build (the build recreates derived tables, which drops their comments):
-- tasks/schema_docs.apply_comments runs it statement by statement. `footprints schema` prints them.
-- Deliberately not named create_*.sql: apply_ddl must not run it before the tables exist.
-- `-- columns of <table>: as <other>` gives <table> the column comments written for <other>
-- (tasks/outputs/schema_docs.comment_statements expands it), so a column passed through a mart or
-- report is described once.

-- raw_grid_intensity_annual
comment on table raw_grid_intensity_annual is 'Raw: annual grid carbon intensity. Grain: source x zone_key x year x basis. Unit: g CO2e/kWh. From Our World in Data / Ember, Electricity Maps via co2.js, mlco2 (snapshot grid/grid_intensity_annual.csv).';
comment on column raw_grid_intensity_annual.zone_key is 'Grid zone: ISO 3166-1 alpha-2 country (FR) or Electricity Maps zone key (US-CAL-CISO).';
comment on column raw_grid_intensity_annual.year is 'Calendar year the value covers.';
comment on column raw_grid_intensity_annual.carbon_intensity_g_per_kwh is 'Carbon intensity of electricity, g CO2e per kWh, as the source publishes it.';
comment on column raw_grid_intensity_annual.basis is 'What the intensity counts: lifecycle or direct (combustion) emissions; unknown when the source does not say; marginal for marginal-emission series.';
comment on column raw_grid_intensity_annual.source is 'Short id of the source (ember_owid, electricitymaps_co2js, mlco2_em_2021, ...) or a citation.';
comment on column raw_grid_intensity_annual.source_url is 'URL of the upstream file, page or card the row comes from.';
comment on column raw_grid_intensity_annual._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_grid_intensity_annual._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_grid_intensity_annual._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_grid_intensity_annual._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_grid_intensity_annual._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_grid_intensity_annual._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- raw_grid_intensity_monthly
comment on table raw_grid_intensity_monthly is 'Raw: monthly grid carbon intensity. Grain: source x zone_key x year x month x basis. Unit: g CO2e/kWh. From live sources (Ember, EIA, ...).';
comment on column raw_grid_intensity_monthly.zone_key is 'Grid zone: ISO 3166-1 alpha-2 country (FR) or Electricity Maps zone key (US-CAL-CISO).';
comment on column raw_grid_intensity_monthly.year is 'Calendar year the value covers.';
comment on column raw_grid_intensity_monthly.month is 'Calendar month (1-12) the value covers.';
comment on column raw_grid_intensity_monthly.carbon_intensity_g_per_kwh is 'Carbon intensity of electricity, g CO2e per kWh, as the source publishes it.';
comment on column raw_grid_intensity_monthly.basis is 'What the intensity counts: lifecycle or direct (combustion) emissions; unknown when the source does not say; marginal for marginal-emission series.';
comment on column raw_grid_intensity_monthly.source is 'Short id of the source (ember_owid, electricitymaps_co2js, mlco2_em_2021, ...) or a citation.';
comment on column raw_grid_intensity_monthly.source_url is 'URL of the upstream file, page or card the row comes from.';
comment on column raw_grid_intensity_monthly._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_grid_intensity_monthly._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_grid_intensity_monthly._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_grid_intensity_monthly._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_grid_intensity_monthly._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_grid_intensity_monthly._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- raw_grid_intensity_hourly
comment on table raw_grid_intensity_hourly is 'Raw: hourly (or finer) grid carbon intensity. Grain: zone_key x ts_utc x source. Unit: g CO2e/kWh. From live sources (Electricity Maps, UK Carbon Intensity, EIA, ...) or the bundled hourly snapshot.';
comment on column raw_grid_intensity_hourly.zone_key is 'Grid zone: ISO 3166-1 alpha-2 country (FR) or Electricity Maps zone key (US-CAL-CISO).';
comment on column raw_grid_intensity_hourly.ts_utc is 'Start of the interval, UTC (naive timestamp).';
comment on column raw_grid_intensity_hourly.period_minutes is 'Length of the interval, minutes (5, 15, 30, 60).';
comment on column raw_grid_intensity_hourly.carbon_intensity_g_per_kwh is 'Carbon intensity of electricity, g CO2e per kWh, as the source publishes it.';
comment on column raw_grid_intensity_hourly.basis is 'What the intensity counts: lifecycle or direct (combustion) emissions; unknown when the source does not say; marginal for marginal-emission series.';
comment on column raw_grid_intensity_hourly.source is 'Short id of the source (ember_owid, electricitymaps_co2js, mlco2_em_2021, ...) or a citation.';
comment on column raw_grid_intensity_hourly.source_url is 'URL of the upstream file, page or card the row comes from.';
comment on column raw_grid_intensity_hourly._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_grid_intensity_hourly._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_grid_intensity_hourly._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_grid_intensity_hourly._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_grid_intensity_hourly._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_grid_intensity_hourly._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- raw_zones
comment on table raw_zones is 'Raw: grid zones. Grain: zone_key. From Electricity Maps zone configs and ISO 3166 (snapshot grid/zones.csv).';
comment on column raw_zones.zone_key is 'Grid zone: ISO 3166-1 alpha-2 country (FR) or Electricity Maps zone key (US-CAL-CISO).';
comment on column raw_zones.zone_name is 'Display name of the zone.';
comment on column raw_zones.zone_type is 'country, subzone (part of a country''s grid) or world.';
comment on column raw_zones.country_iso2 is 'ISO 3166-1 alpha-2 code of the country (for a sub-zone, the country it lies in).';
comment on column raw_zones.country_iso3 is 'ISO 3166-1 alpha-3 code of the country.';
comment on column raw_zones.source is 'Short id of the source (ember_owid, electricitymaps_co2js, mlco2_em_2021, ...) or a citation.';
comment on column raw_zones._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_zones._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_zones._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_zones._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_zones._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_zones._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- raw_cloud_regions
comment on table raw_cloud_regions is 'Raw: cloud regions and the grid zone each lies in. Grain: provider x region. From mlco2/impact, CodeCarbon, Boavizta, Google region-carbon-info (snapshot grid/cloud_regions.csv).';
comment on column raw_cloud_regions.provider is 'Cloud provider: aws, gcp, azure, ...';
comment on column raw_cloud_regions.region is 'Cloud region id as the provider writes it (us-west-2, us-central1, westus2).';
comment on column raw_cloud_regions.region_name is 'Region name as the provider displays it (free text).';
comment on column raw_cloud_regions.zone_key is 'Grid zone the region draws from.';
comment on column raw_cloud_regions.country_iso2 is 'ISO 3166-1 alpha-2 code of the country (for a sub-zone, the country it lies in).';
comment on column raw_cloud_regions.pue is 'PUE the provider publishes for the region, ratio (null when not published).';
comment on column raw_cloud_regions.source is 'Short id of the source (ember_owid, electricitymaps_co2js, mlco2_em_2021, ...) or a citation.';
comment on column raw_cloud_regions._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_cloud_regions._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_cloud_regions._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_cloud_regions._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_cloud_regions._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_cloud_regions._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- raw_location_aliases
comment on table raw_location_aliases is 'Raw: names of places as disclosures write them, each mapped to a grid zone. Grain: alias x zone_key. kind: country_name, iso2, iso3, em_zone, balancing_authority, cloud_region, city, other.';
comment on column raw_location_aliases.alias is 'Another way the name is written, matched case- and punctuation-insensitively.';
comment on column raw_location_aliases.zone_key is 'Grid zone the alias means.';
comment on column raw_location_aliases.kind is 'country_name, iso2, iso3, em_zone, balancing_authority, cloud_region, city or other.';
comment on column raw_location_aliases.source is 'Short id of the source (ember_owid, electricitymaps_co2js, mlco2_em_2021, ...) or a citation.';
comment on column raw_location_aliases._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_location_aliases._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_location_aliases._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_location_aliases._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_location_aliases._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_location_aliases._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- raw_gpu_specs
comment on table raw_gpu_specs is 'Raw: accelerator specifications. Grain: gpu_id. Units in the column names (W, GB, TFLOP/s dense, kg CO2e, L, USD). From Epoch AI hardware data, vendor datasheets, mlco2, Green Algorithms, LLMCarbon, Boavizta (snapshot gpus/gpu_specs.csv).';
comment on column raw_gpu_specs.gpu_id is 'Canonical accelerator id (slug), e.g. nvidia-h100-sxm5-80gb.';
comment on column raw_gpu_specs.name is 'Display name of the accelerator.';
comment on column raw_gpu_specs.manufacturer is 'Manufacturer of the accelerator.';
comment on column raw_gpu_specs.kind is 'gpu, tpu or accelerator.';
comment on column raw_gpu_specs.is_training_accelerator is 'True for curated data-centre training parts, false for catalogue entries.';
comment on column raw_gpu_specs.release_date is 'Public release date.';
comment on column raw_gpu_specs.tdp_w is 'Thermal design power of the board or chip, W.';
comment on column raw_gpu_specs.tdp_w_low is 'Low end of the TDP range, W: the lowest TDP among the variants a name without form factor may mean (bare V100: PCIe 250 W), or the low end its source gives; else equal to tdp_w.';
comment on column raw_gpu_specs.tdp_w_high is 'High end of the TDP range, W: the highest TDP among the variants a name without form factor may mean (bare V100: SXM2 300 W), or the high end its source gives; else equal to tdp_w.';
comment on column raw_gpu_specs.memory_gb is 'Memory, GB.';
comment on column raw_gpu_specs.memory_bandwidth_gb_s is 'Memory bandwidth, GB/s.';
comment on column raw_gpu_specs.peak_fp64_tflops is 'Peak dense FP64 throughput, TFLOP/s (no sparsity).';
comment on column raw_gpu_specs.peak_fp32_tflops is 'Peak dense FP32 throughput, TFLOP/s (no sparsity).';
comment on column raw_gpu_specs.peak_tf32_tflops is 'Peak dense TF32 throughput, TFLOP/s (no sparsity).';
comment on column raw_gpu_specs.peak_bf16_tflops is 'Peak dense BF16 throughput, TFLOP/s (no sparsity).';
comment on column raw_gpu_specs.peak_fp8_tflops is 'Peak dense FP8 throughput, TFLOP/s (no sparsity).';
comment on column raw_gpu_specs.die_area_mm2 is 'Die area, mm2.';
comment on column raw_gpu_specs.embodied_co2e_kg_low is 'Low end of the range: manufacturing carbon per unit incl. its share of the server, kg CO2e.';
comment on column raw_gpu_specs.embodied_co2e_kg_central is 'Manufacturing carbon per unit incl. its share of the server, kg CO2e (central).';
comment on column raw_gpu_specs.embodied_co2e_kg_high is 'High end of the range: manufacturing carbon per unit incl. its share of the server, kg CO2e.';
comment on column raw_gpu_specs.embodied_water_l is 'Manufacturing water per unit, L.';
comment on column raw_gpu_specs.price_usd is 'List or launch price per unit, USD.';
comment on column raw_gpu_specs.rental_usd_per_gpu_hour_low is 'Low end of the range: cloud rental price per device-hour, USD.';
comment on column raw_gpu_specs.rental_usd_per_gpu_hour_central is 'Cloud rental price per device-hour, USD (central).';
comment on column raw_gpu_specs.rental_usd_per_gpu_hour_high is 'High end of the range: cloud rental price per device-hour, USD.';
comment on column raw_gpu_specs.specs_source is 'URL or citation of the specification figures.';
comment on column raw_gpu_specs.embodied_source is 'URL or citation of the embodied carbon and water figures.';
comment on column raw_gpu_specs.price_source is 'URL or citation of the prices.';
comment on column raw_gpu_specs._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_gpu_specs._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_gpu_specs._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_gpu_specs._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_gpu_specs._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_gpu_specs._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- raw_gpu_aliases
comment on table raw_gpu_aliases is 'Raw: names of accelerators as disclosures write them. Grain: alias. An ambiguous family name maps to a generic entry whose TDP range spans its variants (or, when they share one TDP, to its most common training variant), and the note says so.';
comment on column raw_gpu_aliases.alias is 'Another way the name is written, matched case- and punctuation-insensitively.';
comment on column raw_gpu_aliases.gpu_id is 'Canonical accelerator the alias means.';
comment on column raw_gpu_aliases.note is 'Anything a reader needs: contradictions, unit corrections, assumptions.';
comment on column raw_gpu_aliases._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_gpu_aliases._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_gpu_aliases._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_gpu_aliases._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_gpu_aliases._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_gpu_aliases._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- raw_largest_clusters
comment on table raw_largest_clusters is 'Raw: the largest known AI cluster (accelerator count, any vendor) operational at each date, one row per record-setting cluster: a step function for the guard that a training run uses no more accelerators than existed at its release. From Epoch AI''s GPU clusters dataset, plus earlier records (snapshot gpus/curated/largest_clusters.csv). Grain: as_of_date.';
comment on column raw_largest_clusters.as_of_date is 'Date from which this cluster was the largest known AI cluster in operation (its first operational date).';
comment on column raw_largest_clusters.accelerators is 'Accelerators (GPUs, TPUs, other AI chips, any vendor) in that cluster: the most any training run could have used from this date until the next row.';
comment on column raw_largest_clusters.accelerator_kind is 'Chip type(s) of the cluster, as the source names them.';
comment on column raw_largest_clusters.cluster is 'Name of the cluster.';
comment on column raw_largest_clusters.source is 'Citation of the row: dataset, row and figures, or the list it comes from.';
comment on column raw_largest_clusters._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_largest_clusters._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_largest_clusters._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_largest_clusters._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_largest_clusters._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_largest_clusters._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- raw_electricity_prices
comment on table raw_electricity_prices is 'Raw: average industrial electricity price by country and year, USD per kWh, for the site''s price in the amortised cost view (snapshot grid/electricity_prices.csv: EIA for the US). Grain: country x year.';
comment on column raw_electricity_prices.country is 'Country, ISO 3166-1 alpha-2 (the first part of a zone key).';
comment on column raw_electricity_prices.year is 'Year of the average; the row serves from this year until the country''s next row.';
comment on column raw_electricity_prices.usd_per_kwh is 'Average price of electricity to industrial customers, USD per kWh.';
comment on column raw_electricity_prices.source is 'Citation of the row: the statistics and where they were read.';
comment on column raw_electricity_prices._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_electricity_prices._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_electricity_prices._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_electricity_prices._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_electricity_prices._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_electricity_prices._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- raw_cloud_prices
comment on table raw_cloud_prices is 'Raw: cloud rental prices of accelerator families by year, USD per accelerator-hour: the cheapest cloud''s on-demand price and its committed prices, for the rental cost view (snapshot gpus/curated/cloud_prices.csv, from Epoch AI''s hardware price database and cited quotes). Grain: accelerator x year.';
comment on column raw_cloud_prices.accelerator is 'Accelerator family (NVIDIA H100 SXM, Google TPU v4, ...).';
comment on column raw_cloud_prices.gpu_id_pattern is 'Regular expression matched in full against gpu_id: the canonical accelerators the family''s prices apply to.';
comment on column raw_cloud_prices.year is 'Year of the quotes; the row serves from this year until the family''s next row.';
comment on column raw_cloud_prices.vendor is 'Cloud whose price the row gives: the cheapest on-demand quote found for the family that year.';
comment on column raw_cloud_prices.on_demand_usd_per_hour is 'That cloud''s on-demand price, USD per accelerator-hour (the high end of the rental view).';
comment on column raw_cloud_prices.committed_1y_usd_per_hour is 'That cloud''s 1-year committed (reserved) price, USD per accelerator-hour, where it lists one (else on-demand x (1 - cloud_commit_discount central)).';
comment on column raw_cloud_prices.committed_3y_usd_per_hour is 'That cloud''s 3-year committed price, USD per accelerator-hour, where it lists one (else on-demand x (1 - cloud_commit_discount high)).';
comment on column raw_cloud_prices.source is 'Citation of the row: Epoch AI''s hardware price database row and its page, or the publication quoting the price.';
comment on column raw_cloud_prices._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_cloud_prices._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_cloud_prices._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_cloud_prices._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_cloud_prices._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_cloud_prices._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- raw_purchase_prices
comment on table raw_purchase_prices is 'Raw: purchase (list) prices of one accelerator by family and year, USD, for the amortised and creation cost views (snapshot gpus/curated/purchase_prices.csv, from Epoch AI''s hardware price database). Grain: accelerator x year.';
comment on column raw_purchase_prices.accelerator is 'Accelerator family (NVIDIA H100 SXM, Google TPU v4, ...).';
comment on column raw_purchase_prices.gpu_id_pattern is 'Regular expression matched in full against gpu_id: the canonical accelerators the family''s prices apply to.';
comment on column raw_purchase_prices.year is 'Year of the quote; the row serves from this year until the family''s next row.';
comment on column raw_purchase_prices.price_usd is 'List price of one accelerator (the chip, or its share of an 8-GPU baseboard; TPUs: Epoch AI''s equivalent price), USD.';
comment on column raw_purchase_prices.source is 'Citation of the row: Epoch AI''s hardware price database row and its page.';
comment on column raw_purchase_prices._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_purchase_prices._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_purchase_prices._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_purchase_prices._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_purchase_prices._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_purchase_prices._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- raw_model_disclosures
comment on table raw_model_disclosures is 'Raw: disclosed facts, one figure each. Grain: source_url x model x phase x field x source_locator. Units: the field''s canonical unit (docs/data-contracts.md). From developers'' model cards, Epoch AI, the Hugging Face co2_eq_emissions data, users'' YAML files and CodeCarbon runs.';
comment on column raw_model_disclosures.model is 'Model name as the source wrote it (aliases are resolved in staging).';
comment on column raw_model_disclosures.phase is 'model (metadata), training (the final run) or development (everything before it).';
comment on column raw_model_disclosures.field is 'Disclosure field (docs/data-contracts.md: gpu, gpu_hours, energy_mwh, co2e_t, ...).';
comment on column raw_model_disclosures.value is 'The value as text, normalised to the field''s unit (ISO date for dates).';
comment on column raw_model_disclosures.unit is 'Unit of the value (empty for text).';
comment on column raw_model_disclosures.source_kind is 'card (developer''s card, parsed), publication (a developer''s paper, report or card, curated by hand), user (a user''s own file), epoch, hfco2 (Hugging Face co2_eq_emissions) or codecarbon (a measured run).';
comment on column raw_model_disclosures.source_url is 'URL of the card, file or dataset the figure comes from.';
comment on column raw_model_disclosures.source_locator is 'Where in the source: line, table row and column, or file:row.';
comment on column raw_model_disclosures.raw_text is 'The figure as written in the source, at most 200 characters.';
comment on column raw_model_disclosures.confidence is 'high (a field meant for it), medium (prose or inferred unit) or low (suspect; never drives an estimate).';
comment on column raw_model_disclosures.note is 'Anything a reader needs: contradictions, unit corrections, assumptions.';
comment on column raw_model_disclosures._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_model_disclosures._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_model_disclosures._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_model_disclosures._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_model_disclosures._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_model_disclosures._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- raw_model_aliases
comment on table raw_model_aliases is 'Raw: other spellings of model names. Grain: alias. Maps, e.g., Epoch''s ''Llama 3.1-405B'' to ''Llama 3.1 405B''.';
comment on column raw_model_aliases.alias is 'Another way the name is written, matched case- and punctuation-insensitively.';
comment on column raw_model_aliases.model is 'The display name the alias means.';
comment on column raw_model_aliases._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_model_aliases._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_model_aliases._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_model_aliases._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_model_aliases._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_model_aliases._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- raw_assumptions
comment on table raw_assumptions is 'Raw: coefficients of the footprint model (PUE, power share, WUE, hardware life, embodied per GPU, development ratio, MFU, prices, world-average intensity). Grain: key. low/central/high in the unit column, each with its source (snapshot assumptions.csv).';
comment on column raw_assumptions.key is 'Coefficient id (pue, mfu, dev_ratio, ...).';
comment on column raw_assumptions.low is 'Low end of the plausible range.';
comment on column raw_assumptions.central is 'Central value used by the estimate.';
comment on column raw_assumptions.high is 'High end of the plausible range.';
comment on column raw_assumptions.unit is 'Unit of low, central and high.';
comment on column raw_assumptions.source is 'Citation of the value.';
comment on column raw_assumptions.note is 'Anything a reader needs: contradictions, unit corrections, assumptions.';
comment on column raw_assumptions._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_assumptions._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_assumptions._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_assumptions._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_assumptions._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_assumptions._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- raw_training_sites
comment on table raw_training_sites is 'Raw: where organisations (or, with organization empty, cloud vendors) train, curated with a citation per row (snapshot models/training_sites.csv). Grain: organization, cloud_vendor, location.';
comment on column raw_training_sites.organization is 'Organisation as Epoch spells it (one of the names joined with ''; '' in an organization fact); empty for a cloud vendor''s row.';
comment on column raw_training_sites.cloud_vendor is 'Cloud vendor, normalised as in the cloud_vendor fact (Google Cloud, Microsoft Azure, Amazon Web Services, ...); empty when the row is about an organisation''s own sites.';
comment on column raw_training_sites.location is 'Site as text the location resolver turns into a grid zone (a US balancing area or state where known, else the country).';
comment on column raw_training_sites.share is 'Share of the organisation''s (or vendor''s) training at this site; sums to 1 per organization and cloud_vendor (equal shares unless a source gives weights).';
comment on column raw_training_sites.valid_from is 'First day the row applies (null: since always).';
comment on column raw_training_sites.valid_to is 'Last day the row applies (null: still).';
comment on column raw_training_sites.source is 'Citation (URL) of the row.';
comment on column raw_training_sites.note is 'Anything a reader needs: which page says what, assumptions.';
comment on column raw_training_sites._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_training_sites._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_training_sites._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_training_sites._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_training_sites._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_training_sites._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- raw_equivalences
comment on table raw_equivalences is 'Raw: constants for everyday equivalences (car lifetime t CO2e, diesel kg CO2/L, per-person electricity, drinking water). Grain: key. Each with its source (snapshot equivalences.csv).';
comment on column raw_equivalences.key is 'Equivalence constant id (car_lifetime_co2e_t, diesel_kg_co2_per_l, ...).';
comment on column raw_equivalences.value is 'The constant, in unit.';
comment on column raw_equivalences.unit is 'Unit of value.';
comment on column raw_equivalences.source is 'Citation of the constant.';
comment on column raw_equivalences.note is 'Anything a reader needs: contradictions, unit corrections, assumptions.';
comment on column raw_equivalences._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_equivalences._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_equivalences._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_equivalences._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_equivalences._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_equivalences._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- meta_raw_manifest
comment on table meta_raw_manifest is 'Meta: every payload fetched or read, archived content-addressed under raw/<source>/<sha256>. Grain: source x url x sha256.';
comment on column meta_raw_manifest.sha256 is 'SHA-256 of the payload (its file name in the archive).';
comment on column meta_raw_manifest.source is 'Source id: a source''s name in tasks/sources/registry.py, snapshot, or user_cards.';
comment on column meta_raw_manifest.url is 'File path or URL, never with credentials.';
comment on column meta_raw_manifest.etag is 'HTTP ETag, when served.';
comment on column meta_raw_manifest.last_modified is 'HTTP Last-Modified, when served.';
comment on column meta_raw_manifest.http_status is 'HTTP status (null for files).';
comment on column meta_raw_manifest.content_type is 'HTTP Content-Type, when served.';
comment on column meta_raw_manifest.bytes is 'Size of the payload, bytes.';
comment on column meta_raw_manifest.fetched_at is 'When it was fetched or read (UTC).';
comment on column meta_raw_manifest.raw_path is 'Path of the archived copy.';

-- meta_load_log
comment on table meta_load_log is 'Meta: one row per load of one payload into one raw table, whatever its outcome. Grain: load_id.';
comment on column meta_load_log.load_id is 'Id of one load (one payload into one table).';
comment on column meta_load_log.run_id is 'Prefect flow run that did it, when there was one.';
comment on column meta_load_log.table_name is 'Warehouse table concerned.';
comment on column meta_load_log.batch_scope is 'Batch the load replaced (rows of this scope missing from the batch were deleted).';
comment on column meta_load_log.source_url is 'File or URL of the payload.';
comment on column meta_load_log.source_sha256 is 'SHA-256 of the payload.';
comment on column meta_load_log.started_at is 'When the load started (UTC).';
comment on column meta_load_log.finished_at is 'When it committed (UTC).';
comment on column meta_load_log.rows_in is 'Rows in the batch.';
comment on column meta_load_log.rows_inserted is 'New natural keys inserted.';
comment on column meta_load_log.rows_updated is 'Existing keys whose row hash changed.';
comment on column meta_load_log.rows_deleted is 'Keys of this batch scope absent from the batch, deleted.';
comment on column meta_load_log.rows_quarantined is 'Rows set aside into meta_quarantine.';
comment on column meta_load_log.status is 'success, unchanged (payload identical to the last one: skipped) or rejected (nothing landed).';
comment on column meta_load_log.message is 'Why a batch was rejected, or other detail.';

-- meta_quarantine
comment on table meta_quarantine is 'Meta: rows that failed validation, kept with the reason; they never reach the raw tables. Grain: load_id x row_number (x reason).';
comment on column meta_quarantine.load_id is 'Id of one load (one payload into one table).';
comment on column meta_quarantine.run_id is 'Prefect flow run that did it, when there was one.';
comment on column meta_quarantine.table_name is 'Warehouse table concerned.';
comment on column meta_quarantine.source_url is 'File or URL of the payload.';
comment on column meta_quarantine.source_sha256 is 'SHA-256 of the payload.';
comment on column meta_quarantine.row_number is '1-based position of the row in the parsed batch.';
comment on column meta_quarantine.row_key is 'The row''s natural key as text, when it could be read.';
comment on column meta_quarantine.reason is 'Why the row was set aside (failed expectation, implausible value, duplicate key, ...).';
comment on column meta_quarantine.row_json is 'The row as read, JSON.';
comment on column meta_quarantine.quarantined_at is 'When (UTC).';

-- meta_validation_results
comment on table meta_validation_results is 'Meta: result of each Great Expectations expectation evaluated on a batch. Grain: load_id x expectation x column_name.';
comment on column meta_validation_results.load_id is 'Id of one load (one payload into one table).';
comment on column meta_validation_results.table_name is 'Warehouse table concerned.';
comment on column meta_validation_results.expectation is 'Expectation type (expect_column_values_to_not_be_null, ...).';
comment on column meta_validation_results.column_name is 'Column checked (null for table-level expectations).';
comment on column meta_validation_results.success is 'True when every row met it.';
comment on column meta_validation_results.unexpected_count is 'Rows that did not.';
comment on column meta_validation_results.validated_at is 'When (UTC).';

-- meta_build_log
comment on table meta_build_log is 'Meta: one row per rebuild of the derived tables. Grain: build_id. A build is skipped when the inputs hash is unchanged.';
comment on column meta_build_log.build_id is 'Id of the build.';
comment on column meta_build_log.run_id is 'Prefect flow run that did it, when there was one.';
comment on column meta_build_log.built_at is 'When it committed (UTC).';
comment on column meta_build_log.inputs_hash is 'Hash of every raw table''s row hashes and of the SQL: equal hashes, equal outputs.';
comment on column meta_build_log.models is 'Models on the leaderboard after the build.';
comment on column meta_build_log.status is 'built.';

-- int_names_resolved
comment on table int_names_resolved is 'Intermediate: every GPU and place name written in a disclosure, and how it resolved. Grain: kind x input.';
comment on column int_names_resolved.kind is 'gpu or location.';
comment on column int_names_resolved.input is 'The name as written.';
comment on column int_names_resolved.resolved is 'gpu_id or zone_key it resolved to (null: unresolved).';
comment on column int_names_resolved.method is 'How it resolved (exact alias, normalised alias, count stripped, country, ...).';
comment on column int_names_resolved.count is 'Device count parsed out of a GPU name (''8 v100'' -> 8), when any.';
comment on column int_names_resolved.note is 'Ambiguities and assumptions.';

-- int_grid_intensity_ranked
comment on table int_grid_intensity_ranked is 'Intermediate: one annual intensity per zone x year, the best-ranked source and basis winning. Grain: zone_key x year. Unit: kg CO2e/kWh.';
comment on column int_grid_intensity_ranked.zone_key is 'Grid zone: ISO 3166-1 alpha-2 country (FR) or Electricity Maps zone key (US-CAL-CISO).';
comment on column int_grid_intensity_ranked.year is 'Calendar year the value covers.';
comment on column int_grid_intensity_ranked.carbon_intensity_kg_per_kwh is 'Carbon intensity of electricity, kg CO2e per kWh (= t per MWh).';
comment on column int_grid_intensity_ranked.basis is 'What the intensity counts: lifecycle or direct (combustion) emissions; unknown when the source does not say; marginal for marginal-emission series.';
comment on column int_grid_intensity_ranked.source is 'Short id of the source (ember_owid, electricitymaps_co2js, mlco2_em_2021, ...) or a citation.';
comment on column int_grid_intensity_ranked.source_url is 'URL of the upstream file, page or card the row comes from.';

-- raw_organization_countries
comment on table raw_organization_countries is 'Raw: the country of an organisation no model record gives a country for, curated with a citation per row (models/organization_countries.csv). Grain: organization.';
comment on column raw_organization_countries.organization is 'Organisation as Epoch or a card spells it (one of the names joined with ''; '' in an organization fact).';
comment on column raw_organization_countries.country is 'Country of the organisation''s headquarters or campus, as text the location resolver turns into a grid zone.';
comment on column raw_organization_countries.source is 'Citation (URL) of the row: the organisation''s own site.';
comment on column raw_organization_countries.note is 'City, and anything a reader needs (a lab of a larger company: the headquarters'' country).';
comment on column raw_organization_countries._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_organization_countries._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_organization_countries._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_organization_countries._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_organization_countries._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_organization_countries._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- stg_locations__organization_countries
comment on table stg_locations__organization_countries is 'Staging: the curated country of an organisation no model record gives one for (organization_countries.csv); rung 4 of the location ladder reads it. Grain: organization.';
comment on column stg_locations__organization_countries.organization is 'Organisation as Epoch or a card spells it.';
comment on column stg_locations__organization_countries.country is 'Country as text (resolved to a zone in int_names_resolved).';
comment on column stg_locations__organization_countries.source_url is 'Citation (URL) of the row.';
comment on column stg_locations__organization_countries.note is 'City and remarks.';

-- raw_model_organizations
comment on table raw_model_organizations is 'Raw: who trained a model, curated with a source per row (models/organizations.csv). Grain: kind x key.';
comment on column raw_model_organizations.kind is 'hub_owner (Hugging Face namespace), github_owner (owner of a developer''s card repository), model_id (un-namespaced legacy Hub id) or spelling (another spelling of one organisation).';
comment on column raw_model_organizations.key is 'The namespace, model id or spelling, matched case-insensitively.';
comment on column raw_model_organizations.organization is 'The organisation''s display name.';
comment on column raw_model_organizations.source is 'Where the mapping comes from (Hub or GitHub page, model card).';
comment on column raw_model_organizations._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_model_organizations._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_model_organizations._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_model_organizations._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_model_organizations._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_model_organizations._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- int_models_described
comment on table int_models_described is 'Intermediate: model metadata (organisation, release date, size, tokens, FLOPs), best-ranked source per field. Grain: model.';
comment on column int_models_described.model is 'Model name as displayed (aliases resolved through raw_model_aliases).';
comment on column int_models_described.organization is 'Organisation that trained the model.';
comment on column int_models_described.release_date is 'Public release date.';
comment on column int_models_described.parameters_b is 'Total parameters, billions.';
comment on column int_models_described.active_parameters_b is 'Parameters active per token (mixture of experts), billions.';
comment on column int_models_described.training_tokens_b is 'Tokens seen in the final training run, billions.';
comment on column int_models_described.training_flops is 'Floating-point operations of the final training run, FLOP.';
comment on column int_models_described.compute_confidence is 'Epoch AI''s confidence in its training-compute estimate (Confident, Likely, Speculative), as written.';
comment on column int_models_described.base_model is 'Base model of a fine-tune, as its source names it (several joined by ''; ''); null for a model trained from scratch.';
comment on column int_models_described.finetune_flops is 'Compute of the fine-tune alone (its base model''s excluded), FLOP.';
comment on column int_models_described.organization_country is 'Country of the developing organisation(s), when they share one, as the source writes it.';
comment on column int_models_described.domain is 'What the model is for, as Epoch AI lists it (''; ''-separated: Language, Vision, Multimodal, ...).';
comment on column int_models_described.sources is 'Sources of the row''s figures: '' ; ''-separated URLs and citations.';
comment on column int_models_described.best_source_rank is 'Rank of the best source that described the model (1 = developer''s card).';
comment on column int_models_described.notability_criteria is 'Why Epoch AI counts the model notable (its Notability criteria: SOTA improvement, Highly cited, Training cost, ...; several joined by ''; ''); null when no list says.';
comment on column int_models_described.frontier_model is 'True when Epoch AI marks the model as a frontier model (its Frontier model box).';
comment on column int_models_described.epoch_lists is 'The Epoch AI lists the model is on: notable, large-scale, or both (''large-scale; notable''); null when it is on neither.';

-- int_families_split
comment on table int_families_split is 'Intermediate: a family disclosure (''Code Llama (all 12 models)'') split over its members on the board by compute share. Grain: family x phase x member.';
comment on column int_families_split.family is 'The family disclosure as named by its source.';
comment on column int_families_split.phase is 'training (the final run) or development (everything before it).';
comment on column int_families_split.member is 'A model of the family that is on the board (name starts with the family''s name).';
comment on column int_families_split.basis is 'What the share is proportional to: training_flops, parameters x tokens, or gpu_hours (the first every member has).';
comment on column int_families_split.weight is 'The member''s value of the basis (FLOP, parameter-tokens or h).';
comment on column int_families_split.share is 'The member''s share of the family (ratio; the family''s shares sum to 1).';
comment on column int_families_split.family_gpu_hours is 'Device-hours the family disclosure states, h.';
comment on column int_families_split.family_energy_mwh is 'Energy the family disclosure states, MWh.';
comment on column int_families_split.family_co2e_t is 'Operational carbon the family disclosure states, t CO2e.';
comment on column int_families_split.share_gpu_hours is 'The member''s share of the family''s device-hours, h.';
comment on column int_families_split.share_energy_mwh is 'The member''s share of the family''s energy, MWh.';
comment on column int_families_split.share_co2e_t is 'The member''s share of the family''s carbon, t CO2e.';
comment on column int_families_split.applied is 'True when the member discloses no GPU-hours, energy or CO2 of its own and so takes its share.';
comment on column int_families_split.family_source_url is 'Source of the family disclosure''s figures.';

-- int_disclosures_pivoted
comment on table int_disclosures_pivoted is 'Intermediate: disclosed facts pivoted wide, best source per field. Grain: model x phase (training, development). Units in the column names.';
comment on column int_disclosures_pivoted.model is 'Model name as displayed (aliases resolved through raw_model_aliases).';
comment on column int_disclosures_pivoted.phase is 'model (metadata), training (the final run) or development (everything before it).';
comment on column int_disclosures_pivoted.gpu_text is 'Accelerator as the disclosure wrote it.';
comment on column int_disclosures_pivoted.gpu_count is 'Accelerators used, count.';
comment on column int_disclosures_pivoted.gpu_hours is 'Device-hours, h.';
comment on column int_disclosures_pivoted.duration_days is 'Wall-clock duration of the run, days.';
comment on column int_disclosures_pivoted.start_date is 'First day of the run.';
comment on column int_disclosures_pivoted.end_date is 'Last day of the run.';
comment on column int_disclosures_pivoted.power_w is 'Power per device, W (disclosed average or TDP, else TDP x the training share).';
comment on column int_disclosures_pivoted.power_includes_pue is 'True when the disclosed power figure is already PUE-adjusted (Meta''s cards).';
comment on column int_disclosures_pivoted.pue is 'Power usage effectiveness: facility energy / IT energy (ratio, >= 1).';
comment on column int_disclosures_pivoted.location_text is 'Place of the run as the disclosure wrote it.';
comment on column int_disclosures_pivoted.location_source_kind is 'Source kind of the location used (card, publication, user, epoch, ...): a database''s data centre or a developer''s own place.';
comment on column int_disclosures_pivoted.cloud_vendor is 'Cloud vendor the run used, as a source names it (normalised spelling).';
comment on column int_disclosures_pivoted.carbon_intensity_kg_per_kwh is 'Carbon intensity of electricity, kg CO2e per kWh (= t per MWh).';
comment on column int_disclosures_pivoted.energy_mwh is 'Facility energy (IT energy x PUE), MWh.';
comment on column int_disclosures_pivoted.co2e_t is 'Operational carbon, t CO2e, location-based.';
comment on column int_disclosures_pivoted.co2e_market_t is 'Market-based carbon as disclosed, t CO2e (never replaces location-based).';
comment on column int_disclosures_pivoted.water_kl is 'Water, kL (on-site cooling + off-site electricity generation).';
comment on column int_disclosures_pivoted.mfu is 'Model FLOP utilisation, ratio.';
comment on column int_disclosures_pivoted.precision is 'Numeric precision of training (bf16, fp8, fp32, ...).';
comment on column int_disclosures_pivoted.rental_usd_per_gpu_hour is 'Rental price the developer states for its run, USD per accelerator-hour (used as disclosed by the rental cost view).';
comment on column int_disclosures_pivoted.conflicting_fields is 'Fields on which sources disagree for this model and phase (the better-ranked source is used).';

-- int_runs_hourly_matched
comment on table int_runs_hourly_matched is 'Intermediate: a run''s mean intensity from an hourly series of its zone over its time window, with coverage. Grain: model x phase x hourly source. Unit: kg CO2e/kWh.';
comment on column int_runs_hourly_matched.model is 'Model name as displayed (aliases resolved through raw_model_aliases).';
comment on column int_runs_hourly_matched.phase is 'model (metadata), training (the final run) or development (everything before it).';
comment on column int_runs_hourly_matched.zone_key is 'Grid zone of the run.';
comment on column int_runs_hourly_matched.window_start_utc is 'Start of the run''s window (UTC, inclusive).';
comment on column int_runs_hourly_matched.window_end_utc is 'End of the run''s window (UTC, exclusive).';
comment on column int_runs_hourly_matched.window_hours is 'Length of the window, h.';
comment on column int_runs_hourly_matched.source is 'Hourly source id (null when the zone has no series).';
comment on column int_runs_hourly_matched.basis is 'What the intensity counts: lifecycle or direct (combustion) emissions; unknown when the source does not say; marginal for marginal-emission series.';
comment on column int_runs_hourly_matched.is_marginal is 'True for a marginal-emissions series (not an average intensity).';
comment on column int_runs_hourly_matched.period_minutes is 'Interval length of the series, minutes.';
comment on column int_runs_hourly_matched.intervals is 'Intervals of the series overlapping the window.';
comment on column int_runs_hourly_matched.covered_hours is 'Hours of the window the series covers.';
comment on column int_runs_hourly_matched.coverage_share is 'covered_hours / window_hours (ratio).';
comment on column int_runs_hourly_matched.carbon_intensity_kg_per_kwh is 'Time-weighted mean intensity over the covered window, kg CO2e/kWh.';
comment on column int_runs_hourly_matched.interval_min_kg_per_kwh is 'Lowest interval intensity in the window, kg CO2e/kWh.';
comment on column int_runs_hourly_matched.interval_max_kg_per_kwh is 'Highest interval intensity in the window, kg CO2e/kWh.';
comment on column int_runs_hourly_matched.meets_coverage is 'True when coverage_share >= 0.9.';
comment on column int_runs_hourly_matched.is_used is 'True when the estimate uses this mean.';
comment on column int_runs_hourly_matched.preference is 'Order among sources for the same run (1 = preferred).';
comment on column int_runs_hourly_matched.source_url is 'URL of the upstream file, page or card the row comes from.';

-- int_runs_estimated
comment on table int_runs_estimated is 'Intermediate: each run estimated at each bound, up the estimation ladder. Grain: model x phase x bound. Units in the column names (h, W, MWh, t CO2e, kL, kg/kWh).';
comment on column int_runs_estimated.model is 'Model name as displayed (aliases resolved through raw_model_aliases).';
comment on column int_runs_estimated.phase is 'model (metadata), training (the final run) or development (everything before it).';
comment on column int_runs_estimated.bound is 'low, central or high: which end of every input''s range the row takes (interval arithmetic).';
comment on column int_runs_estimated.estimation_tier is 'Estimation ladder step: 1 disclosed emissions, 2 disclosed energy x intensity, 3 disclosed GPU-hours x power x PUE x intensity, 4 GPU count x duration then as 3, 5 training FLOPs / (peak x MFU) then as 3.';
comment on column int_runs_estimated.gpu_text is 'Accelerator as the disclosure wrote it.';
comment on column int_runs_estimated.gpu_id is 'Canonical accelerator id (slug), e.g. nvidia-h100-sxm5-80gb.';
comment on column int_runs_estimated.gpu_name is 'Display name of the resolved accelerator.';
comment on column int_runs_estimated.gpu_resolution is 'How the GPU name resolved (int_names_resolved.method).';
comment on column int_runs_estimated.gpu_count is 'Accelerators used, count.';
comment on column int_runs_estimated.duration_days is 'Wall-clock duration of the run, days.';
comment on column int_runs_estimated.gpu_hours is 'Device-hours, h.';
comment on column int_runs_estimated.gpu_hours_basis is 'How GPU-hours were obtained: disclosed, count x duration, or from FLOPs.';
comment on column int_runs_estimated.peak_tflops is 'Peak dense TFLOP/s used to turn FLOPs into GPU-hours (tier 5).';
comment on column int_runs_estimated.peak_precision_used is 'Precision whose peak was used (bf16, fp8, ...).';
comment on column int_runs_estimated.power_w is 'Power per device, W (disclosed average or TDP, else TDP x the training share).';
comment on column int_runs_estimated.power_disclosed is 'True when power per GPU was disclosed.';
comment on column int_runs_estimated.power_source is 'Where the power per GPU comes from (disclosed, TDP x share).';
comment on column int_runs_estimated.pue is 'Power usage effectiveness: facility energy / IT energy (ratio, >= 1).';
comment on column int_runs_estimated.location_text is 'Place of the run as the disclosure wrote it.';
comment on column int_runs_estimated.zone_key is 'Grid zone the place resolved to.';
comment on column int_runs_estimated.location_resolution is 'How the place resolved (int_names_resolved.method).';
comment on column int_runs_estimated.intensity_zone is 'Zone whose intensity was used (the place''s, its country''s, or none).';
comment on column int_runs_estimated.intensity_year_used is 'Year of the annual intensity used (nearest to the run''s year).';
comment on column int_runs_estimated.intensity_basis is 'Basis of the intensity used (lifecycle, direct, marginal fallback).';
comment on column int_runs_estimated.intensity_source is 'Source id of the intensity used.';
comment on column int_runs_estimated.intensity_coverage_share is 'Share of the run''s window covered by the hourly or monthly series used (ratio).';
comment on column int_runs_estimated.intensity_source_url is 'URL of the intensity used.';
comment on column int_runs_estimated.carbon_intensity_kg_per_kwh is 'Intensity shown for the run, kg CO2e/kWh: implied by disclosed emissions / energy when disclosed, else the place''s.';
comment on column int_runs_estimated.carbon_intensity_granularity is 'hourly, monthly, annual, disclosed (implied by the developer''s own numbers) or assumed (world average).';
comment on column int_runs_estimated.location_intensity_kg_per_kwh is 'Intensity of the run''s place, kg CO2e/kWh, whatever was disclosed.';
comment on column int_runs_estimated.location_intensity_granularity is 'Granularity of location_intensity_kg_per_kwh.';
comment on column int_runs_estimated.energy_mwh is 'Facility energy (IT energy x PUE), MWh.';
comment on column int_runs_estimated.energy_disclosed is 'True when the run''s energy was disclosed.';
comment on column int_runs_estimated.co2e_t is 'Operational carbon, t CO2e, location-based.';
comment on column int_runs_estimated.co2e_disclosed is 'True when the run''s emissions were disclosed (tier 1).';
comment on column int_runs_estimated.disclosed_co2e_t is 'Disclosed location-based emissions, t CO2e.';
comment on column int_runs_estimated.rejected_co2e_t is 'Disclosed location-based emissions (t CO2e) not used because they are more than 10x off what the run''s own energy (disclosed, else from its disclosed GPU-hours) gives at its place (the audit''s emissions_vs_recomputed error); null when none was rejected. The run is then estimated from those inputs and guard_failures says so.';
comment on column int_runs_estimated.disclosed_co2e_market_t is 'Disclosed market-based emissions, t CO2e.';
comment on column int_runs_estimated.water_kl is 'Water, kL (on-site cooling + off-site electricity generation).';
comment on column int_runs_estimated.conflicting_fields is 'Fields on which sources disagree for this model and phase (the better-ranked source is used).';
comment on column int_runs_estimated.flops_used is 'Training compute the run spent, FLOP: a fine-tune''s own fine-tune compute, else the model''s training compute (disclosed, or 6 x parameters x tokens).';
comment on column int_runs_estimated.base_model is 'Base model of a fine-tune, as its source names it (null for a model trained from scratch).';
comment on column int_runs_estimated.compute_confidence is 'disclosed (tiers 1-4), else Epoch AI''s confidence in its training-compute estimate, or unknown.';
comment on column int_runs_estimated.guard_failures is 'Plausibility guards the run failed at a tier it had inputs for (and so skipped), ''; ''-separated; null when none failed.';
comment on column int_runs_estimated.location_rung is 'Rung of the location ladder used: 1 disclosed location or named data centre, 2 cloud vendor''s regions, 3 organisation''s known training sites, 4 organisation''s country, 5 world average.';
comment on column int_runs_estimated.carbon_intensity_source is 'Where the intensity comes from: the rung of the location ladder with the zone(s), dataset and year; or the disclosure it was taken from.';
comment on column int_runs_estimated.recomputed_energy_mwh is 'Energy the ladder gives from the run''s own inputs without its disclosed energy or emissions, MWh.';
comment on column int_runs_estimated.recomputed_co2e_t is 'recomputed_energy_mwh x the run''s disclosed intensity, else the intensity of its place by the location ladder, t CO2e (what the ladder gives without the disclosed energy and emissions).';

-- int_footprints_bounded
comment on table int_footprints_bounded is 'Intermediate: training, development and embodied footprints per model at each bound (costs: int_runs_costed). Grain: model x bound. Units in the column names.';
comment on column int_footprints_bounded.model is 'Model name as displayed (aliases resolved through raw_model_aliases).';
comment on column int_footprints_bounded.bound is 'low, central or high: which end of every input''s range the row takes (interval arithmetic).';
comment on column int_footprints_bounded.training_gpu_hours is 'GPU-hours of the final training run, h.';
comment on column int_footprints_bounded.training_energy_mwh is 'Facility energy of the final training run, MWh.';
comment on column int_footprints_bounded.training_co2e_t is 'Operational carbon of the final training run, t CO2e.';
comment on column int_footprints_bounded.training_water_kl is 'Water of the final training run, kL.';
comment on column int_footprints_bounded.development_disclosed is 'True when a development run was disclosed (else training x development ratio).';
comment on column int_footprints_bounded.development_gpu_hours is 'GPU-hours of development, h.';
comment on column int_footprints_bounded.development_energy_mwh is 'Facility energy of development, MWh.';
comment on column int_footprints_bounded.development_co2e_t is 'Operational carbon of development, t CO2e.';
comment on column int_footprints_bounded.development_water_kl is 'Water of development, kL.';
comment on column int_footprints_bounded.embodied_co2e_t is 'Manufacturing carbon of the GPUs amortised over training + development GPU-hours, t CO2e.';
comment on column int_footprints_bounded.embodied_water_kl is 'Manufacturing water likewise, kL.';

-- int_coefficients_bounded
comment on table int_coefficients_bounded is 'Intermediate: each coefficient at each bound of the interval arithmetic. Grain: key x bound.';
comment on column int_coefficients_bounded.key is 'Coefficient id (pue, mfu, dev_ratio, ...).';
comment on column int_coefficients_bounded.bound is 'low, central or high: which end of every input''s range the row takes (interval arithmetic).';
comment on column int_coefficients_bounded.value is 'The coefficient''s own end of its range at this bound (low at low, high at high).';
comment on column int_coefficients_bounded.opposite is 'The other end, for a coefficient that lowers the result as it grows (hardware life, a committed-use discount).';
comment on column int_coefficients_bounded.central is 'The coefficient''s central value.';

-- int_runs_costed
comment on table int_runs_costed is 'Intermediate: what each final training run cost, three ways (docs/costs.md): renting it at the cloud price of its accelerator in its year, owning its hardware (amortised acquisition cost + energy, Cottier et al. 2024) and, for a frontier model, creating it (cluster, staff, power). Grain: model x bound. USD.';
comment on column int_runs_costed.model is 'Model name as displayed (aliases resolved through raw_model_aliases).';
comment on column int_runs_costed.bound is 'low, central or high: which end of every input''s range the row takes (interval arithmetic).';
comment on column int_runs_costed.price_year is 'Year the run is priced in: the year it ended (disclosed end, or start + duration), else the release date minus publication_lag_days.';
comment on column int_runs_costed.rental_price_basis is 'Where the rental price comes from: disclosed (the developer''s own), price table (stg_gpus__cloud_prices, the accelerator''s year), list price today (gpu_specs, any year) or assumed (rental_usd_per_gpu_hour_unknown).';
comment on column int_runs_costed.rental_usd_per_gpu_hour is 'Rental price used, USD per accelerator-hour: low the 3-year committed, central the 1-year committed, high the on-demand price.';
comment on column int_runs_costed.rental_price_source is 'Citation of the rental price: the price table row (family, year, source) or the disclosure.';
comment on column int_runs_costed.training_cost_usd is 'Renting the final run: GPU-hours x rental_usd_per_gpu_hour, USD.';
comment on column int_runs_costed.purchase_price_basis is 'Where the accelerator''s purchase price comes from: price table (stg_gpus__purchase_prices), list price today (gpu_specs) or assumed (gpu_price_usd_unknown).';
comment on column int_runs_costed.gpu_price_usd is 'Purchase price of one accelerator used, USD (list price x hardware_price_rel).';
comment on column int_runs_costed.purchase_price_source is 'Citation of the purchase price: the price table row (family, year, source).';
comment on column int_runs_costed.training_hardware_capex_usd is 'Hardware part of the amortised cost: GPU-hours x accelerator price x server_cost_overhead x cluster_network_overhead / (hardware_life_years x 8,760 h), USD.';
comment on column int_runs_costed.electricity_price_basis is 'Where the electricity price comes from: site (the industrial price of the country of the run''s zones in its year, stg_grid__electricity_prices, weighted by the zones'' shares) or assumed (electricity_usd_per_kwh).';
comment on column int_runs_costed.electricity_usd_per_kwh is 'Electricity price used, USD per kWh (the site''s price with the relative range of electricity_usd_per_kwh).';
comment on column int_runs_costed.training_energy_cost_usd is 'Energy part of the amortised cost: facility energy of the final run x electricity_usd_per_kwh, USD.';
comment on column int_runs_costed.amortised_cost_usd is 'Owning the hardware for the final run: training_hardware_capex_usd + training_energy_cost_usd, USD.';
comment on column int_runs_costed.is_frontier is 'True when the model''s training compute (disclosed or Epoch''s, else GPU-hours x peak x central MFU) reaches frontier_training_flops_min (1e25 FLOP).';
comment on column int_runs_costed.cluster_gpus is 'Accelerators in the cluster: the run''s GPU count, else GPU-hours / (duration x 24).';
comment on column int_runs_costed.creation_cost_usd is 'Creating a frontier model: cluster_gpus x accelerator price / creation_hardware_share, USD (null when not frontier).';
comment on column int_runs_costed.creation_hardware_usd is 'Cluster bought for the model: creation_cost_usd x creation_hardware_share, USD.';
comment on column int_runs_costed.creation_staff_usd is 'Research staff: creation_cost_usd x creation_staff_share, USD.';
comment on column int_runs_costed.creation_energy_usd is 'Power: creation_cost_usd x creation_energy_share, USD.';

-- fct_model_footprints
comment on table fct_model_footprints is 'Mart: one row per model x footprint (training, development, embodied): energy MWh, carbon t CO2e, water kL, GPU-hours h, each low/central/high, and whether the central figure was disclosed or estimated.';
comment on column fct_model_footprints.model is 'Model name as displayed (aliases resolved through raw_model_aliases).';
comment on column fct_model_footprints.footprint is 'training, development or embodied.';
comment on column fct_model_footprints.energy_mwh_low is 'Low end of the range: facility energy, MWh (null for embodied).';
comment on column fct_model_footprints.energy_mwh is 'Facility energy, MWh (null for embodied).';
comment on column fct_model_footprints.energy_mwh_high is 'High end of the range: facility energy, MWh (null for embodied).';
comment on column fct_model_footprints.co2e_t_low is 'Low end of the range: carbon, t CO2e.';
comment on column fct_model_footprints.co2e_t is 'Carbon, t CO2e.';
comment on column fct_model_footprints.co2e_t_high is 'High end of the range: carbon, t CO2e.';
comment on column fct_model_footprints.water_kl_low is 'Low end of the range: water, kL.';
comment on column fct_model_footprints.water_kl is 'Water, kL.';
comment on column fct_model_footprints.water_kl_high is 'High end of the range: water, kL.';
comment on column fct_model_footprints.gpu_hours_low is 'Low end of the range: gPU-hours, h.';
comment on column fct_model_footprints.gpu_hours is 'GPU-hours, h.';
comment on column fct_model_footprints.gpu_hours_high is 'High end of the range: gPU-hours, h.';
comment on column fct_model_footprints.co2e_basis is 'disclosed or estimated (the central carbon figure).';
comment on column fct_model_footprints.method is 'How the footprint was obtained (tier, development ratio, embodied formula).';
comment on column fct_model_footprints.estimation_tier is 'Estimation ladder step of the model''s training run (1-5).';

-- dim_gpu
comment on table dim_gpu is 'Mart: one row per accelerator with its specifications and how many leaderboard models trained on it. Units in the column names.';
comment on column dim_gpu.gpu_id is 'Canonical accelerator id (slug), e.g. nvidia-h100-sxm5-80gb.';
comment on column dim_gpu.name is 'Display name of the accelerator.';
comment on column dim_gpu.manufacturer is 'Manufacturer of the accelerator.';
comment on column dim_gpu.kind is 'gpu, tpu or accelerator.';
comment on column dim_gpu.is_training_accelerator is 'True for curated data-centre training parts, false for catalogue entries.';
comment on column dim_gpu.release_date is 'Public release date.';
comment on column dim_gpu.tdp_w is 'Thermal design power of the board or chip, W.';
comment on column dim_gpu.tdp_w_low is 'Low end of the TDP range, W: the lowest TDP among the variants a name without form factor may mean (bare V100: PCIe 250 W), or the low end its source gives; else equal to tdp_w.';
comment on column dim_gpu.tdp_w_high is 'High end of the TDP range, W: the highest TDP among the variants a name without form factor may mean (bare V100: SXM2 300 W), or the high end its source gives; else equal to tdp_w.';
comment on column dim_gpu.memory_gb is 'Memory, GB.';
comment on column dim_gpu.memory_bandwidth_gb_s is 'Memory bandwidth, GB/s.';
comment on column dim_gpu.peak_fp64_tflops is 'Peak dense FP64 throughput, TFLOP/s (no sparsity).';
comment on column dim_gpu.peak_fp32_tflops is 'Peak dense FP32 throughput, TFLOP/s (no sparsity).';
comment on column dim_gpu.peak_tf32_tflops is 'Peak dense TF32 throughput, TFLOP/s (no sparsity).';
comment on column dim_gpu.peak_bf16_tflops is 'Peak dense BF16 throughput, TFLOP/s (no sparsity).';
comment on column dim_gpu.peak_fp8_tflops is 'Peak dense FP8 throughput, TFLOP/s (no sparsity).';
comment on column dim_gpu.die_area_mm2 is 'Die area, mm2.';
comment on column dim_gpu.embodied_co2e_kg_low is 'Low end of the range: manufacturing carbon per unit incl. its share of the server, kg CO2e.';
comment on column dim_gpu.embodied_co2e_kg_central is 'Manufacturing carbon per unit incl. its share of the server, kg CO2e (central).';
comment on column dim_gpu.embodied_co2e_kg_high is 'High end of the range: manufacturing carbon per unit incl. its share of the server, kg CO2e.';
comment on column dim_gpu.embodied_water_l is 'Manufacturing water per unit, L.';
comment on column dim_gpu.price_usd is 'List or launch price per unit, USD.';
comment on column dim_gpu.rental_usd_per_gpu_hour_low is 'Low end of the range: cloud rental price per device-hour, USD.';
comment on column dim_gpu.rental_usd_per_gpu_hour_central is 'Cloud rental price per device-hour, USD (central).';
comment on column dim_gpu.rental_usd_per_gpu_hour_high is 'High end of the range: cloud rental price per device-hour, USD.';
comment on column dim_gpu.specs_source is 'URL or citation of the specification figures.';
comment on column dim_gpu.embodied_source is 'URL or citation of the embodied carbon and water figures.';
comment on column dim_gpu.price_source is 'URL or citation of the prices.';
comment on column dim_gpu.models_trained is 'Leaderboard models whose final training run used it.';

-- dim_zone
comment on table dim_zone is 'Mart: one row per grid zone with its latest annual intensity (kg CO2e/kWh).';
comment on column dim_zone.zone_key is 'Grid zone: ISO 3166-1 alpha-2 country (FR) or Electricity Maps zone key (US-CAL-CISO).';
comment on column dim_zone.zone_name is 'Display name of the zone.';
comment on column dim_zone.zone_type is 'country, subzone (part of a country''s grid) or world.';
comment on column dim_zone.country_iso2 is 'ISO 3166-1 alpha-2 code of the country (for a sub-zone, the country it lies in).';
comment on column dim_zone.country_iso3 is 'ISO 3166-1 alpha-3 code of the country.';
comment on column dim_zone.source is 'Source of the zone definition.';
comment on column dim_zone.latest_year is 'Year of the latest annual intensity.';
comment on column dim_zone.latest_carbon_intensity_kg_per_kwh is 'Latest annual intensity, kg CO2e/kWh.';
comment on column dim_zone.latest_basis is 'Basis of that value (lifecycle, direct).';
comment on column dim_zone.latest_source is 'Source id of that value.';

-- int_runs_guarded
comment on table int_runs_guarded is 'Intermediate: each run''s inputs resolved (accelerator, peak at the training precision, compute spent) and the estimation tier chosen after the plausibility guards (wall clock <= 1 year, utilisation 5-75%, cluster no larger than existed at release, a fine-tune costed from its fine-tune compute). Grain: model x phase.';
-- columns of int_runs_guarded: as int_disclosures_pivoted, and:
comment on column int_runs_guarded.gpu_text_used is 'Accelerator as written (a development run without its own takes its final training''s).';
comment on column int_runs_guarded.location_text_used is 'Place as written (a development run without its own takes its final training''s).';
comment on column int_runs_guarded.location_source_kind_used is 'Source kind of location_text_used.';
comment on column int_runs_guarded.cloud_vendor_used is 'Cloud vendor (a development run without its own takes its final training''s).';
comment on column int_runs_guarded.release_date is 'Public release date of the model.';
comment on column int_runs_guarded.parameters_b is 'Total parameters, billions.';
comment on column int_runs_guarded.active_parameters_b is 'Parameters active per token (mixture of experts), billions.';
comment on column int_runs_guarded.training_tokens_b is 'Training tokens, billions.';
comment on column int_runs_guarded.base_model is 'Base model of a fine-tune, as its source names it.';
comment on column int_runs_guarded.compute_confidence is 'Epoch AI''s confidence in its training-compute estimate (Confident, Likely, Speculative), as written.';
comment on column int_runs_guarded.flops_used is 'Training compute the run spent, FLOP: a fine-tune''s own fine-tune compute, else the model''s (disclosed, or 6 x parameters x tokens).';
comment on column int_runs_guarded.finetune_unusable is 'True for a fine-tune whose fine-tune compute is missing or below 1e15 FLOP: tier 5 is not available to it.';
comment on column int_runs_guarded.gpu_id is 'Canonical accelerator id (slug).';
comment on column int_runs_guarded.gpu_resolution is 'How the GPU name resolved (int_names_resolved.method).';
comment on column int_runs_guarded.gpu_count_in_name is 'Accelerator count written inside the GPU name (''8 v100''), if any.';
comment on column int_runs_guarded.zone_key is 'Grid zone the written place resolved to.';
comment on column int_runs_guarded.location_resolution is 'How the place resolved (int_names_resolved.method).';
comment on column int_runs_guarded.gpu_name is 'Display name of the resolved accelerator.';
comment on column int_runs_guarded.tdp_w is 'Accelerator TDP, W.';
comment on column int_runs_guarded.tdp_w_low is 'Lowest TDP among the variants an ambiguous accelerator name covers, W.';
comment on column int_runs_guarded.tdp_w_high is 'Highest TDP among the variants an ambiguous accelerator name covers, W.';
comment on column int_runs_guarded.peak_tflops is 'Peak dense TFLOP/s at the precision used.';
comment on column int_runs_guarded.peak_precision_used is 'Precision whose peak was used (fp8, bf16/fp16, tf32, fp32; a value naming several is read narrowest first).';
comment on column int_runs_guarded.gpu_count_used is 'Accelerators used, count (disclosed, else from the GPU name).';
comment on column int_runs_guarded.duration_days_used is 'Wall-clock duration, days (disclosed, else end - start).';
comment on column int_runs_guarded.largest_cluster_at_release is 'Largest AI training cluster (accelerators) operational at the model''s release date.';
comment on column int_runs_guarded.count_duration_gpu_hours is 'GPU count x duration x 24, h (tier 4, before its range).';
comment on column int_runs_guarded.flops_gpu_hours is 'GPU-hours from compute at the central MFU, h (tier 5, before its range).';
comment on column int_runs_guarded.utilisation_disclosed_hours is 'Compute / (disclosed GPU-hours x 3,600 x peak), ratio.';
comment on column int_runs_guarded.utilisation_count_duration is 'Compute / (count x duration x 3,600 x peak), ratio.';
comment on column int_runs_guarded.cluster_too_large is 'True when the accelerator count exceeds the largest cluster at release.';
comment on column int_runs_guarded.tier3_failure is 'Why tier 3 (disclosed GPU-hours) fails its guards, if it does.';
comment on column int_runs_guarded.tier4_failure is 'Why tier 4 (count x duration) fails its guards, if it does.';
comment on column int_runs_guarded.tier5_failure is 'Why tier 5 (compute / peak x MFU) fails its guards, if it does.';
comment on column int_runs_guarded.estimation_tier is 'Best tier whose inputs exist and pass the guards (1 disclosed emissions .. 5 compute); null: none passes, the run goes to review.';
comment on column int_runs_guarded.gpu_hours_basis is 'How GPU-hours are obtained: disclosed, count_x_duration or flops (the best tier that passes).';
comment on column int_runs_guarded.guard_failures is 'The failures of tiers 3-5, ''; ''-separated.';

-- int_runs_located
comment on table int_runs_located is 'Intermediate: where each run is taken to have happened, by the location ladder: disclosed location or named data centre, the cloud vendor''s regions, the organisation''s known training sites, the organisation''s country (world average when no row). Grain: model x phase x zone.';
comment on column int_runs_located.model is 'Model name as displayed.';
comment on column int_runs_located.phase is 'training or development.';
comment on column int_runs_located.location_label is 'The rung in words, with the organisation or vendor it rests on.';
comment on column int_runs_located.zone_key is 'Grid zone of the place or site.';
comment on column int_runs_located.share is 'Share of the run assumed at this zone (sites of one organisation share it; 1 for a single place).';
comment on column int_runs_located.location_text is 'The place as written in the disclosure or the training-sites file.';
comment on column int_runs_located.site_source_url is 'Citation of the training-sites row (null for a disclosed place or a country).';
comment on column int_runs_located.location_rung is '1 disclosed location or data centre, 2 cloud vendor, 3 organisation''s sites, 4 organisation''s country.';

-- dim_model
comment on table dim_model is 'Mart: one row per model with its descriptive facts (organisation, release date, size, tokens, FLOPs; best-ranked source per field) and every source cited. Grain: model.';
-- columns of dim_model: as int_models_described

-- fct_training_runs
comment on table fct_training_runs is 'Mart: the final training run of each model at each bound: GPU-hours, energy, carbon, water, its inputs and how each was found (disclosed or estimation tier). Grain: model x bound (low, central, high). Units in the column names.';
-- columns of fct_training_runs: as int_runs_estimated

-- fct_model_totals
comment on table fct_model_totals is 'Mart: each model''s training, development, embodied and total footprints and its costs three ways (rental, amortised, creation), low/central/high side by side. Grain: model. Units in the column names.';
comment on column fct_model_totals.model is 'Model name as displayed (aliases resolved through raw_model_aliases).';
comment on column fct_model_totals.gpu_hours_low is 'Low end of the range: gPU-hours of the final training run, h.';
comment on column fct_model_totals.gpu_hours is 'GPU-hours of the final training run, h.';
comment on column fct_model_totals.gpu_hours_high is 'High end of the range: gPU-hours of the final training run, h.';
comment on column fct_model_totals.training_energy_mwh_low is 'Low end of the range: facility energy of the final training run, MWh.';
comment on column fct_model_totals.training_energy_mwh_high is 'High end of the range: facility energy of the final training run, MWh.';
comment on column fct_model_totals.training_co2e_t_low is 'Low end of the range: carbon of the final training run, t CO2e (location-based).';
comment on column fct_model_totals.training_co2e_t_high is 'High end of the range: carbon of the final training run, t CO2e (location-based).';
comment on column fct_model_totals.total_energy_mwh_low is 'Low end of the range: training + development energy, MWh.';
comment on column fct_model_totals.total_energy_mwh_high is 'High end of the range: training + development energy, MWh.';
comment on column fct_model_totals.total_water_kl_low is 'Low end of the range: training + development + embodied water, kL.';
comment on column fct_model_totals.total_water_kl_high is 'High end of the range: training + development + embodied water, kL.';
comment on column fct_model_totals.training_cost_usd_low is 'Low end of the range: renting the final run at the 3-year committed cloud price of its accelerator in its year, USD.';
comment on column fct_model_totals.training_cost_usd_high is 'High end of the range: renting the final run on demand, USD.';
comment on column fct_model_totals.training_energy_cost_usd_low is 'Low end of the range: electricity cost of the final run (energy part of amortised_cost_usd), USD.';
comment on column fct_model_totals.training_energy_cost_usd_high is 'High end of the range: electricity cost of the final run (energy part of amortised_cost_usd), USD.';
comment on column fct_model_totals.training_hardware_capex_usd_low is 'Low end of the range: hardware acquisition cost (accelerators, servers, network) depreciated over the run (hardware part of amortised_cost_usd), USD.';
comment on column fct_model_totals.training_hardware_capex_usd is 'Hardware acquisition cost (accelerators at their year''s list price, servers, network) depreciated over the run''s GPU-hours (hardware part of amortised_cost_usd), USD.';
comment on column fct_model_totals.training_hardware_capex_usd_high is 'High end of the range: hardware acquisition cost depreciated over the run (hardware part of amortised_cost_usd), USD.';
comment on column fct_model_totals.training_energy_mwh is 'Facility energy of the final training run, MWh.';
comment on column fct_model_totals.training_co2e_t is 'Carbon of the final training run, t CO2e (location-based).';
comment on column fct_model_totals.training_water_kl is 'Water of the final training run, kL.';
comment on column fct_model_totals.development_energy_mwh is 'Facility energy of development, MWh.';
comment on column fct_model_totals.development_co2e_t is 'Carbon of development, t CO2e.';
comment on column fct_model_totals.development_water_kl is 'Water of development, kL.';
comment on column fct_model_totals.embodied_co2e_t is 'Manufacturing carbon of the GPUs, amortised, t CO2e.';
comment on column fct_model_totals.embodied_water_kl is 'Manufacturing water of the GPUs, amortised, kL.';
comment on column fct_model_totals.training_cost_usd is 'Renting the final run: GPU-hours x the 1-year committed cloud price of its accelerator in its year (or the developer''s own price), USD.';
comment on column fct_model_totals.training_energy_cost_usd is 'Electricity cost of the final run at its site''s price (energy part of amortised_cost_usd), USD.';
comment on column fct_model_totals.total_co2e_t_low is 'Low end of the range: training + development + embodied carbon, t CO2e.';
comment on column fct_model_totals.total_co2e_t is 'Training + development + embodied carbon, t CO2e.';
comment on column fct_model_totals.total_co2e_t_high is 'High end of the range: training + development + embodied carbon, t CO2e.';
comment on column fct_model_totals.amortised_cost_usd_low is 'Low end of the range: owning the hardware for the final run, USD.';
comment on column fct_model_totals.amortised_cost_usd is 'Owning the hardware for the final run (Cottier et al. 2024): training_hardware_capex_usd + training_energy_cost_usd, USD.';
comment on column fct_model_totals.amortised_cost_usd_high is 'High end of the range: owning the hardware for the final run, USD.';
comment on column fct_model_totals.creation_cost_usd_low is 'Low end of the range: creating the frontier model (cluster, staff, power), USD.';
comment on column fct_model_totals.creation_cost_usd is 'Creating a frontier model: the cluster bought for it / creation_hardware_share (''Report on Frontier Model Training'', 2023), USD; null when the model is not frontier.';
comment on column fct_model_totals.creation_cost_usd_high is 'High end of the range: creating the frontier model (cluster, staff, power), USD.';
comment on column fct_model_totals.creation_hardware_usd is 'Part of creation_cost_usd: the cluster bought for the model (its accelerators at their year''s list price), USD.';
comment on column fct_model_totals.creation_staff_usd is 'Part of creation_cost_usd: research staff, USD.';
comment on column fct_model_totals.creation_energy_usd is 'Part of creation_cost_usd: power, USD.';
comment on column fct_model_totals.is_frontier is 'True when the training compute reaches frontier_training_flops_min (1e25 FLOP, EU AI Act Art. 51(2)): the model gets the creation cost view.';
comment on column fct_model_totals.cost_price_year is 'Year the run is priced in (its end, else release date minus publication_lag_days).';
comment on column fct_model_totals.rental_price_basis is 'Where the central rental price comes from: disclosed, price table, list price today or assumed.';
comment on column fct_model_totals.rental_usd_per_gpu_hour is 'Central rental price used, USD per accelerator-hour.';
comment on column fct_model_totals.cost_sources is 'Sources of the prices behind the costs: the rental price (price table row or disclosure) and the purchase price, '' ; ''-separated.';

-- fct_disclosure_findings
comment on table fct_disclosure_findings is 'Mart: what a developer''s own numbers imply, checked against physics, the grid and each other (implied intensity, implied power per GPU, emissions vs recomputed, contradictions, impossible values, flagged facts). Grain: model x finding x phase x field (x fact).';
comment on column fct_disclosure_findings.model is 'Model name as displayed (aliases resolved through raw_model_aliases).';
comment on column fct_disclosure_findings.phase is 'model (metadata), training (the final run) or development (everything before it).';
comment on column fct_disclosure_findings.field is 'Disclosure field (docs/data-contracts.md: gpu, gpu_hours, energy_mwh, co2e_t, ...).';
comment on column fct_disclosure_findings.finding is 'Kind of finding (implied_intensity, implied_power_per_gpu, emissions_vs_recomputed, contradiction, ...).';
comment on column fct_disclosure_findings.disclosed_value is 'The value as disclosed, in unit.';
comment on column fct_disclosure_findings.recomputed_value is 'The value recomputed from the other figures, in unit.';
comment on column fct_disclosure_findings.unit is 'Unit of the two values.';
comment on column fct_disclosure_findings.ratio is 'disclosed_value / recomputed_value.';
comment on column fct_disclosure_findings.severity is 'info, warning (implausible) or error (impossible, or two disclosures that cannot both be true).';
comment on column fct_disclosure_findings.detail is 'Explanation in words.';
comment on column fct_disclosure_findings.source_url is 'The disclosure the finding is about.';

-- fct_fact_sources
comment on table fct_fact_sources is 'Mart: the disclosed fact each field uses (low confidence never, then the best source, then the highest confidence) and where it was read, so a filing cites each figure''s own source. Grain: model x phase x field.';
-- columns of fct_fact_sources: as stg_disclosures__facts

-- dim_equivalence
comment on table dim_equivalence is 'Mart: the constants that express footprints in everyday terms, each with its unit and source (from raw_equivalences). Grain: key.';
-- columns of dim_equivalence: as stg_reference__equivalences

-- fct_runs_needing_review
comment on table fct_runs_needing_review is 'Mart: models whose final training run fails every plausibility guard at every tier it has inputs for: not estimated, not ranked. Grain: model.';
comment on column fct_runs_needing_review.model is 'Model name as displayed.';
comment on column fct_runs_needing_review.base_model is 'Base model of a fine-tune, as its source names it.';
comment on column fct_runs_needing_review.gpu_text is 'Accelerator as written.';
comment on column fct_runs_needing_review.gpu_id is 'Canonical accelerator id (slug).';
comment on column fct_runs_needing_review.gpu_count is 'Accelerators used, count.';
comment on column fct_runs_needing_review.gpu_hours is 'Disclosed GPU-hours, h.';
comment on column fct_runs_needing_review.duration_days is 'Wall-clock duration, days.';
comment on column fct_runs_needing_review.flops_used is 'Training compute the run is said to have spent, FLOP.';
comment on column fct_runs_needing_review.peak_tflops is 'Peak dense TFLOP/s at the precision used.';
comment on column fct_runs_needing_review.peak_precision_used is 'Precision whose peak was used.';
comment on column fct_runs_needing_review.largest_cluster_at_release is 'Largest AI training cluster (accelerators) operational at release.';
comment on column fct_runs_needing_review.reason is 'Each tier tried and the guard it failed, ''; ''-separated.';

-- fct_disclosure_reproduction
comment on table fct_disclosure_reproduction is 'Mart: each disclosed training energy or emissions figure beside what the estimation ladder gives from the run''s own inputs without it, and their ratio: how well published figures reproduce. Grain: model x field.';
comment on column fct_disclosure_reproduction.model is 'Model name as on the leaderboard.';
comment on column fct_disclosure_reproduction.field is 'co2e_t (location-based emissions, t CO2e) or energy_mwh (MWh).';
comment on column fct_disclosure_reproduction.disclosed is 'The figure as disclosed (t CO2e or MWh).';
comment on column fct_disclosure_reproduction.recomputed is 'What the ladder gives from the run''s own inputs without its disclosed energy and emissions: GPU-hours x power x PUE, at the located intensity for emissions (int_runs_estimated.recomputed_*).';
comment on column fct_disclosure_reproduction.ratio is 'disclosed / recomputed.';
comment on column fct_disclosure_reproduction.error_factor is 'The larger of ratio and 1 / ratio: how many times apart the two are.';
comment on column fct_disclosure_reproduction.within_2x is 'True when error_factor is at most 2.';
comment on column fct_disclosure_reproduction.shown_on_board is 'False for disclosed emissions the estimate rejected as more than 10x off the run''s own energy (int_runs_estimated.rejected_co2e_t).';
comment on column fct_disclosure_reproduction.energy_boundary is 'What the disclosure''s energy covers: it_equipment, facility or unstated (an energy_boundary fact).';
comment on column fct_disclosure_reproduction.run_scope is 'Which runs the disclosure covers: final_run, all_runs or unstated (a run_scope fact).';
comment on column fct_disclosure_reproduction.source_kinds is 'Kinds of source that disclosed the field (card, publication, hfco2, epoch, ...), comma-separated.';
comment on column fct_disclosure_reproduction.source_url is 'One URL of a source that disclosed the field (the lowest, for a stable choice).';

-- rpt_disclosure_reproduction
comment on table rpt_disclosure_reproduction is 'Report: fct_disclosure_reproduction with each model''s organisation, worst reproduction first. Grain: model x field.';
-- columns of rpt_disclosure_reproduction: as fct_disclosure_reproduction, and:
comment on column rpt_disclosure_reproduction.organization is 'Organisation that made the model (dim_model).';

-- rpt_needs_review
comment on table rpt_needs_review is 'Report: models left off the ranked board because no tier of the estimation ladder passes its plausibility guards, with who made them and why. Grain: model.';
-- columns of rpt_needs_review: as fct_runs_needing_review, and:
comment on column rpt_needs_review.organization is 'Organisation that trained the model.';
comment on column rpt_needs_review.release_date is 'Public release date.';
comment on column rpt_needs_review.sources is 'Sources of the model''s facts, '' ; ''-separated.';

-- rpt_leaderboard
comment on table rpt_leaderboard is 'Report: the leaderboard (exported as leaderboard.csv). Grain: model. Ranked by total t CO2e (training + development + embodied); every figure with its low-high range, basis (disclosed or estimated), estimation tier and sources. Units in the column names.';
-- columns of rpt_leaderboard: as fct_model_totals, and:
comment on column rpt_leaderboard.rank is 'Position by total_co2e_t, largest first.';
comment on column rpt_leaderboard.organization is 'Organisation that trained the model.';
comment on column rpt_leaderboard.release_date is 'Public release date.';
comment on column rpt_leaderboard.parameters_b is 'Total parameters, billions.';
comment on column rpt_leaderboard.gpu is 'Accelerator of the final training run (canonical name when resolved, else as written).';
comment on column rpt_leaderboard.gpu_id is 'Canonical accelerator id (slug), e.g. nvidia-h100-sxm5-80gb.';
comment on column rpt_leaderboard.gpu_count is 'Accelerators used, count.';
comment on column rpt_leaderboard.grid_zone is 'Zone whose intensity was used (null when the place is unknown).';
comment on column rpt_leaderboard.location is 'Place of training as the source wrote it.';
comment on column rpt_leaderboard.carbon_intensity_kg_per_kwh is 'Intensity of the training run, kg CO2e/kWh (implied by disclosed emissions / energy when disclosed).';
comment on column rpt_leaderboard.carbon_intensity_granularity is 'hourly, monthly, annual, disclosed or assumed (world average).';
comment on column rpt_leaderboard.carbon_intensity_coverage_share is 'Share of the run''s window covered by the hourly or monthly series, ratio.';
comment on column rpt_leaderboard.carbon_intensity_source is 'Where the intensity comes from: the rung of the location ladder (disclosed location, training data centre, cloud vendor, organisation''s training sites, organisation''s country, world average) with the zone(s), dataset and year; or the disclosure it was taken from.';
comment on column rpt_leaderboard.location_rung is 'Rung of the location ladder used: 1 disclosed location or named data centre, 2 cloud vendor''s regions, 3 organisation''s known training sites, 4 organisation''s country, 5 world average.';
comment on column rpt_leaderboard.recomputed_training_energy_mwh is 'Training energy the estimation ladder gives from the run''s own inputs (GPU-hours, power, PUE) without its disclosed energy or emissions, MWh; beside a disclosed figure, the gap is a finding.';
comment on column rpt_leaderboard.recomputed_training_co2e_t is 'recomputed_training_energy_mwh x the run''s disclosed intensity, else the intensity of its place by the location ladder, t CO2e (what the ladder would give without the disclosed energy and emissions).';
comment on column rpt_leaderboard.compute_confidence is 'How well the compute behind the estimate is known: disclosed (tiers 1-4 rest on disclosed emissions, energy, GPU-hours or count x duration), else Epoch AI''s confidence in its training-compute estimate (Confident, Likely, Speculative), or unknown.';
comment on column rpt_leaderboard.pue is 'Power usage effectiveness: facility energy / IT energy (ratio, >= 1).';
comment on column rpt_leaderboard.total_energy_mwh is 'Training + development energy, MWh.';
comment on column rpt_leaderboard.total_water_kl is 'Training + development + embodied water, kL.';
comment on column rpt_leaderboard.disclosed_training_co2e_t is 'Training emissions as disclosed, location-based, t CO2e.';
comment on column rpt_leaderboard.disclosed_training_co2e_market_t is 'Training emissions as disclosed, market-based, t CO2e.';
comment on column rpt_leaderboard.training_co2e_basis is 'disclosed or estimated.';
comment on column rpt_leaderboard.estimation_tier is 'Estimation ladder step: 1 disclosed emissions, 2 disclosed energy x intensity, 3 disclosed GPU-hours x power x PUE x intensity, 4 GPU count x duration then as 3, 5 training FLOPs / (peak x MFU) then as 3.';
comment on column rpt_leaderboard.gpu_hours_basis is 'How GPU-hours were obtained.';
comment on column rpt_leaderboard.peak_precision_used is 'Precision whose peak FLOP/s was used (tier 5).';
comment on column rpt_leaderboard.power_source is 'Where the power per GPU comes from.';
comment on column rpt_leaderboard.conflicting_fields is 'Fields on which sources disagree for this model and phase (the better-ranked source is used).';
comment on column rpt_leaderboard.sources is 'Sources of the row''s figures: '' ; ''-separated URLs and citations.';
-- inference (issue 18)
comment on column rpt_leaderboard.domain is 'What the model is for, as Epoch AI lists it (''; ''-separated: Language, Vision, Multimodal, ...).';
comment on column rpt_leaderboard.active_parameters_b is 'Parameters active per token, billions (the total for a dense model).';
comment on column rpt_leaderboard.inference_basis is 'measured (an ML.ENERGY configuration on the serving GPU at the reference batch) or estimated (tasks/model/inference.py).';
comment on column rpt_leaderboard.inference_source is 'The dataset and configuration measured, or the estimator with its leave-one-model-out error.';
comment on column rpt_leaderboard.request_tokens_in is 'Input tokens of the stated request (assumption inference_request_tokens_in); their prefill is inside the per-output-token energy.';
comment on column rpt_leaderboard.request_tokens_out is 'Output tokens of the stated request (assumption inference_request_tokens_out).';
comment on column rpt_leaderboard.inference_j_per_output_token is 'GPU energy per output token at the serving set-up, J.';
comment on column rpt_leaderboard.inference_j_per_output_token_low is 'Low end: the lowest of the model''s measured configurations at the reference batch, or the estimator''s 90% prediction interval, J.';
comment on column rpt_leaderboard.inference_j_per_output_token_high is 'High end of inference_j_per_output_token (as _low), J.';
comment on column rpt_leaderboard.inference_wh_per_1k_requests is 'Facility energy of 1,000 requests: J per output token x output tokens x PUE, Wh.';
comment on column rpt_leaderboard.inference_wh_per_1k_requests_low is 'Low end (low energy per token, low PUE), Wh.';
comment on column rpt_leaderboard.inference_wh_per_1k_requests_high is 'High end (high energy per token, high PUE), Wh.';
comment on column rpt_leaderboard.inference_co2e_g_per_1k_requests is 'Operational carbon of 1,000 requests at the developer''s country grid (latest annual value), else the world average, g CO2e.';
comment on column rpt_leaderboard.inference_co2e_g_per_1k_requests_low is 'Low end (low energy, low intensity), g CO2e.';
comment on column rpt_leaderboard.inference_co2e_g_per_1k_requests_high is 'High end (high energy, high intensity), g CO2e.';
comment on column rpt_leaderboard.inference_water_l_per_1k_requests is 'Operational water of 1,000 requests (WUE on-site + off-site), L.';
comment on column rpt_leaderboard.inference_water_l_per_1k_requests_low is 'Low end (low energy, low WUE), L.';
comment on column rpt_leaderboard.inference_water_l_per_1k_requests_high is 'High end (high energy, high WUE), L.';
comment on column rpt_leaderboard.serving_gpu is 'Accelerator the figures assume (the reference serving GPU).';
comment on column rpt_leaderboard.serving_gpu_count is 'Accelerators per model replica: the measured configuration''s, or as many as hold the weights at the serving precision x memory overhead (a power of two).';
comment on column rpt_leaderboard.serving_precision is 'Weight precision served (bf16, fp8, mxfp4).';
comment on column rpt_leaderboard.breakeven_requests is 'Requests after which serving has emitted the training run''s CO2e (training_co2e_t / CO2e per request); null without a training estimate.';
comment on column rpt_leaderboard.breakeven_requests_creation is 'Requests after which serving has emitted the whole creation''s CO2e (training + development + embodied).';

-- rpt_disclosure_audit
comment on table rpt_disclosure_audit is 'Report: the disclosure audit (exported as disclosure_audit.csv), each finding of fct_disclosure_findings with its disclosed / recomputed ratio. Grain: model x phase x field x finding: what a developer''s own numbers imply, checked against physics, the grid and each other (implied intensity, implied power per GPU, emissions vs recomputed, contradictions).';
-- columns of rpt_disclosure_audit: as fct_disclosure_findings

-- rpt_equivalences
comment on table rpt_equivalences is 'Report: each leaderboard model''s total footprint in everyday terms (car lifetimes, diesel litres, car km, years of a person''s or home''s electricity, years of drinking water), with constants from raw_equivalences. Grain: model.';
comment on column rpt_equivalences.rank is 'Leaderboard rank.';
comment on column rpt_equivalences.model is 'Model name as displayed (aliases resolved through raw_model_aliases).';
comment on column rpt_equivalences.total_co2e_t is 'Total carbon, t CO2e.';
comment on column rpt_equivalences.car_lifetimes is 'Total carbon / an average car''s lifetime emissions incl. fuel (count).';
comment on column rpt_equivalences.car_lifetimes_low is 'Low end of the range: total carbon / an average car''s lifetime emissions incl. fuel (count).';
comment on column rpt_equivalences.car_lifetimes_high is 'High end of the range: total carbon / an average car''s lifetime emissions incl. fuel (count).';
comment on column rpt_equivalences.diesel_litres is 'Litres of diesel whose burning emits the total carbon, L.';
comment on column rpt_equivalences.car_km is 'Km driven by a typical passenger car for the same carbon, km.';
comment on column rpt_equivalences.total_energy_mwh is 'Training + development energy, MWh.';
comment on column rpt_equivalences.french_person_electricity_years is 'Years of a French person''s electricity use, years.';
comment on column rpt_equivalences.us_home_electricity_years is 'Years of a US home''s electricity use, years.';
comment on column rpt_equivalences.total_water_kl is 'Total water, kL.';
comment on column rpt_equivalences.person_drinking_water_years is 'Years of one person''s drinking water (2 L a day), years.';

-- stg_grid__intensity_annual
comment on view stg_grid__intensity_annual is 'Staging view: raw_grid_intensity_annual in kg CO2e/kWh. Grain: source x zone_key x year x basis.';
comment on column stg_grid__intensity_annual.zone_key is 'Grid zone: ISO 3166-1 alpha-2 country (FR) or Electricity Maps zone key (US-CAL-CISO).';
comment on column stg_grid__intensity_annual.year is 'Calendar year the value covers.';
comment on column stg_grid__intensity_annual.carbon_intensity_kg_per_kwh is 'Carbon intensity of electricity, kg CO2e per kWh (= t per MWh).';
comment on column stg_grid__intensity_annual.basis is 'What the intensity counts: lifecycle or direct (combustion) emissions; unknown when the source does not say; marginal for marginal-emission series.';
comment on column stg_grid__intensity_annual.source is 'Short id of the source (ember_owid, electricitymaps_co2js, mlco2_em_2021, ...) or a citation.';
comment on column stg_grid__intensity_annual.source_url is 'URL of the upstream file, page or card the row comes from.';

-- stg_grid__intensity_monthly
comment on view stg_grid__intensity_monthly is 'Staging view: raw_grid_intensity_monthly in kg CO2e/kWh with the month''s UTC bounds. Grain: source x zone_key x year x month x basis.';
comment on column stg_grid__intensity_monthly.zone_key is 'Grid zone: ISO 3166-1 alpha-2 country (FR) or Electricity Maps zone key (US-CAL-CISO).';
comment on column stg_grid__intensity_monthly.year is 'Calendar year the value covers.';
comment on column stg_grid__intensity_monthly.month is 'Calendar month (1-12) the value covers.';
comment on column stg_grid__intensity_monthly.month_start_utc is 'First instant of the month, UTC.';
comment on column stg_grid__intensity_monthly.month_end_utc is 'First instant of the next month, UTC (exclusive).';
comment on column stg_grid__intensity_monthly.carbon_intensity_kg_per_kwh is 'Carbon intensity of electricity, kg CO2e per kWh (= t per MWh).';
comment on column stg_grid__intensity_monthly.basis is 'What the intensity counts: lifecycle or direct (combustion) emissions; unknown when the source does not say; marginal for marginal-emission series.';
comment on column stg_grid__intensity_monthly.source is 'Short id of the source (ember_owid, electricitymaps_co2js, mlco2_em_2021, ...) or a citation.';
comment on column stg_grid__intensity_monthly.source_url is 'URL of the upstream file, page or card the row comes from.';

-- stg_grid__intensity_hourly
comment on view stg_grid__intensity_hourly is 'Staging view: raw_grid_intensity_hourly in kg CO2e/kWh with each interval''s end. Grain: zone_key x ts_utc x source.';
comment on column stg_grid__intensity_hourly.zone_key is 'Grid zone: ISO 3166-1 alpha-2 country (FR) or Electricity Maps zone key (US-CAL-CISO).';
comment on column stg_grid__intensity_hourly.ts_utc is 'Start of the interval, UTC.';
comment on column stg_grid__intensity_hourly.ts_end_utc is 'End of the interval, UTC (exclusive).';
comment on column stg_grid__intensity_hourly.period_minutes is 'Interval length, minutes.';
comment on column stg_grid__intensity_hourly.carbon_intensity_kg_per_kwh is 'Carbon intensity of electricity, kg CO2e per kWh (= t per MWh).';
comment on column stg_grid__intensity_hourly.basis is 'What the intensity counts: lifecycle or direct (combustion) emissions; unknown when the source does not say; marginal for marginal-emission series.';
comment on column stg_grid__intensity_hourly.source is 'Short id of the source (ember_owid, electricitymaps_co2js, mlco2_em_2021, ...) or a citation.';
comment on column stg_grid__intensity_hourly.source_url is 'URL of the upstream file, page or card the row comes from.';

-- stg_grid__zones
comment on view stg_grid__zones is 'Staging view: grid zones. Grain: zone_key.';
comment on column stg_grid__zones.zone_key is 'Grid zone: ISO 3166-1 alpha-2 country (FR) or Electricity Maps zone key (US-CAL-CISO).';
comment on column stg_grid__zones.zone_name is 'Display name of the zone.';
comment on column stg_grid__zones.zone_type is 'country, subzone (part of a country''s grid) or world.';
comment on column stg_grid__zones.country_iso2 is 'ISO 3166-1 alpha-2 code of the country (for a sub-zone, the country it lies in).';
comment on column stg_grid__zones.country_iso3 is 'ISO 3166-1 alpha-3 code of the country.';
comment on column stg_grid__zones.source is 'Short id of the source (ember_owid, electricitymaps_co2js, mlco2_em_2021, ...) or a citation.';

-- stg_grid__cloud_regions
comment on view stg_grid__cloud_regions is 'Staging view: cloud regions. Grain: provider x region.';
comment on column stg_grid__cloud_regions.provider is 'Cloud provider: aws, gcp, azure, ...';
comment on column stg_grid__cloud_regions.region is 'Cloud region id as the provider writes it (us-west-2, us-central1, westus2).';
comment on column stg_grid__cloud_regions.region_name is 'Region name as the provider displays it (free text).';
comment on column stg_grid__cloud_regions.zone_key is 'Grid zone the region draws from.';
comment on column stg_grid__cloud_regions.country_iso2 is 'ISO 3166-1 alpha-2 code of the country (for a sub-zone, the country it lies in).';
comment on column stg_grid__cloud_regions.pue is 'Power usage effectiveness: facility energy / IT energy (ratio, >= 1).';
comment on column stg_grid__cloud_regions.source is 'Short id of the source (ember_owid, electricitymaps_co2js, mlco2_em_2021, ...) or a citation.';

-- stg_gpus__largest_clusters
comment on view stg_gpus__largest_clusters is 'Staging view: the largest known AI cluster operational at each date (a step function; the row with the latest as_of_date on or before a date gives the most accelerators a run could have used then). Grain: as_of_date.';
comment on column stg_gpus__largest_clusters.as_of_date is 'Date from which this cluster was the largest known AI cluster in operation (its first operational date).';
comment on column stg_gpus__largest_clusters.accelerators is 'Accelerators (GPUs, TPUs, other AI chips, any vendor) in that cluster: the most any training run could have used from this date until the next row.';
comment on column stg_gpus__largest_clusters.accelerator_kind is 'Chip type(s) of the cluster, as the source names them.';
comment on column stg_gpus__largest_clusters.cluster is 'Name of the cluster.';
comment on column stg_gpus__largest_clusters.source is 'Citation of the row: dataset, row and figures, or the list it comes from.';

-- stg_grid__electricity_prices
comment on view stg_grid__electricity_prices is 'Staging view: average industrial electricity price by country and year (raw_electricity_prices). Grain: country x year.';
comment on column stg_grid__electricity_prices.country is 'Country, ISO 3166-1 alpha-2 (the first part of a zone key).';
comment on column stg_grid__electricity_prices.year is 'Year of the average; the row serves from this year until the country''s next row.';
comment on column stg_grid__electricity_prices.usd_per_kwh is 'Average price of electricity to industrial customers, USD per kWh.';
comment on column stg_grid__electricity_prices.source is 'Citation of the row: the statistics and where they were read.';

-- stg_gpus__cloud_prices
comment on view stg_gpus__cloud_prices is 'Staging view: cloud rental prices of accelerator families by year (raw_cloud_prices). Grain: accelerator x year.';
comment on column stg_gpus__cloud_prices.accelerator is 'Accelerator family (NVIDIA H100 SXM, Google TPU v4, ...).';
comment on column stg_gpus__cloud_prices.gpu_id_pattern is 'Regular expression matched in full against gpu_id: the canonical accelerators the family''s prices apply to.';
comment on column stg_gpus__cloud_prices.year is 'Year of the quotes; the row serves from this year until the family''s next row.';
comment on column stg_gpus__cloud_prices.vendor is 'Cloud whose price the row gives: the cheapest on-demand quote found for the family that year.';
comment on column stg_gpus__cloud_prices.on_demand_usd_per_hour is 'That cloud''s on-demand price, USD per accelerator-hour (the high end of the rental view).';
comment on column stg_gpus__cloud_prices.committed_1y_usd_per_hour is 'That cloud''s 1-year committed (reserved) price, USD per accelerator-hour, where it lists one (else on-demand x (1 - cloud_commit_discount central)).';
comment on column stg_gpus__cloud_prices.committed_3y_usd_per_hour is 'That cloud''s 3-year committed price, USD per accelerator-hour, where it lists one (else on-demand x (1 - cloud_commit_discount high)).';
comment on column stg_gpus__cloud_prices.source is 'Citation of the row: Epoch AI''s hardware price database row and its page, or the publication quoting the price.';

-- stg_gpus__purchase_prices
comment on view stg_gpus__purchase_prices is 'Staging view: purchase prices of one accelerator by family and year (raw_purchase_prices). Grain: accelerator x year.';
comment on column stg_gpus__purchase_prices.accelerator is 'Accelerator family (NVIDIA H100 SXM, Google TPU v4, ...).';
comment on column stg_gpus__purchase_prices.gpu_id_pattern is 'Regular expression matched in full against gpu_id: the canonical accelerators the family''s prices apply to.';
comment on column stg_gpus__purchase_prices.year is 'Year of the quote; the row serves from this year until the family''s next row.';
comment on column stg_gpus__purchase_prices.price_usd is 'List price of one accelerator (the chip, or its share of an 8-GPU baseboard; TPUs: Epoch AI''s equivalent price), USD.';
comment on column stg_gpus__purchase_prices.source is 'Citation of the row: Epoch AI''s hardware price database row and its page.';

-- stg_gpus__specs
comment on view stg_gpus__specs is 'Staging view: accelerator specifications. Grain: gpu_id.';
comment on column stg_gpus__specs.gpu_id is 'Canonical accelerator id (slug), e.g. nvidia-h100-sxm5-80gb.';
comment on column stg_gpus__specs.name is 'Display name of the accelerator.';
comment on column stg_gpus__specs.manufacturer is 'Manufacturer of the accelerator.';
comment on column stg_gpus__specs.kind is 'gpu, tpu or accelerator.';
comment on column stg_gpus__specs.is_training_accelerator is 'True for curated data-centre training parts, false for catalogue entries.';
comment on column stg_gpus__specs.release_date is 'Public release date.';
comment on column stg_gpus__specs.tdp_w is 'Thermal design power of the board or chip, W.';
comment on column stg_gpus__specs.tdp_w_low is 'Low end of the TDP range, W: the lowest TDP among the variants a name without form factor may mean (bare V100: PCIe 250 W), or the low end its source gives; else equal to tdp_w.';
comment on column stg_gpus__specs.tdp_w_high is 'High end of the TDP range, W: the highest TDP among the variants a name without form factor may mean (bare V100: SXM2 300 W), or the high end its source gives; else equal to tdp_w.';
comment on column stg_gpus__specs.memory_gb is 'Memory, GB.';
comment on column stg_gpus__specs.memory_bandwidth_gb_s is 'Memory bandwidth, GB/s.';
comment on column stg_gpus__specs.peak_fp64_tflops is 'Peak dense FP64 throughput, TFLOP/s (no sparsity).';
comment on column stg_gpus__specs.peak_fp32_tflops is 'Peak dense FP32 throughput, TFLOP/s (no sparsity).';
comment on column stg_gpus__specs.peak_tf32_tflops is 'Peak dense TF32 throughput, TFLOP/s (no sparsity).';
comment on column stg_gpus__specs.peak_bf16_tflops is 'Peak dense BF16 throughput, TFLOP/s (no sparsity).';
comment on column stg_gpus__specs.peak_fp8_tflops is 'Peak dense FP8 throughput, TFLOP/s (no sparsity).';
comment on column stg_gpus__specs.die_area_mm2 is 'Die area, mm2.';
comment on column stg_gpus__specs.embodied_co2e_kg_low is 'Low end of the range: manufacturing carbon per unit incl. its share of the server, kg CO2e.';
comment on column stg_gpus__specs.embodied_co2e_kg_central is 'Manufacturing carbon per unit incl. its share of the server, kg CO2e (central).';
comment on column stg_gpus__specs.embodied_co2e_kg_high is 'High end of the range: manufacturing carbon per unit incl. its share of the server, kg CO2e.';
comment on column stg_gpus__specs.embodied_water_l is 'Manufacturing water per unit, L.';
comment on column stg_gpus__specs.price_usd is 'List or launch price per unit, USD.';
comment on column stg_gpus__specs.rental_usd_per_gpu_hour_low is 'Low end of the range: cloud rental price per device-hour, USD.';
comment on column stg_gpus__specs.rental_usd_per_gpu_hour_central is 'Cloud rental price per device-hour, USD (central).';
comment on column stg_gpus__specs.rental_usd_per_gpu_hour_high is 'High end of the range: cloud rental price per device-hour, USD.';
comment on column stg_gpus__specs.specs_source is 'URL or citation of the specification figures.';
comment on column stg_gpus__specs.embodied_source is 'URL or citation of the embodied carbon and water figures.';
comment on column stg_gpus__specs.price_source is 'URL or citation of the prices.';

-- stg_disclosures__facts
comment on view stg_disclosures__facts is 'Staging view: disclosed facts with model aliases resolved, numbers parsed and sources ranked. Grain: as raw_model_disclosures.';
comment on column stg_disclosures__facts.model is 'Model name as displayed (aliases resolved through raw_model_aliases).';
comment on column stg_disclosures__facts.model_as_written is 'Model name as the source wrote it.';
comment on column stg_disclosures__facts.phase is 'model (metadata), training (the final run) or development (everything before it).';
comment on column stg_disclosures__facts.field is 'Disclosure field (docs/data-contracts.md: gpu, gpu_hours, energy_mwh, co2e_t, ...).';
comment on column stg_disclosures__facts.value is 'The value as text, normalised to the field''s unit (ISO date for dates).';
comment on column stg_disclosures__facts.value_num is 'value as a number (null for text and dates).';
comment on column stg_disclosures__facts.unit is 'Unit of the value (empty for text).';
comment on column stg_disclosures__facts.source_kind is 'card (developer''s card, parsed), publication (a developer''s paper, report or card, curated by hand), user (a user''s own file), epoch, hfco2 (Hugging Face co2_eq_emissions) or codecarbon (a measured run).';
comment on column stg_disclosures__facts.source_url is 'URL of the upstream file, page or card the row comes from.';
comment on column stg_disclosures__facts.source_locator is 'Where in the source: line, table row and column, or file:row.';
comment on column stg_disclosures__facts.raw_text is 'The figure as written in the source, at most 200 characters.';
comment on column stg_disclosures__facts.confidence is 'high (a field meant for it), medium (prose or inferred unit) or low (suspect; never drives an estimate).';
comment on column stg_disclosures__facts.note is 'Anything a reader needs: contradictions, unit corrections, assumptions.';
comment on column stg_disclosures__facts.source_rank is 'Rank of the source kind (1 = best: the developer''s card).';
comment on column stg_disclosures__facts.confidence_rank is 'Rank of the confidence (1 = high).';
comment on column stg_disclosures__facts.batch_scope is 'The load scope the fact landed in (raw _batch_scope: snapshot:<file>, user:<folder>, ...).';
comment on column stg_disclosures__facts.user_card_apart is 'True for a user''s fact about a model its developer discloses (card or publication): shown apart, as model ''<model> (user card)'', never overriding the developer.';

-- stg_assumptions__coefficients
comment on view stg_assumptions__coefficients is 'Staging view: the footprint model''s coefficients. Grain: key.';
comment on column stg_assumptions__coefficients.key is 'Coefficient id (pue, mfu, dev_ratio, ...).';
comment on column stg_assumptions__coefficients.low is 'Low end of the plausible range.';
comment on column stg_assumptions__coefficients.central is 'Central value used by the estimate.';
comment on column stg_assumptions__coefficients.high is 'High end of the plausible range.';
comment on column stg_assumptions__coefficients.unit is 'Unit of low, central and high.';
comment on column stg_assumptions__coefficients.source is 'Citation of the value.';
comment on column stg_assumptions__coefficients.note is 'Anything a reader needs: contradictions, unit corrections, assumptions.';

-- stg_reference__equivalences
comment on view stg_reference__equivalences is 'Staging view: equivalence constants. Grain: key.';
comment on column stg_reference__equivalences.key is 'Equivalence constant id.';
comment on column stg_reference__equivalences.value is 'The constant, in unit.';
comment on column stg_reference__equivalences.unit is 'Unit of value.';
comment on column stg_reference__equivalences.source is 'Citation.';
comment on column stg_reference__equivalences.note is 'Anything a reader needs: contradictions, unit corrections, assumptions.';

-- stg_locations__training_sites
comment on table stg_locations__training_sites is 'Staging: where organisations (and cloud vendors) train, from the curated training_sites.csv, a citation per row. Grain: organization x cloud_vendor x location.';
comment on column stg_locations__training_sites.organization is 'Organisation as Epoch spells it (null for a cloud vendor''s own regions).';
comment on column stg_locations__training_sites.cloud_vendor is 'Cloud vendor the row is about (null for an organisation''s own sites).';
comment on column stg_locations__training_sites.location_text is 'The site as written (a place the location resolver turns into a grid zone).';
comment on column stg_locations__training_sites.share is 'Share of the organisation''s (or vendor''s) training assumed at this site (equal shares unless a source weights them).';
comment on column stg_locations__training_sites.valid_from is 'First date the site is known to train models (null: always).';
comment on column stg_locations__training_sites.valid_to is 'Last date the site is known to train models (null: still).';
comment on column stg_locations__training_sites.source_url is 'Citation of the row (URL).';
comment on column stg_locations__training_sites.note is 'How the row was read from its source.';

-- int_training_sites
comment on table int_training_sites is 'Intermediate: the training sites with the grid zone each resolves to. Grain: organization x cloud_vendor x location.';
-- columns of int_training_sites: as stg_locations__training_sites, and:
comment on column int_training_sites.zone_key is 'Grid zone the site resolved to (null when it does not resolve).';

-- stg_models__organizations
comment on table stg_models__organizations is 'Staging: the curated organisation table (organizations.csv): Hub and GitHub owners, un-namespaced Hub model ids and spelling variants mapped to one organisation name, each with its source. Grain: kind x key.';
comment on column stg_models__organizations.kind is 'hub_owner, github_owner, model_id or spelling.';
comment on column stg_models__organizations.key is 'The owner, model id or spelling as written.';
comment on column stg_models__organizations.key_lower is 'key in lower case (the join key).';
comment on column stg_models__organizations.organization is 'Organisation display name.';
comment on column stg_models__organizations.source is 'Citation of the mapping (URL).';

-- fct_notable_models
comment on table fct_notable_models is 'Mart: every model on an Epoch AI list (Notable or Large-Scale AI Models) with where it stands, which footprint inputs any source discloses for it (low-confidence facts aside) and, when no tier of the estimation ladder can be reached, what is missing. Grain: model.';
comment on column fct_notable_models.model is 'Model name as displayed (aliases resolved through raw_model_aliases).';
comment on column fct_notable_models.organization is 'Organisation that trained the model (several joined by ''; '').';
comment on column fct_notable_models.release_date is 'Public release date.';
comment on column fct_notable_models.epoch_lists is 'The Epoch AI lists the model is on: notable, large-scale, or both (''large-scale; notable'').';
comment on column fct_notable_models.notability_criteria is 'Why Epoch AI counts the model notable (its Notability criteria; several joined by ''; '').';
comment on column fct_notable_models.frontier_model is 'True when Epoch AI marks the model as a frontier model.';
comment on column fct_notable_models.training_flops is 'Training compute on file, FLOP (for a fine-tune, its base model''s pre-training included).';
comment on column fct_notable_models.compute_confidence is 'Epoch AI''s confidence in its training-compute estimate (Confident, Likely, Speculative), as written.';
comment on column fct_notable_models.status is 'on the board (ranked in rpt_leaderboard), needs review (inputs fail every plausibility guard: rpt_needs_review) or not estimable (no tier reachable: rpt_not_estimable).';
comment on column fct_notable_models.discloses_energy is 'A source gives the energy of its final training or development run (energy_mwh).';
comment on column fct_notable_models.discloses_gpu_hours is 'A source gives its GPU-hours, or a GPU count and a duration (which multiply to them).';
comment on column fct_notable_models.discloses_hardware is 'A source names its training accelerator.';
comment on column fct_notable_models.discloses_location is 'A source names where it trained (a place or data centre; a cloud vendor alone is not a place).';
comment on column fct_notable_models.discloses_emissions is 'A source gives the emissions of its final training or development run (co2e_t).';
comment on column fct_notable_models.missing is 'For a model no tier can reach: what the estimation ladder needs and it lacks (training compute, or a fine-tune''s own; hardware; GPU-hours), and a hardware name the GPU catalogue does not know; null otherwise.';

-- rpt_not_estimable
comment on table rpt_not_estimable is 'Report: every model on an Epoch AI list that no tier of the estimation ladder can reach (neither ranked nor in review), with what is missing; newest first. Exported as not_estimable.csv. Grain: model.';
comment on column rpt_not_estimable.model is 'Model name as displayed (Epoch AI''s, aliases resolved through raw_model_aliases).';
comment on column rpt_not_estimable.organization is 'Organisation that trained the model (several joined by ''; '').';
comment on column rpt_not_estimable.release_date is 'Public release date.';
comment on column rpt_not_estimable.missing is 'What the estimation ladder needs and the model lacks: training compute (a fine-tune''s own), hardware, GPU-hours (disclosed, or count x duration); and a hardware name the GPU catalogue does not know.';
comment on column rpt_not_estimable.training_flops is 'Training compute on file, FLOP (for a fine-tune, its base model''s pre-training included).';
comment on column rpt_not_estimable.compute_confidence is 'Epoch AI''s confidence in its training-compute estimate (Confident, Likely, Speculative), as written.';
comment on column rpt_not_estimable.epoch_lists is 'The Epoch AI lists the model is on: notable, large-scale, or both (''large-scale; notable'').';
comment on column rpt_not_estimable.notability_criteria is 'Why Epoch AI counts the model notable (its Notability criteria; several joined by ''; '').';
comment on column rpt_not_estimable.frontier_model is 'True when Epoch AI marks the model as a frontier model.';
comment on column rpt_not_estimable.sources is 'Sources of the model''s facts: '' ; ''-separated URLs and citations.';

-- rpt_disclosure_scorecard
comment on table rpt_disclosure_scorecard is 'Report: per organisation, how many of its models on an Epoch AI list disclose energy, GPU-hours, hardware, location and emissions (count and share), beside how many are ranked, in review or not estimable: the transparency gap. A model of several organisations counts for each. Exported as disclosure_scorecard.csv. Grain: organization.';
comment on column rpt_disclosure_scorecard.organization is 'Organisation as on the leaderboard (one of a collaboration''s; ''unknown'' when none is on file).';
comment on column rpt_disclosure_scorecard.notable_models is 'Its models on an Epoch AI list (Notable or Large-Scale AI Models).';
comment on column rpt_disclosure_scorecard.on_board is 'Of those, models ranked on the leaderboard.';
comment on column rpt_disclosure_scorecard.needs_review is 'Of those, models whose inputs fail every plausibility guard (rpt_needs_review).';
comment on column rpt_disclosure_scorecard.not_estimable is 'Of those, models no tier of the estimation ladder can reach (rpt_not_estimable).';
comment on column rpt_disclosure_scorecard.energy_models is 'Of those, models for which a source gives the training or development energy.';
comment on column rpt_disclosure_scorecard.energy_share is 'energy_models / notable_models (0-1).';
comment on column rpt_disclosure_scorecard.gpu_hours_models is 'Of those, models for which a source gives GPU-hours, or a GPU count and a duration.';
comment on column rpt_disclosure_scorecard.gpu_hours_share is 'gpu_hours_models / notable_models (0-1).';
comment on column rpt_disclosure_scorecard.hardware_models is 'Of those, models for which a source names the training accelerator.';
comment on column rpt_disclosure_scorecard.hardware_share is 'hardware_models / notable_models (0-1).';
comment on column rpt_disclosure_scorecard.location_models is 'Of those, models for which a source names where it trained.';
comment on column rpt_disclosure_scorecard.location_share is 'location_models / notable_models (0-1).';
comment on column rpt_disclosure_scorecard.emissions_models is 'Of those, models for which a source gives the training or development emissions.';
comment on column rpt_disclosure_scorecard.emissions_share is 'emissions_models / notable_models (0-1).';
-- raw_inference_measurements
comment on table raw_inference_measurements is 'Raw: measured inference energy, one row per benchmark configuration: ML.ENERGY Leaderboard v3 / v2 / v1 and the AI Energy Score (snapshot inference/*.csv, or live). Grain: source x task x model_id x gpu x configuration.';
comment on column raw_inference_measurements.source is 'Benchmark: mlenergy_v3, mlenergy_v2, mlenergy_v1 (ML.ENERGY Leaderboard rounds) or aienergyscore (Hugging Face AI Energy Score).';
comment on column raw_inference_measurements.task is 'The benchmark''s task (lm-arena-chat, gpqa, sourcegraph-fim, chat, code, text-to-image, text_generation, ...).';
comment on column raw_inference_measurements.model_id is 'Model as the benchmark names it (usually its Hugging Face id).';
comment on column raw_inference_measurements.gpu is 'Accelerator as the benchmark names it (H100, B200, A100-SXM4-40GB, H100 80GB, A40, V100).';
comment on column raw_inference_measurements.configuration is 'The configuration measured: GPU count, parallelism and batch limit (v3), the file name (v2), or as published.';
comment on column raw_inference_measurements.nickname is 'The benchmark''s display name for the model.';
comment on column raw_inference_measurements.architecture is 'Dense Transformer or MoE, as the benchmark states it.';
comment on column raw_inference_measurements.weight_precision is 'Weight precision served (bfloat16, fp8, mxfp4); null when the benchmark does not say.';
comment on column raw_inference_measurements.total_params_b is 'Total parameters, billions, as the benchmark states.';
comment on column raw_inference_measurements.active_params_b is 'Parameters active per token, billions (v3; a mixture of experts has fewer than its total).';
comment on column raw_inference_measurements.gpu_count is 'Accelerators serving one replica, count.';
comment on column raw_inference_measurements.max_batch_size is 'Most requests decoded together (vLLM max_num_seqs, v2 Max BS; diffusion batch size).';
comment on column raw_inference_measurements.avg_batch_size is 'Requests decoded together on average over the run.';
comment on column raw_inference_measurements.energy_per_request_j is 'GPU energy per request (a response, an image or a video; AI Energy Score: per query), J.';
comment on column raw_inference_measurements.energy_per_output_token_j is 'GPU energy per output token (request energy over output tokens, prefill included), J.';
comment on column raw_inference_measurements.avg_output_tokens is 'Mean output tokens per request.';
comment on column raw_inference_measurements.avg_power_w is 'Mean GPU power over the run, W (v3).';
comment on column raw_inference_measurements.output_tokens_per_s is 'Output tokens per second over all requests.';
comment on column raw_inference_measurements.energy_score is 'AI Energy Score stars, 1 (most energy) to 5, relative within the task.';
comment on column raw_inference_measurements.size_class is 'AI Energy Score model-size class (A, B, C) of text generation.';
comment on column raw_inference_measurements.source_url is 'URL of the upstream file the row comes from.';
comment on column raw_inference_measurements._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_inference_measurements._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_inference_measurements._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_inference_measurements._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_inference_measurements._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_inference_measurements._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- raw_model_parameters
comment on table raw_model_parameters is 'Raw: parameter counts of provider and Hub models, total and active (EcoLogits models.json; snapshot inference/ecologits_models.csv). Grain: source x provider x model_id.';
comment on column raw_model_parameters.source is 'Source of the counts (ecologits).';
comment on column raw_model_parameters.provider is 'EcoLogits provider (openai, anthropic, mistralai, huggingface_hub, ...).';
comment on column raw_model_parameters.model_id is 'Model as the provider''s API or the Hub names it.';
comment on column raw_model_parameters.architecture is 'dense or moe.';
comment on column raw_model_parameters.total_params_b_low is 'Total parameters, billions, low end (equal to high for an exact count).';
comment on column raw_model_parameters.total_params_b_high is 'Total parameters, billions, high end.';
comment on column raw_model_parameters.active_params_b_low is 'Parameters active per token, billions, low end.';
comment on column raw_model_parameters.active_params_b_high is 'Parameters active per token, billions, high end.';
comment on column raw_model_parameters.warnings is 'EcoLogits warnings: model-arch-not-released (a range EcoLogits estimated), model-arch-multimodal.';
comment on column raw_model_parameters.source_url is 'Where EcoLogits took the count from (its first cited source).';
comment on column raw_model_parameters._batch_scope is 'Batch the row belongs to; rows of a scope missing from that scope''s next batch are deleted.';
comment on column raw_model_parameters._source_url is 'File or URL of the payload the row came from (never with credentials).';
comment on column raw_model_parameters._source_sha256 is 'SHA-256 of that payload; the raw copy is under raw/<source>/<sha256> (meta_raw_manifest).';
comment on column raw_model_parameters._row_hash is 'Hash of the row''s business columns: an unchanged hash means an unchanged row on the next load.';
comment on column raw_model_parameters._load_id is 'Load that last inserted or changed the row (meta_load_log.load_id).';
comment on column raw_model_parameters._loaded_at is 'When that load ran (UTC, naive timestamp).';

-- stg_inference__measurements
comment on view stg_inference__measurements is 'Staging view: raw_inference_measurements with the model''s comparison key and energy per request in Wh. Grain: source x task x model_id x gpu x configuration.';
comment on column stg_inference__measurements.source is 'Benchmark: mlenergy_v3, mlenergy_v2, mlenergy_v1 (ML.ENERGY Leaderboard rounds) or aienergyscore (Hugging Face AI Energy Score).';
comment on column stg_inference__measurements.task is 'The benchmark''s task (lm-arena-chat, gpqa, sourcegraph-fim, chat, code, text-to-image, text_generation, ...).';
comment on column stg_inference__measurements.model_id is 'Model as the benchmark names it (usually its Hugging Face id).';
comment on column stg_inference__measurements.gpu is 'Accelerator as the benchmark names it (H100, B200, A100-SXM4-40GB, H100 80GB, A40, V100).';
comment on column stg_inference__measurements.configuration is 'The configuration measured: GPU count, parallelism and batch limit (v3), the file name (v2), or as published.';
comment on column stg_inference__measurements.nickname is 'The benchmark''s display name for the model.';
comment on column stg_inference__measurements.architecture is 'Dense Transformer or MoE, as the benchmark states it.';
comment on column stg_inference__measurements.weight_precision is 'Weight precision served (bfloat16, fp8, mxfp4); null when the benchmark does not say.';
comment on column stg_inference__measurements.total_params_b is 'Total parameters, billions, as the benchmark states.';
comment on column stg_inference__measurements.active_params_b is 'Parameters active per token, billions (v3; a mixture of experts has fewer than its total).';
comment on column stg_inference__measurements.gpu_count is 'Accelerators serving one replica, count.';
comment on column stg_inference__measurements.max_batch_size is 'Most requests decoded together (vLLM max_num_seqs, v2 Max BS; diffusion batch size).';
comment on column stg_inference__measurements.avg_batch_size is 'Requests decoded together on average over the run.';
comment on column stg_inference__measurements.energy_per_request_j is 'GPU energy per request (a response, an image or a video; AI Energy Score: per query), J.';
comment on column stg_inference__measurements.energy_per_output_token_j is 'GPU energy per output token (request energy over output tokens, prefill included), J.';
comment on column stg_inference__measurements.avg_output_tokens is 'Mean output tokens per request.';
comment on column stg_inference__measurements.avg_power_w is 'Mean GPU power over the run, W (v3).';
comment on column stg_inference__measurements.output_tokens_per_s is 'Output tokens per second over all requests.';
comment on column stg_inference__measurements.energy_score is 'AI Energy Score stars, 1 (most energy) to 5, relative within the task.';
comment on column stg_inference__measurements.size_class is 'AI Energy Score model-size class (A, B, C) of text generation.';
comment on column stg_inference__measurements.source_url is 'URL of the upstream file the row comes from.';
comment on column stg_inference__measurements.model_key is 'Comparison key of model_id (macro model_key): how a benchmark''s id finds a model on the board.';
comment on column stg_inference__measurements.energy_per_request_wh is 'GPU energy per request, Wh.';

-- stg_models__parameters
comment on view stg_models__parameters is 'Staging view: EcoLogits parameter counts with the comparison key. Grain: source x provider x model_id.';
comment on column stg_models__parameters.source is 'Source of the counts (ecologits).';
comment on column stg_models__parameters.provider is 'EcoLogits provider (openai, anthropic, mistralai, huggingface_hub, ...).';
comment on column stg_models__parameters.model_id is 'Model as the provider''s API or the Hub names it.';
comment on column stg_models__parameters.architecture is 'dense or moe.';
comment on column stg_models__parameters.total_params_b_low is 'Total parameters, billions, low end (equal to high for an exact count).';
comment on column stg_models__parameters.total_params_b_high is 'Total parameters, billions, high end.';
comment on column stg_models__parameters.active_params_b_low is 'Parameters active per token, billions, low end.';
comment on column stg_models__parameters.active_params_b_high is 'Parameters active per token, billions, high end.';
comment on column stg_models__parameters.warnings is 'EcoLogits warnings: model-arch-not-released (a range EcoLogits estimated), model-arch-multimodal.';
comment on column stg_models__parameters.source_url is 'Where EcoLogits took the count from (its first cited source).';
comment on column stg_models__parameters.model_key is 'Comparison key of model_id (macro model_key).';
comment on column stg_models__parameters.exact is 'True when total and active counts are exact (low = high).';

-- int_inference_configurations
comment on table int_inference_configurations is 'Intermediate (numpy, tasks/model/inference.py): every measured language-model configuration the inference estimator is calibrated on, with its features, fitted and leave-one-model-out values. Grain: source x task x model_id x gpu x configuration.';
comment on column int_inference_configurations.source is 'Benchmark round (mlenergy_v3, mlenergy_v2).';
comment on column int_inference_configurations.task is 'The benchmark''s task.';
comment on column int_inference_configurations.model_id is 'Model as the benchmark names it.';
comment on column int_inference_configurations.model_key is 'Comparison key of the model name (macro model_key): the leave-one-model-out group.';
comment on column int_inference_configurations.gpu is 'Accelerator as the benchmark names it.';
comment on column int_inference_configurations.gpu_id is 'Canonical accelerator id (GPU catalogue).';
comment on column int_inference_configurations.gpu_memory_gb is 'Accelerator memory, GB (GPU catalogue).';
comment on column int_inference_configurations.configuration is 'The configuration measured.';
comment on column int_inference_configurations.weight_precision is 'Weight precision as the benchmark states it (null: not stated).';
comment on column int_inference_configurations.precision_bits is 'Bits per weight used by the fit (16 when not stated, 8 when 16-bit weights could not fit the GPUs).';
comment on column int_inference_configurations.generation is 'Accelerator generation: (release year - 2022) / 2 (A100 -1, H100 0, B200 1).';
comment on column int_inference_configurations.total_params_b is 'Total parameters, billions.';
comment on column int_inference_configurations.active_params_b is 'Parameters active per token, billions (the benchmark''s, else EcoLogits'' exact count, else the total).';
comment on column int_inference_configurations.gpu_count is 'Accelerators serving one replica.';
comment on column int_inference_configurations.max_batch_size is 'Most requests decoded together.';
comment on column int_inference_configurations.avg_output_tokens is 'Mean output tokens per request.';
comment on column int_inference_configurations.energy_per_output_token_j is 'Measured GPU energy per output token, J.';
comment on column int_inference_configurations.fitted_j_per_output_token is 'The estimator''s value for this configuration (fit on all), J.';
comment on column int_inference_configurations.lomo_j_per_output_token is 'The estimator''s value from a fit without this model (leave one model out), J.';
comment on column int_inference_configurations.source_url is 'URL of the upstream file.';

-- int_inference_calibrated
comment on table int_inference_calibrated is 'Intermediate (numpy, tasks/model/inference.py): the inference estimator, ln(J per output token) least squares on ln active parameters, ln GPUs, ln max batch, generation and precision, with its interval, leave-one-model-out error and serving GPU. Grain: one row.';
comment on column int_inference_calibrated.b_intercept is 'Fitted intercept of ln(J per output token).';
comment on column int_inference_calibrated.b_ln_active_params_b is 'Coefficient of ln(active parameters, billions).';
comment on column int_inference_calibrated.b_ln_gpu_count is 'Coefficient of ln(accelerators per replica).';
comment on column int_inference_calibrated.b_ln_max_batch is 'Coefficient of ln(max batch).';
comment on column int_inference_calibrated.b_generation is 'Coefficient of the accelerator generation ((release year - 2022) / 2).';
comment on column int_inference_calibrated.b_precision is 'Coefficient of log2(weight bits / 16).';
comment on column int_inference_calibrated.interval_log_halfwidth is 'Half-width of the 90% prediction interval in ln units: 1.645 x sd of the leave-one-model-out ln errors.';
comment on column int_inference_calibrated.n_configurations is 'Measured configurations the fit uses.';
comment on column int_inference_calibrated.n_models is 'Distinct models (comparison keys) among them.';
comment on column int_inference_calibrated.lomo_geomean_error is 'Geometric-mean error on unseen models: exp(mean |ln(predicted / measured)|), leave one model out.';
comment on column int_inference_calibrated.lomo_coverage is 'Share of configurations whose leave-one-model-out prediction interval holds the measured value.';
comment on column int_inference_calibrated.serving_gpu is 'The reference serving accelerator (as named).';
comment on column int_inference_calibrated.serving_gpu_id is 'Its canonical id.';
comment on column int_inference_calibrated.serving_gpu_memory_gb is 'Its memory, GB.';
comment on column int_inference_calibrated.serving_generation is 'Its generation on the fit''s scale.';

-- fct_model_inference
comment on table fct_model_inference is 'Mart: serving each language model with a parameter count, per output token and per 1,000 requests of the stated shape, measured (ML.ENERGY) or estimated, with ranges, and the requests to breakeven with training and creation. Grain: model.';
comment on column fct_model_inference.model is 'Model name as displayed (aliases resolved through raw_model_aliases).';
comment on column fct_model_inference.domain is 'What the model is for, as Epoch AI lists it (''; ''-separated: Language, Vision, Multimodal, ...).';
comment on column fct_model_inference.parameters_b is 'Total parameters, billions (the model''s own facts, else EcoLogits'' exact count).';
comment on column fct_model_inference.active_parameters_b is 'Parameters active per token, billions (the total for a dense model).';
comment on column fct_model_inference.inference_basis is 'measured (an ML.ENERGY configuration on the serving GPU at the reference batch) or estimated (tasks/model/inference.py).';
comment on column fct_model_inference.inference_source is 'The dataset and configuration measured, or the estimator with its leave-one-model-out error.';
comment on column fct_model_inference.request_tokens_in is 'Input tokens of the stated request (assumption inference_request_tokens_in); their prefill is inside the per-output-token energy.';
comment on column fct_model_inference.request_tokens_out is 'Output tokens of the stated request (assumption inference_request_tokens_out).';
comment on column fct_model_inference.inference_j_per_output_token is 'GPU energy per output token at the serving set-up, J.';
comment on column fct_model_inference.inference_j_per_output_token_low is 'Low end: the lowest of the model''s measured configurations at the reference batch, or the estimator''s 90% prediction interval, J.';
comment on column fct_model_inference.inference_j_per_output_token_high is 'High end of inference_j_per_output_token (as _low), J.';
comment on column fct_model_inference.inference_wh_per_1k_requests is 'Facility energy of 1,000 requests: J per output token x output tokens x PUE, Wh.';
comment on column fct_model_inference.inference_wh_per_1k_requests_low is 'Low end (low energy per token, low PUE), Wh.';
comment on column fct_model_inference.inference_wh_per_1k_requests_high is 'High end (high energy per token, high PUE), Wh.';
comment on column fct_model_inference.inference_co2e_g_per_1k_requests is 'Operational carbon of 1,000 requests at the developer''s country grid (latest annual value), else the world average, g CO2e.';
comment on column fct_model_inference.inference_co2e_g_per_1k_requests_low is 'Low end (low energy, low intensity), g CO2e.';
comment on column fct_model_inference.inference_co2e_g_per_1k_requests_high is 'High end (high energy, high intensity), g CO2e.';
comment on column fct_model_inference.inference_water_l_per_1k_requests is 'Operational water of 1,000 requests (WUE on-site + off-site), L.';
comment on column fct_model_inference.inference_water_l_per_1k_requests_low is 'Low end (low energy, low WUE), L.';
comment on column fct_model_inference.inference_water_l_per_1k_requests_high is 'High end (high energy, high WUE), L.';
comment on column fct_model_inference.serving_gpu is 'Accelerator the figures assume (the reference serving GPU).';
comment on column fct_model_inference.serving_gpu_count is 'Accelerators per model replica: the measured configuration''s, or as many as hold the weights at the serving precision x memory overhead (a power of two).';
comment on column fct_model_inference.serving_precision is 'Weight precision served (bf16, fp8, mxfp4).';
comment on column fct_model_inference.breakeven_requests is 'Requests after which serving has emitted the training run''s CO2e (training_co2e_t / CO2e per request); null without a training estimate.';
comment on column fct_model_inference.breakeven_requests_creation is 'Requests after which serving has emitted the whole creation''s CO2e (training + development + embodied).';

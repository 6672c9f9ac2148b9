-- grain: one row per model x bound (low, central, high) with a final training run: what the run
-- cost, three ways (docs/costs.md), USD.
--   training_cost_usd      renting it: GPU-hours x the cloud price of that accelerator in the year
--                          of training (stg_gpus__cloud_prices): low the 3-year committed price,
--                          central the 1-year committed price, high on-demand; a cloud that lists
--                          no committed price gets cloud_commit_discount off its on-demand price.
--                          A rental price the developer states for its run is used as disclosed.
--   amortised_cost_usd     owning it (Cottier et al. 2024): the hardware's acquisition cost
--                          (accelerator list price of that year x hardware_price_rel x
--                          server_cost_overhead x cluster_network_overhead) depreciated over
--                          hardware_life_years for the run's GPU-hours
--                          (training_hardware_capex_usd), plus the run's facility energy at its
--                          site's electricity price (training_energy_cost_usd): the industrial
--                          price of the country of each of its zones (int_runs_located, by
--                          share) in its year where stg_grid__electricity_prices has one, the
--                          assumption electricity_usd_per_kwh elsewhere, with that assumption's
--                          relative range.
--   creation_cost_usd      creating a frontier model (training compute >= frontier_training_flops_min):
--                          the cluster bought for it (its accelerators at that year's price) is
--                          creation_hardware_share of the whole; staff and power are their shares.
-- The year of training: the year the run ended (disclosed end, or start + duration), else the
-- release date minus publication_lag_days. A price table row serves from its year until the
-- family's next row; a run older than a family's first row takes that first row, a run with no
-- date at all the family's latest. An accelerator
-- no table row matches falls back to gpu_specs' list prices (today's), then to the assumptions
-- (*_price_basis says which). Bounds are interval arithmetic, as in int_runs_estimated: a longer
-- life or a deeper discount lowers the cost, so the low bound takes their high end.
with runs as (
    select * from int_runs_estimated where phase = 'training'
),

guarded as (
    select * from int_runs_guarded where phase = 'training'
),

models as (
    select * from int_models_described
),

-- Where a disclosed rental price comes from (the fact int_disclosures_pivoted chose is the best
-- source; a model has one such fact on the bundled snapshot, DeepSeek-V3's report).
rental_facts as (
    select model, min(source_url || ', ' || source_locator) as source
    from stg_disclosures__facts
    where phase = 'training' and field = 'rental_usd_per_gpu_hour' and confidence <> 'low'
    group by model
),

gpus as (
    select * from stg_gpus__specs
),

cloud_prices as (
    select * from stg_gpus__cloud_prices
),

purchase_prices as (
    select * from stg_gpus__purchase_prices
),

electricity_prices as (
    select * from stg_grid__electricity_prices
),

located as (
    select model, zone_key, share, row_number() over (order by model, zone_key, share) as site
    from int_runs_located
    where phase = 'training'
),

coefficients as (
    select * from int_coefficients_bounded
),

coef as (
    select
        bound,
        max(opposite) filter (where key = 'cloud_commit_discount') as commit_discount,
        max(value) filter (where key = 'rental_usd_per_gpu_hour_unknown') as rental_default,
        max(central) filter (where key = 'rental_usd_per_gpu_hour_unknown')
            as rental_default_central,
        max(value) filter (where key = 'gpu_price_usd_unknown') as price_default,
        max(value) filter (where key = 'hardware_price_rel') as price_rel,
        max(value) filter (where key = 'server_cost_overhead') as server_overhead,
        max(value) filter (where key = 'cluster_network_overhead') as network_overhead,
        max(opposite) filter (where key = 'hardware_life_years') as life_years,
        max(value) filter (where key = 'electricity_usd_per_kwh') as usd_per_kwh,
        max(central) filter (where key = 'electricity_usd_per_kwh') as usd_per_kwh_central,
        max(central) filter (where key = 'publication_lag_days') as lag_days,
        max(central) filter (where key = 'frontier_training_flops_min') as frontier_flops_min,
        max(central) filter (where key = 'mfu') as mfu,
        max(central) filter (where key = 'creation_hardware_share') as hardware_share,
        max(central) filter (where key = 'creation_staff_share') as staff_share,
        max(central) filter (where key = 'creation_energy_share') as energy_share
    from coefficients
    group by bound
),

dated as (
    select
        g.model,
        g.rental_usd_per_gpu_hour as disclosed_rental,
        -- compute spent, else what the run's central GPU-hours deliver at peak x the central MFU
        -- (a speculative compute figure never drives an estimate, but its run still counts)
        coalesce(
            m.training_flops,
            g.flops_used,
            rc.gpu_hours * rc.peak_tflops * 1e12 * 3600.0 * (select max(mfu) from coef)
        ) as training_flops,
        year(coalesce(
            g.end_date,
            g.start_date + to_days(cast(round(coalesce(g.duration_days_used, 0)) as integer)),
            g.release_date - to_days(cast((select max(lag_days) from coef) as integer))
        )) as price_year
    from guarded as g
    left join models as m using (model)
    left join runs as rc on rc.model = g.model and rc.bound = 'central'
),

-- The price table rows of each run's accelerator family for its year (see the header): the
-- latest row on or before the year, else the family's first; a run with no date at all (no
-- release date on file) takes the family's latest row.
price_years as (
    select 'rental' as kind, accelerator, gpu_id_pattern, year from cloud_prices
    union all
    select 'purchase', accelerator, gpu_id_pattern, year from purchase_prices
),

-- Each accelerator against each pattern once (a regex join per model compiled a pattern per
-- pair: half a second of the whole build).
gpu_families as (
    select g.gpu_id, p.kind, p.accelerator, p.year
    from (select distinct gpu_id from runs) as g
    join price_years as p on regexp_full_match(g.gpu_id, p.gpu_id_pattern)
),

picked as (
    select r.model, p.kind, p.accelerator, p.year
    from (select distinct model, gpu_id from runs) as r
    join dated as d using (model)
    join gpu_families as p using (gpu_id)
    qualify row_number() over (
        partition by r.model, p.kind
        order by p.year <= d.price_year desc, abs(p.year - d.price_year), p.year desc
    ) = 1
),

cloud_row as (
    select k.model, c.*
    from picked as k
    join cloud_prices as c using (accelerator, year)
    where k.kind = 'rental'
),

purchase_row as (
    select k.model, c.*
    from picked as k
    join purchase_prices as c using (accelerator, year)
    where k.kind = 'purchase'
),

-- The site's electricity price: each zone's country price for the year (the same as-of rule),
-- the world assumption for a zone with none, weighted by the zones' shares.
zone_prices as (
    select l.model, l.zone_key, l.share, p.usd_per_kwh
    from located as l
    join dated as d using (model)
    left join electricity_prices as p on p.country = split_part(l.zone_key, '-', 1)
    qualify row_number() over (
        partition by l.site
        order by
            p.year <= d.price_year desc nulls last,
            abs(p.year - d.price_year) nulls last,
            p.year desc
    ) = 1
),

site_prices as (
    select
        model,
        -- summed in a fixed order, so a rebuild gives the same digits
        list_sum(list(
            share * coalesce(usd_per_kwh, (select max(usd_per_kwh_central) from coef))
            order by zone_key, share
        )) / list_sum(list(share order by zone_key, share)) as usd_per_kwh
    from zone_prices
    group by model
    having bool_or(usd_per_kwh is not null)
),

priced as (
    select
        r.model,
        r.bound,
        d.price_year,
        r.gpu_hours,
        r.energy_mwh,
        coalesce(r.gpu_count, r.gpu_hours / nullif(r.duration_days * 24.0, 0)) as cluster_gpus,
        d.training_flops >= c.frontier_flops_min as is_frontier,
        case
            when d.disclosed_rental is not null then 'disclosed'
            when cp.accelerator is not null then 'price table'
            when g.rental_usd_per_gpu_hour_central is not null then 'list price today'
            else 'assumed'
        end as rental_price_basis,
        case
            when d.disclosed_rental is not null then d.disclosed_rental
            when cp.accelerator is not null then case r.bound
                when 'low' then coalesce(
                    cp.committed_3y_usd_per_hour,
                    cp.on_demand_usd_per_hour * (1 - c.commit_discount)
                )
                when 'central' then coalesce(
                    cp.committed_1y_usd_per_hour,
                    cp.on_demand_usd_per_hour * (1 - c.commit_discount)
                )
                else cp.on_demand_usd_per_hour * (1 - c.commit_discount)
            end
            -- A spec with only a central rental price takes the default's relative range.
            else coalesce(
                case r.bound
                    when 'low' then g.rental_usd_per_gpu_hour_low
                    when 'central' then g.rental_usd_per_gpu_hour_central
                    else g.rental_usd_per_gpu_hour_high
                end,
                g.rental_usd_per_gpu_hour_central * c.rental_default / c.rental_default_central,
                c.rental_default
            )
        end as rental_usd_per_gpu_hour,
        case
            when d.disclosed_rental is not null then 'as disclosed: ' || rf.source
            when cp.accelerator is not null then cp.accelerator || ' ' || cp.year || ': ' || cp.source
        end as rental_price_source,
        case
            when pp.accelerator is not null then 'price table'
            when g.price_usd is not null then 'list price today'
            else 'assumed'
        end as purchase_price_basis,
        coalesce(pp.price_usd * c.price_rel, g.price_usd * c.price_rel, c.price_default)
            as gpu_price_usd,
        case when pp.accelerator is not null then pp.accelerator || ' ' || pp.year || ': ' || pp.source end
            as purchase_price_source,
        case when sp.model is not null then 'site' else 'assumed' end as electricity_price_basis,
        coalesce(sp.usd_per_kwh, c.usd_per_kwh_central) * c.usd_per_kwh / c.usd_per_kwh_central
            as electricity_usd_per_kwh,
        c.*
    from runs as r
    join dated as d using (model)
    join coef as c on c.bound = r.bound
    left join rental_facts as rf using (model)
    left join cloud_row as cp using (model)
    left join purchase_row as pp using (model)
    left join site_prices as sp using (model)
    left join gpus as g on g.gpu_id = r.gpu_id
),

costed as (
    select
        *,
        gpu_hours * rental_usd_per_gpu_hour as training_cost_usd,
        gpu_hours * gpu_price_usd * server_overhead * network_overhead / (life_years * 8760.0)
            as training_hardware_capex_usd,
        energy_mwh * 1000.0 * electricity_usd_per_kwh as training_energy_cost_usd,
        case when is_frontier then cluster_gpus * gpu_price_usd / hardware_share end
            as creation_cost_usd
    from priced
),

final as (
    select
        model,
        bound,
        price_year,
        rental_price_basis,
        rental_usd_per_gpu_hour,
        rental_price_source,
        training_cost_usd,
        purchase_price_basis,
        gpu_price_usd,
        purchase_price_source,
        training_hardware_capex_usd,
        electricity_price_basis,
        electricity_usd_per_kwh,
        training_energy_cost_usd,
        training_hardware_capex_usd + training_energy_cost_usd as amortised_cost_usd,
        coalesce(is_frontier, false) as is_frontier,
        cluster_gpus,
        creation_cost_usd,
        creation_cost_usd * hardware_share as creation_hardware_usd,
        creation_cost_usd * staff_share as creation_staff_usd,
        creation_cost_usd * energy_share as creation_energy_usd
    from costed
)

select * from final

-- grain: one row per model x phase x grid zone: where a run is taken to have happened, by the
-- location ladder of METHODOLOGY.md (best rung wins; location_rung says which):
--   1 disclosed location      a place the developer (card, paper, user file, measured run) names,
--                             or the data centre a database names (Epoch's 'Training data center')
--   2 cloud vendor            the vendor's AI training regions, when a source names only the vendor
--   3 organisation sites      the organisation's known training sites (int_training_sites,
--                             a curated file with a citation per line), each with its share; an
--                             organisation listed with others ('A; B') is tried in its order
--   4 organisation country    the developing organisation's country
--   (world average: no row here; int_runs_estimated falls back to it)
-- A development run with no place of its own ran where its final training did. Several zones
-- (sites) are weighted by share; their spread is part of the run's intensity range.
with runs as (
    select * from int_runs_guarded
),

sites as (
    select * from int_training_sites where zone_key is not null
),

names as (
    select * from int_names_resolved where kind = 'location'
),

models as (
    select * from int_models_described
),

-- The model's own organisation country (int_models_described: best source wins), resolved.
countries as (
    select m.model, m.organization_country, n.resolved as country_zone
    from models as m
    join names as n on n.input = m.organization_country
    where n.resolved is not null
),

-- An organisation's country, from the records of its other models when this one has none: the
-- country most of its single-organisation models give; else the curated country
-- (stg_locations__organization_countries, cited) of an organisation no record gives one for.
derived_org_countries as (
    select organization, organization_country, country_zone
    from (
        select m.organization, c.organization_country, c.country_zone, count(*) as models
        from models as m
        join countries as c on c.model = m.model
        where m.organization not like '%; %'
        group by all
    )
    qualify row_number() over (
        partition by organization order by models desc, organization_country, country_zone
    ) = 1
),

org_countries as (
    select *, 'from their other models' as basis from derived_org_countries
    union all
    select oc.organization, oc.country, n.resolved, 'curated, organization_countries.csv'
    from stg_locations__organization_countries as oc
    join names as n on n.input = oc.country
    where n.resolved is not null
        and oc.organization not in (select organization from derived_org_countries)
),

organizations as (
    select
        model,
        unnest(string_split(organization, '; ')) as organization,
        unnest(generate_series(1, len(string_split(organization, '; ')))) as org_order
    from models
    where organization is not null
),

-- The first of a model's organisations that has sites valid at its release date.
org_sites as (
    select r.model, r.phase, s.organization, s.zone_key, s.location_text, s.share, s.source_url,
        dense_rank() over (partition by r.model, r.phase order by o.org_order) as org_preference
    from runs as r
    join organizations as o on o.model = r.model
    join sites as s
        on lower(s.organization) = lower(o.organization)
        and (s.valid_from is null or r.release_date is null or s.valid_from <= r.release_date)
        and (s.valid_to is null or r.release_date is null or s.valid_to >= r.release_date)
),

vendor_sites as (
    select r.model, r.phase, s.cloud_vendor, s.zone_key, s.location_text, s.share, s.source_url
    from runs as r
    join sites as s
        on s.organization is null and lower(s.cloud_vendor) = lower(r.cloud_vendor_used)
),

candidates as (
    select
        r.model, r.phase, 1 as location_rung,
        case when r.location_source_kind_used = 'epoch'
            then 'training data centre (Epoch)' else 'disclosed location' end as location_label,
        r.zone_key, 1.0 as share, r.location_text_used as location_text, null as site_source_url
    from runs as r
    where r.zone_key is not null
    union all
    select model, phase, 2, 'cloud vendor (' || cloud_vendor || ')', zone_key, share,
        location_text, source_url
    from vendor_sites
    union all
    select model, phase, 3, 'organisation''s training sites (' || organization || ')', zone_key,
        share, location_text, source_url
    from org_sites
    where org_preference = 1
    union all
    select r.model, r.phase, 4, 'organisation''s country (' || c.organization_country || ')',
        c.country_zone, 1.0, c.organization_country, null
    from runs as r
    join countries as c on c.model = r.model
    union all
    -- Else the country of the first of its organisations that has one (from that organisation's
    -- other models, else curated), as rung 3 takes the first organisation with known sites:
    -- Epoch and the cards list the lead organisation first.
    select r.model, r.phase, 4,
        'organisation''s country (' || o.organization || ', ' || oc.basis || ')',
        oc.country_zone, 1.0, oc.organization_country, null
    from runs as r
    join organizations as o on o.model = r.model
    join org_countries as oc on oc.organization = o.organization
    where not exists (select 1 from countries as c where c.model = r.model)
    qualify row_number() over (partition by r.model, r.phase order by o.org_order) = 1
),

final as (
    select * exclude (location_rung), location_rung
    from candidates
    qualify location_rung = min(location_rung) over (partition by model, phase)
)

select * from final

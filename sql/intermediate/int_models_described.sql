-- grain: one row per model: its descriptive facts (best source wins; low-confidence facts never
-- do) and every source cited.
-- The organisation: the best organisation fact, its spelling normalised through the curated
-- table (stg_models__organizations, kind 'spelling'); else the owner in the URL of the model's
-- own page (huggingface.co/<owner>/<repo>: the table's name for the owner, else the owner as
-- written; github.com/<owner>/...: only owners the table lists, since a GitHub repository may
-- collect other people's cards); else 'unknown (Hub user)' when that is all a source knows.
with facts as (
    select * from stg_disclosures__facts
),

organizations as (
    select * from stg_models__organizations
),

ranked as (
    select
        *,
        row_number() over (
            partition by model, field
            order by
                confidence_rank = 3,
                field = 'organization' and value = 'unknown (Hub user)',
                source_rank, confidence_rank, source_url, source_locator
        ) as preference
    from facts
    where phase = 'model'
),

chosen as (
    select * from ranked where preference = 1 and confidence <> 'low'
),

described as (
    select
        model,
        max(value) filter (where field = 'organization') as organization,
        max(try_cast(value as date)) filter (where field = 'release_date') as release_date,
        max(value_num) filter (where field = 'parameters_b') as parameters_b,
        max(value_num) filter (where field = 'active_parameters_b') as active_parameters_b,
        max(value_num) filter (where field = 'training_tokens_b') as training_tokens_b,
        max(value_num) filter (where field = 'training_flops') as training_flops,
        max(value) filter (where field = 'compute_confidence') as compute_confidence,
        max(value) filter (where field = 'base_model') as base_model,
        max(value_num) filter (where field = 'finetune_flops') as finetune_flops,
        max(value) filter (where field = 'organization_country') as organization_country,
        -- coverage (issue 15): why Epoch AI counts the model notable, and its frontier flag
        max(value) filter (where field = 'notability_criteria') as notability_criteria,
        coalesce(bool_or(value = 'true') filter (where field = 'frontier_model'), false)
            as frontier_model,
        max(value) filter (where field = 'domain') as domain
    from chosen
    group by model
),

-- Every Epoch list the model is on (each list says so for itself; none is a preferred source).
listed as (
    select model, string_agg(distinct value, '; ' order by value) as epoch_lists
    from facts
    where field = 'epoch_list'
    group by model
),

url_owners as (
    select distinct
        model,
        source_rank,
        source_url,
        nullif(regexp_extract(source_url, '^https?://(?:www\.)?huggingface\.co/([^/?#]+)/[^/?#]+', 1), '')
            as hub_owner,
        nullif(regexp_extract(source_url, '^https?://(?:www\.)?github\.com/([^/?#]+)/[^/?#]+', 1), '')
            as github_owner
    from facts
),

url_organizations as (
    select
        u.model,
        coalesce(h.organization, g.organization, u.hub_owner) as organization,
        row_number() over (partition by u.model order by u.source_rank, u.source_url) as preference
    from url_owners as u
    left join organizations as h on h.kind = 'hub_owner' and h.key_lower = lower(u.hub_owner)
    left join organizations as g on g.kind = 'github_owner' and g.key_lower = lower(u.github_owner)
    where (u.hub_owner is not null and lower(u.hub_owner) not in ('datasets', 'spaces', 'models'))
        or g.organization is not null
),

organized as (
    select
        d.model,
        coalesce(
            coalesce(s.organization, nullif(d.organization, 'unknown (Hub user)')),
            u.organization,
            d.organization
        ) as organization
    from described as d
    left join organizations as s on s.kind = 'spelling' and s.key_lower = lower(trim(d.organization))
    left join url_organizations as u on u.model = d.model and u.preference = 1
),

-- A member that takes its share of a family disclosure cites the family's source too.
family_sources as (
    select member as model, family_source_url as source_url
    from int_families_split
    where applied
),

cited as (
    select
        model,
        string_agg(distinct source_url, ' ; ' order by source_url) as sources,
        min(source_rank) as best_source_rank
    from (
        select model, source_url, source_rank from facts
        union all
        select model, source_url, null as source_rank from family_sources
    )
    group by model
),

final as (
    select
        c.model,
        coalesce(o.organization, u.organization) as organization,
        d.* exclude (model, organization),
        c.sources,
        c.best_source_rank,
        l.epoch_lists
    from cited as c
    left join described as d using (model)
    left join listed as l using (model)
    left join organized as o using (model)
    left join url_organizations as u on u.model = c.model and u.preference = 1
)

select * from final

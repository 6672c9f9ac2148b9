-- grain: one row per kind x key of the curated organisation table (models/organizations.csv):
-- a Hub or GitHub owner, an un-namespaced Hub model id, or another spelling of an organisation,
-- with the organisation it names and the source of the mapping.
with organizations as (
    select * from raw_model_organizations
),

final as (
    select
        kind,
        key,
        lower(trim(key)) as key_lower,
        organization,
        source
    from organizations
)

select * from final

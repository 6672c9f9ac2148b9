-- grain: one row per disclosed fact (source x model x phase x field x locator), with the model's
-- display name resolved through the alias table and numbers parsed.
-- A user's file never overrides a developer's own disclosure: when the developer's card or paper
-- discloses the model, the user's facts are shown apart, as '<model> (user card)'.
with facts as (
    select * from raw_model_disclosures
),

aliases as (
    select lower(trim(alias)) as alias_key, model from raw_model_aliases
),

resolved as (
    select f.*, coalesce(a.model, f.model) as resolved_model
    from facts as f
    left join aliases as a on a.alias_key = lower(trim(f.model))
),

developer_models as (
    select distinct resolved_model from resolved where source_kind in ('card', 'publication')
),

final as (
    select
        case when f.source_kind = 'user' and d.resolved_model is not null
            then f.resolved_model || ' (user card)'
            else f.resolved_model
        end as model,
        f.model as model_as_written,
        f.phase,
        f.field,
        f.value,
        try_cast(f.value as double) as value_num,
        f.unit,
        f.source_kind,
        f.source_url,
        f.source_locator,
        f.raw_text,
        f.confidence,
        f.note,
        -- Which source wins when several disclose the same field: a user's own file (for a model
        -- its developer does not disclose, see above), then the developer's card, then measured
        -- runs, then curated databases, then mined metadata.
        case f.source_kind
            when 'user' then 1 when 'card' then 2 when 'publication' then 2 when 'codecarbon' then 3
            when 'epoch' then 4 when 'hfco2' then 5 else 9
        end as source_rank,
        case f.confidence when 'high' then 1 when 'medium' then 2 else 3 end as confidence_rank,
        -- user cards beside a developer's disclosure
        f._batch_scope as batch_scope,
        f.source_kind = 'user' and d.resolved_model is not null as user_card_apart
    from resolved as f
    left join developer_models as d on d.resolved_model = f.resolved_model
)

select * from final

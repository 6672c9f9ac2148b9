-- grain: one row per family disclosure x phase x member: a disclosure for a whole family of
-- models (a name with '(all ...)' or 'family', e.g. the Code Llama card's 'Code Llama (all 12
-- models)') split over its members that are on the board, by their compute shares.
-- Members: models with a run (training or development facts) whose name, as lower-case
-- alphanumerics, starts with the family's name without its parenthesis and the word 'family'.
-- Share basis, the first one every member has: training FLOPs, else parameters x tokens, else
-- the members' own GPU-hours. A family none of whose bases covers all its members is not split
-- (it stays one row). A member gets its share of the family's GPU-hours, energy and CO2
-- (`applied`) only when it discloses none of the three itself.
with facts as (
    select * from stg_disclosures__facts
    where confidence <> 'low'
),

best as (
    select
        model,
        phase,
        field,
        value_num,
        source_url,
        row_number() over (
            partition by model, phase, field
            order by source_rank, confidence_rank, source_url, source_locator
        ) as preference
    from facts
    where value_num is not null
),

figures as (
    select
        model,
        phase,
        max(value_num) filter (where field = 'gpu_hours') as gpu_hours,
        max(value_num) filter (where field = 'energy_mwh') as energy_mwh,
        max(value_num) filter (where field = 'co2e_t') as co2e_t,
        max(value_num) filter (where field = 'training_flops') as training_flops,
        max(value_num) filter (where field = 'parameters_b') as parameters_b,
        max(value_num) filter (where field = 'training_tokens_b') as training_tokens_b,
        max(source_url) filter (where field in ('gpu_hours', 'energy_mwh', 'co2e_t')) as source_url
    from best
    where preference = 1
    group by model, phase
),

named as (
    select distinct model, regexp_replace(lower(model), '[^a-z0-9]', '', 'g') as model_key
    from stg_disclosures__facts
),

families as (
    select
        n.model as family,
        f.phase,
        regexp_replace(
            regexp_replace(lower(regexp_replace(n.model, '\(.*?\)', '', 'g')), '\bfamily\b', '', 'g'),
            '[^a-z0-9]', '', 'g'
        ) as family_key,
        f.gpu_hours,
        f.energy_mwh,
        f.co2e_t,
        f.source_url
    from named as n
    inner join figures as f on f.model = n.model and f.phase in ('training', 'development')
    where regexp_matches(n.model, '\(all\b|\bfamily\b', 'i')
        and coalesce(f.gpu_hours, f.energy_mwh, f.co2e_t) is not null
),

on_board as (
    select distinct model from stg_disclosures__facts
    where phase in ('training', 'development') and model not like '% (total)'
),

members as (
    select
        fam.*,
        n.model as member,
        meta.training_flops,
        meta.parameters_b * meta.training_tokens_b * 1e18 as params_x_tokens,
        run.gpu_hours as member_gpu_hours,
        coalesce(run.gpu_hours, run.energy_mwh, run.co2e_t) is not null as has_own_figure
    from families as fam
    inner join named as n
        on n.model_key like fam.family_key || '%' and n.model_key <> fam.family_key and n.model <> fam.family
    inner join on_board as b on b.model = n.model
    left join figures as meta on meta.model = n.model and meta.phase = 'model'
    left join figures as run on run.model = n.model and run.phase = fam.phase
    where fam.family_key <> ''
        and not regexp_matches(n.model, '\(all\b|\bfamily\b', 'i')
),

based as (
    select
        *,
        case
            when bool_and(training_flops > 0) over w then 'training_flops'
            when bool_and(params_x_tokens > 0) over w then 'parameters x tokens'
            when bool_and(member_gpu_hours > 0) over w then 'gpu_hours'
        end as basis
    from members
    window w as (partition by family, phase)
),

weighted as (
    select
        *,
        case basis
            when 'training_flops' then training_flops
            when 'parameters x tokens' then params_x_tokens
            when 'gpu_hours' then member_gpu_hours
        end as weight
    from based
    where basis is not null
),

-- The members' total weight, summed in a fixed order so a rebuild gives the same digits.
totals as (
    select family, phase, list_sum(list(weight order by member)) as total_weight
    from weighted
    group by family, phase
),

final as (
    select
        family,
        phase,
        member,
        basis,
        weight,
        weight / total_weight as share,
        gpu_hours as family_gpu_hours,
        energy_mwh as family_energy_mwh,
        co2e_t as family_co2e_t,
        gpu_hours * weight / total_weight as share_gpu_hours,
        energy_mwh * weight / total_weight as share_energy_mwh,
        co2e_t * weight / total_weight as share_co2e_t,
        not has_own_figure as applied,
        source_url as family_source_url
    from weighted
    join totals using (family, phase)
)

select * from final

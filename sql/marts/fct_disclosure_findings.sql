-- grain: one row per model x finding x phase x field (x fact, for fact-level findings): what a
-- developer's own numbers imply, checked against physics, the grid and each other.
--
-- Columns: model, phase, field, finding, disclosed_value, recomputed_value, unit, ratio
-- (disclosed / recomputed), severity, detail, source_url.
--
-- Findings and their severity rule (info: worth knowing; warning: implausible, a reader should
-- look; error: impossible, or two disclosures that cannot both be true):
--
--   implied_intensity       disclosed emissions / energy (disclosed, else recomputed from
--                           GPU-hours x power x PUE) in kg/kWh, vs the intensity of the run's
--                           place (hourly/monthly/annual lookup; when the run's own location does
--                           not resolve, the best-resolving location fact of any confidence, at
--                           its zone's latest annual value, saying so in detail).
--                           error: implied > 1.5 kg/kWh (no grid is that dirty; lignite ~1.1) or
--                             < 0.001 kg/kWh with nonzero emissions;
--                           warning: implied / place outside [0.5, 2], or with no place to compare,
--                             implied outside [0.01, 1.2] (below the cleanest national grids,
--                             above the dirtiest);
--                           info otherwise.
--   implied_power_per_gpu   disclosed energy (or disclosed emissions / disclosed intensity) /
--                           GPU-hours, in W per device, vs the GPU's TDP.
--                           error: > 2 x TDP or < 0.1 x TDP; warning: outside [0.3, 1.5] x TDP
--                           (facility energy includes PUE, up to ~1.5); info otherwise.
--   emissions_vs_recomputed disclosed location-based emissions vs energy x the place's intensity
--                           (world average when the place is unknown, saying so).
--                           error: ratio outside [0.1, 10] (warning at most when the place is
--                           unknown); warning: outside [0.5, 2]; else info.
--   contradiction           two facts (any source, any confidence) for one model/phase/field whose
--                           numbers differ by more than 1%: disclosed_value is the value the
--                           estimate prefers, recomputed_value the one farthest from it.
--                           error: they differ tenfold or more (a scale or unit slip, or one is
--                             a family total); warning otherwise.
--                           For places and GPUs: two facts that resolve to different zones
--                           (warning) or accelerators (info).
--   impossible_value        a disclosed intensity > 1.5 or < 0.001 kg/kWh (with nonzero emissions
--                           for the run), or a disclosed power per device > 2 x or < 0.1 x TDP
--                           (> 3 x TDP when the same source says the figure includes PUE and
--                           server overhead, as Epoch's cluster power does): error.
--   unit_flagged_fact       a fact whose note flags its unit or value (a parser's `flags:`, 'unit
--                           unconfirmed', 'unit corrected', ...): warning.
--   low_confidence_fact     any other low-confidence fact (kept, never drives an estimate): info.
with facts as (
    select * from stg_disclosures__facts
),

runs as (
    select * from int_runs_estimated where bound = 'central'
),

pivoted as (
    select * from int_disclosures_pivoted
),

names as (
    select * from int_names_resolved
),

gpus as (
    select gpu_id, tdp_w from stg_gpus__specs
),

zones as (
    select * from dim_zone
),

coef as (
    select central as ci_unknown from stg_assumptions__coefficients
    where key = 'carbon_intensity_unknown'
),

-- A place to compare with when the run's own location does not resolve: the best-resolving
-- location fact of any confidence, at its zone's latest annual intensity.
fallback_places as (
    select
        f.model,
        f.phase,
        n.resolved as zone_key,
        z.latest_carbon_intensity_kg_per_kwh as intensity,
        z.latest_year,
        f.confidence,
        f.source_url
    from facts as f
    join names as n on n.kind = 'location' and n.input = f.value and n.resolved is not null
    join zones as z on z.zone_key = n.resolved and z.latest_carbon_intensity_kg_per_kwh is not null
    where f.field = 'location'
    qualify row_number() over (
        partition by f.model, f.phase order by f.confidence_rank, f.source_rank, f.source_url
    ) = 1
),

places as (
    select
        r.model,
        r.phase,
        coalesce(r.location_intensity_kg_per_kwh, fp.intensity) as place_intensity,
        case
            when r.location_intensity_kg_per_kwh is not null then
                r.zone_key || ' (' || r.location_intensity_granularity || ')'
            when fp.intensity is not null then
                fp.zone_key || ' (annual ' || fp.latest_year || ', from a ' || fp.confidence
                || '-confidence location fact)'
        end as place_label
    from runs as r
    left join fallback_places as fp on fp.model = r.model and fp.phase = r.phase
),

run_facts as (
    select
        r.model,
        r.phase,
        r.gpu_id,
        r.gpu_hours,
        r.energy_mwh as energy_mwh_used,
        p.energy_mwh as energy_mwh_disclosed,
        p.co2e_t as co2e_t_disclosed,
        p.carbon_intensity_kg_per_kwh as intensity_disclosed,
        p.gpu_hours as gpu_hours_disclosed,
        g.tdp_w,
        pl.place_intensity,
        pl.place_label,
        (
            select string_agg(distinct f.source_url, ' ; ' order by f.source_url)
            from facts as f
            where f.model = r.model and f.phase = r.phase
                and f.field in ('co2e_t', 'energy_mwh', 'gpu_hours', 'carbon_intensity_kg_per_kwh')
                and f.confidence <> 'low'
        ) as source_url
    from runs as r
    join pivoted as p using (model, phase)
    left join gpus as g on g.gpu_id = r.gpu_id
    left join places as pl using (model, phase)
),

implied_intensity as (
    select
        model,
        phase,
        'co2e_t' as field,
        'implied_intensity' as finding,
        co2e_t_disclosed / energy_mwh_used as disclosed_value,
        place_intensity as recomputed_value,
        'kg/kWh' as unit,
        case
            when co2e_t_disclosed / energy_mwh_used > 1.5 then 'error'
            when co2e_t_disclosed > 0 and co2e_t_disclosed / energy_mwh_used < 0.001 then 'error'
            when place_intensity > 0 and (
                co2e_t_disclosed / energy_mwh_used / place_intensity not between 0.5 and 2
            ) then 'warning'
            when place_intensity is null
                and co2e_t_disclosed / energy_mwh_used not between 0.01 and 1.2 then 'warning'
            else 'info'
        end as severity,
        printf(
            '%g t / %g MWh (%s energy) = %.4f kg/kWh; place: %s',
            co2e_t_disclosed,
            energy_mwh_used,
            case when energy_mwh_disclosed is not null then 'disclosed' else 'recomputed' end,
            co2e_t_disclosed / energy_mwh_used,
            coalesce(place_label || printf(' %.4f kg/kWh', place_intensity), 'unknown')
        ) as detail,
        source_url
    from run_facts
    where co2e_t_disclosed is not null and energy_mwh_used > 0
),

implied_power as (
    select
        model,
        phase,
        'energy_mwh' as field,
        'implied_power_per_gpu' as finding,
        energy_w / gpu_hours_disclosed as disclosed_value,
        tdp_w as recomputed_value,
        'W' as unit,
        case
            when tdp_w is null then 'info'
            when energy_w / gpu_hours_disclosed > 2 * tdp_w
                or energy_w / gpu_hours_disclosed < 0.1 * tdp_w then 'error'
            when energy_w / gpu_hours_disclosed not between 0.3 * tdp_w and 1.5 * tdp_w
                then 'warning'
            else 'info'
        end as severity,
        printf(
            '%g MWh (%s) / %g GPU-hours = %.1f W per device; TDP %s W',
            energy_w / 1e6,
            energy_basis,
            gpu_hours_disclosed,
            energy_w / gpu_hours_disclosed,
            coalesce(cast(tdp_w as varchar), 'unknown')
        ) as detail,
        source_url
    from (
        select
            *,
            coalesce(energy_mwh_disclosed, co2e_t_disclosed / intensity_disclosed) * 1e6
                as energy_w,
            case
                when energy_mwh_disclosed is not null then 'disclosed energy'
                else 'disclosed emissions / disclosed intensity'
            end as energy_basis
        from run_facts
    )
    where gpu_hours_disclosed > 0 and energy_w is not null
),

emissions as (
    select
        r.model,
        r.phase,
        'co2e_t' as field,
        'emissions_vs_recomputed' as finding,
        r.co2e_t_disclosed as disclosed_value,
        r.energy_mwh_used * coalesce(r.place_intensity, c.ci_unknown) as recomputed_value,
        't CO2e' as unit,
        case
            when r.place_intensity is not null and r.co2e_t_disclosed
                / (r.energy_mwh_used * r.place_intensity)
                not between 0.1 and 10 then 'error'
            when r.co2e_t_disclosed
                / (r.energy_mwh_used * coalesce(r.place_intensity, c.ci_unknown))
                not between 0.5 and 2 then 'warning'
            else 'info'
        end as severity,
        printf(
            '%g MWh x %.4f kg/kWh (%s) = %g t recomputed vs %g t disclosed',
            r.energy_mwh_used,
            coalesce(r.place_intensity, c.ci_unknown),
            coalesce(r.place_label, 'world average: place unknown'),
            r.energy_mwh_used * coalesce(r.place_intensity, c.ci_unknown),
            r.co2e_t_disclosed
        ) as detail,
        r.source_url
    from run_facts as r
    cross join coef as c
    where r.co2e_t_disclosed is not null and r.energy_mwh_used > 0
),

numeric_facts as (
    select
        *,
        row_number() over (
            partition by model, phase, field
            order by confidence_rank = 3, source_rank, confidence_rank, source_url, source_locator
        ) as preference
    from facts
    where value_num is not null and field not in ('power_includes_pue')
),

numeric_pairs as (
    select
        p.model,
        p.phase,
        p.field,
        p.value_num as preferred,
        o.value_num as other,
        p.unit,
        p.source_url as preferred_url,
        o.source_url as other_url,
        printf(
            '%g %s as "%s" (%s, %s confidence, %s) vs %g %s as "%s" (%s, %s confidence, %s)',
            p.value_num, p.unit, coalesce(p.raw_text, p.value), p.source_kind, p.confidence,
            p.source_locator,
            o.value_num, o.unit, coalesce(o.raw_text, o.value), o.source_kind, o.confidence,
            o.source_locator
        ) as pair_detail,
        row_number() over (
            partition by p.model, p.phase, p.field
            order by abs(ln(greatest(o.value_num, 1e-12) / greatest(p.value_num, 1e-12))) desc,
                o.source_url, o.source_locator
        ) as farthest
    from numeric_facts as p
    join numeric_facts as o
        on o.model = p.model and o.phase = p.phase and o.field = p.field
        and o.preference > 1
    where p.preference = 1
        and abs(o.value_num - p.value_num) > 0.01 * greatest(abs(o.value_num), abs(p.value_num))
),

numeric_contradictions as (
    select
        model,
        phase,
        field,
        'contradiction' as finding,
        preferred as disclosed_value,
        other as recomputed_value,
        unit,
        case
            when least(preferred, other) <= 0 then 'error'
            when greatest(preferred, other) / least(preferred, other) >= 10 then 'error'
            else 'warning'
        end as severity,
        'facts disagree: ' || pair_detail as detail,
        case when preferred_url = other_url then preferred_url
            else preferred_url || ' ; ' || other_url end as source_url
    from numeric_pairs
    where farthest = 1
),

resolved_facts as (
    select f.*, n.resolved
    from facts as f
    join names as n on n.kind = f.field and n.input = f.value
    where f.field in ('gpu', 'location') and n.resolved is not null
),

text_contradictions as (
    select
        model,
        phase,
        field,
        'contradiction' as finding,
        null::double as disclosed_value,
        null::double as recomputed_value,
        '' as unit,
        case field when 'location' then 'warning' else 'info' end as severity,
        -- ordered, so the audit export reads the same on every build
        'facts resolve differently: ' || string_agg(
            distinct printf('%s -> %s (%s, %s confidence)', value, resolved, source_kind, confidence),
            ' vs '
            order by printf('%s -> %s (%s, %s confidence)', value, resolved, source_kind, confidence)
        ) as detail,
        string_agg(distinct source_url, ' ; ' order by source_url) as source_url
    from resolved_facts
    group by model, phase, field
    having count(distinct resolved) > 1
),

impossible_intensity as (
    select
        f.model,
        f.phase,
        f.field,
        'impossible_value' as finding,
        f.value_num as disclosed_value,
        null::double as recomputed_value,
        'kg/kWh' as unit,
        'error' as severity,
        printf(
            'disclosed intensity %s kg/kWh (%s, %s confidence, %s) is outside 0.001-1.5 kg/kWh',
            f.value, f.source_kind, f.confidence, f.source_locator
        ) as detail,
        f.source_url
    from facts as f
    left join runs as r on r.model = f.model and r.phase = f.phase
    where f.field = 'carbon_intensity_kg_per_kwh'
        and (f.value_num > 1.5 or (f.value_num < 0.001 and coalesce(r.co2e_t, 1) > 0))
),

impossible_power as (
    select
        f.model,
        f.phase,
        f.field,
        'impossible_value' as finding,
        f.value_num as disclosed_value,
        g.tdp_w as recomputed_value,
        'W' as unit,
        'error' as severity,
        printf(
            'disclosed power %s W per device (%s, %s confidence, %s) vs TDP %g W of %s',
            f.value, f.source_kind, f.confidence, f.source_locator, g.tdp_w, r.gpu_id
        ) as detail,
        f.source_url
    from facts as f
    join runs as r on r.model = f.model and r.phase = f.phase
    join gpus as g on g.gpu_id = r.gpu_id
    where f.field = 'power_w'
        and (
            f.value_num < 0.1 * g.tdp_w
            or f.value_num > g.tdp_w * case
                when exists (
                    select 1 from facts as q
                    where q.model = f.model and q.phase = f.phase and q.source_url = f.source_url
                        and q.field = 'power_includes_pue' and lower(q.value) = 'true'
                ) then 3 else 2
            end
        )
),

flagged_facts as (
    select
        model,
        phase,
        field,
        case
            when note ilike '%flags:%' or note ilike '%unit unconfirmed%'
                or note ilike '%unit corrected%' or note ilike '%suspect%unit%'
                or note ilike '%unit%suspect%' or note ilike '%kilogram%'
                then 'unit_flagged_fact'
            else 'low_confidence_fact'
        end as finding,
        value_num as disclosed_value,
        null::double as recomputed_value,
        unit,
        printf(
            '%s = %s (%s, %s confidence, %s)%s',
            field, coalesce(raw_text, value), source_kind, confidence, source_locator,
            case when coalesce(note, '') <> '' then ': ' || note else '' end
        ) as detail,
        source_url,
        confidence
    from facts
),

fact_findings as (
    select
        model, phase, field, finding, disclosed_value, recomputed_value, unit,
        case finding when 'unit_flagged_fact' then 'warning' else 'info' end as severity,
        detail, source_url
    from flagged_facts
    where finding = 'unit_flagged_fact' or confidence = 'low'
),

all_findings as (
    select * from implied_intensity
    union all by name select * from implied_power
    union all by name select * from emissions
    union all by name select * from numeric_contradictions
    union all by name select * from text_contradictions
    union all by name select * from impossible_intensity
    union all by name select * from impossible_power
    union all by name select * from fact_findings
),

final as (
    select
        model,
        phase,
        field,
        finding,
        disclosed_value,
        recomputed_value,
        unit,
        case when recomputed_value <> 0 then disclosed_value / recomputed_value end as ratio,
        severity,
        detail,
        source_url
    from all_findings
)

select * from final

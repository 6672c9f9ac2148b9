-- grain: one row per language model with a parameter count: the energy, CO2e and water of serving
-- it, per output token and per 1,000 requests of the stated shape (assumptions
-- inference_request_tokens_in / _out), measured where ML.ENERGY measured it, estimated otherwise
-- (tasks/model/inference.py), and the requests after which serving has emitted what training
-- (breakeven_requests) and the whole creation (breakeven_requests_creation) did.
-- Serving set-up: the reference GPU of int_inference_calibrated (H100), as many as hold the weights
-- in bf16 x inference_memory_overhead (a power of two), up to inference_max_batch requests decoded
-- together. Measured: the model's configuration on that GPU at that batch (chat task first, newest
-- benchmark, bf16 before fp8, fewest GPUs); its range spans every such configuration. Energy per
-- request is per output token x output tokens (the measured figure includes prefill of the
-- benchmark's prompts), x PUE for the facility. Carbon: the developer's country grid (latest
-- annual intensity), else the world average; water: on-site + off-site WUE.
with models as (
    select * from int_models_described
),

facts as (
    select * from stg_disclosures__facts
),

configurations as (
    select * from int_inference_configurations
),

calibrated as (
    select * from int_inference_calibrated
),

parameters as (
    select * from stg_models__parameters
),

totals as (
    select * from fct_model_totals
),

names as (
    select * from int_names_resolved where kind = 'location'
),

intensity as (
    select * from int_grid_intensity_ranked
),

coefficients as (
    select
        max(central) filter (where key = 'inference_max_batch') as max_batch,
        max(central) filter (where key = 'inference_request_tokens_in') as tokens_in,
        max(central) filter (where key = 'inference_request_tokens_out') as tokens_out,
        max(central) filter (where key = 'inference_memory_overhead') as memory_overhead,
        max(low) filter (where key = 'pue') as pue_low,
        max(central) filter (where key = 'pue') as pue,
        max(high) filter (where key = 'pue') as pue_high,
        max(low) filter (where key = 'carbon_intensity_unknown') as ci_world_low,
        max(central) filter (where key = 'carbon_intensity_unknown') as ci_world,
        max(high) filter (where key = 'carbon_intensity_unknown') as ci_world_high,
        max(low) filter (where key = 'carbon_intensity_rel') as ci_rel_low,
        max(high) filter (where key = 'carbon_intensity_rel') as ci_rel_high,
        max(low) filter (where key = 'wue_onsite') + max(low) filter (where key = 'wue_offsite')
            as wue_low,
        max(central) filter (where key = 'wue_onsite')
            + max(central) filter (where key = 'wue_offsite') as wue,
        max(high) filter (where key = 'wue_onsite')
            + max(high) filter (where key = 'wue_offsite') as wue_high
    from stg_assumptions__coefficients
),

-- Every spelling of a model in the disclosures, as a comparison key.
model_keys as (
    select distinct model, model_key(model_as_written) as key from facts
    union
    select model, model_key(model) from models
),

-- EcoLogits' exact counts, for a model no disclosure gives a size (or an active size).
ecologits as (
    select k.model, any_value(p.total_params_b_low) as total_b,
        any_value(p.active_params_b_low) as active_b
    from model_keys as k
    join parameters as p on p.model_key = k.key and p.exact
    group by k.model
    having count(distinct p.total_params_b_low) = 1
),

matched as (
    select distinct k.model, c.*
    from model_keys as k
    join configurations as c on c.model_key = k.key
),

-- The measured configurations of the reference regime: serving GPU, reference batch.
reference as (
    select m.*
    from matched as m
    cross join calibrated as cal
    cross join coefficients as co
    where m.generation = cal.serving_generation
        and m.gpu_memory_gb = cal.serving_gpu_memory_gb
        and m.max_batch_size = co.max_batch
),

measured as (
    select
        model,
        arg_min(
            struct_pack(
                energy_per_output_token_j, gpu_count, precision_bits, weight_precision, source,
                task, model_id, configuration
            ),
            [
                case task when 'lm-arena-chat' then 1 when 'chat' then 2 else 3 end,
                case source when 'mlenergy_v3' then 1 else 2 end,
                -precision_bits,
                gpu_count
            ]
        ) as chosen,
        min(energy_per_output_token_j) as j_low,
        max(energy_per_output_token_j) as j_high,
        count(*) as configurations
    from reference
    group by model
),

language_models as (
    select
        d.model,
        d.domain,
        coalesce(d.parameters_b, e.total_b) as parameters_b,
        least(
            coalesce(d.active_parameters_b, e.active_b, d.parameters_b, e.total_b),
            coalesce(d.parameters_b, e.total_b)
        ) as active_parameters_b,
        d.organization_country
    from models as d
    left join ecologits as e using (model)
    where coalesce(d.parameters_b, e.total_b) > 0
        and (
            d.domain ilike '%language%'
            or exists (select 1 from measured as ms where ms.model = d.model)
        )
),

-- Serving location: the developer's country grid, its latest annual value; else world average.
located as (
    select
        l.*,
        i.carbon_intensity_kg_per_kwh as country_intensity
    from language_models as l
    left join names as n on n.input = l.organization_country
    left join intensity as i on i.zone_key = n.resolved
    qualify row_number() over (partition by l.model order by i.year desc nulls last) = 1
),

served as (
    select
        l.*,
        ms.chosen,
        ms.j_low as measured_j_low,
        ms.j_high as measured_j_high,
        ms.configurations,
        greatest(
            1,
            pow(2, ceil(log2(greatest(l.parameters_b * 2.0 * co.memory_overhead
                / cal.serving_gpu_memory_gb, 1e-9))))
        )::integer as estimate_gpu_count,
        cal.*,
        co.*
    from located as l
    left join measured as ms using (model)
    cross join calibrated as cal
    cross join coefficients as co
),

estimated as (
    select
        *,
        exp(
            b_intercept
            + b_ln_active_params_b * ln(active_parameters_b)
            + b_ln_gpu_count * ln(estimate_gpu_count)
            + b_ln_max_batch * ln(max_batch)
            + b_generation * serving_generation
        ) as estimate_j
    from served
),

per_token as (
    select
        *,
        case when chosen is null then 'estimated' else 'measured' end as inference_basis,
        coalesce(chosen.energy_per_output_token_j, estimate_j) as j_central,
        coalesce(measured_j_low, estimate_j / exp(interval_log_halfwidth)) as j_low,
        coalesce(measured_j_high, estimate_j * exp(interval_log_halfwidth)) as j_high,
        coalesce(country_intensity, ci_world) as ci,
        coalesce(country_intensity * ci_rel_low, ci_world_low) as ci_low,
        coalesce(country_intensity * ci_rel_high, ci_world_high) as ci_high
    from estimated
),

figures as (
    select
        *,
        wh_per_1k_requests(j_central * tokens_out) * pue as wh,
        wh_per_1k_requests(j_low * tokens_out) * pue_low as wh_low,
        wh_per_1k_requests(j_high * tokens_out) * pue_high as wh_high
    from per_token
),

final as (
    select
        f.model,
        f.domain,
        f.parameters_b,
        f.active_parameters_b,
        f.inference_basis,
        case f.inference_basis
            when 'measured' then
                'ML.ENERGY ' || replace(f.chosen.source, 'mlenergy_', '') || ', '
                || f.chosen.task || ': ' || f.chosen.model_id || ' on ' || f.chosen.gpu_count
                || ' x ' || f.serving_gpu || ', ' || f.chosen.configuration || ', '
                || coalesce(f.chosen.weight_precision, 'bf16/fp16') || ' ('
                || f.configurations || ' configuration(s) at this batch)'
            else
                'footprints estimator v1 (LOMO error ' || printf('%.2f', f.lomo_geomean_error)
                || 'x over ' || f.n_models || ' measured models): ' || f.estimate_gpu_count
                || ' x ' || f.serving_gpu || ', bf16, max batch ' || f.max_batch::integer
        end as inference_source,
        f.tokens_in::integer as request_tokens_in,
        f.tokens_out::integer as request_tokens_out,
        f.j_central as inference_j_per_output_token,
        f.j_low as inference_j_per_output_token_low,
        f.j_high as inference_j_per_output_token_high,
        f.wh as inference_wh_per_1k_requests,
        f.wh_low as inference_wh_per_1k_requests_low,
        f.wh_high as inference_wh_per_1k_requests_high,
        f.wh * f.ci as inference_co2e_g_per_1k_requests,
        f.wh_low * f.ci_low as inference_co2e_g_per_1k_requests_low,
        f.wh_high * f.ci_high as inference_co2e_g_per_1k_requests_high,
        f.wh / 1000.0 * f.wue as inference_water_l_per_1k_requests,
        f.wh_low / 1000.0 * f.wue_low as inference_water_l_per_1k_requests_low,
        f.wh_high / 1000.0 * f.wue_high as inference_water_l_per_1k_requests_high,
        f.serving_gpu,
        coalesce(f.chosen.gpu_count, f.estimate_gpu_count) as serving_gpu_count,
        -- one spelling per format: ML.ENERGY writes 'bfloat16', v2 none (bf16 or fp16)
        replace(coalesce(f.chosen.weight_precision, 'bf16'), 'bfloat16', 'bf16')
            as serving_precision,
        t.training_co2e_t * 1e6 / (f.wh * f.ci / 1000.0) as breakeven_requests,
        t.total_co2e_t * 1e6 / (f.wh * f.ci / 1000.0) as breakeven_requests_creation
    from figures as f
    left join totals as t using (model)
)

select * from final

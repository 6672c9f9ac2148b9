-- grain: one row per model x phase (training, development): a run's inputs resolved (accelerator,
-- its peak at the training precision, the compute that run spent) and the estimation tier chosen
-- after the plausibility guards of METHODOLOGY.md. A tier whose inputs imply something impossible
-- is skipped and the next tier that passes is used; a run where none passes has no tier and
-- goes to review (fct_runs_needing_review) with the reasons, never onto the ranked board.
--
-- Guards (each applies only when its inputs are known):
--   wall clock   GPU-hours / accelerators <= 1 year (8,760 h); a disclosed duration <= 365 days
--   utilisation  compute / (GPU-hours x 3,600 x peak at the precision used) within 5-75%
--   cluster      accelerators <= the largest cluster operational at the release date
--                (stg_gpus__largest_clusters, Epoch AI's GPU clusters data)
--   fine-tune    a model with a base model is costed from its own compute, never from a training
--                compute that includes the base model's pre-training: its disclosed fine-tune
--                compute (>= 1e15 FLOP; smaller cells are data-entry slips), else its training
--                compute minus its base models' when every base is on file and the remainder is
--                at least 10% of it (a vision encoder under a language model), else tier 5 is
--                not available to it
-- Tiers 1-2 (disclosed emissions or energy) are the developer's word: they are kept, and the
-- audit compares them with the recomputation.
--
-- Precision: the run's precision fact (Epoch's parser keeps the first format a row lists); a value
-- naming several formats is read narrowest first, since mixed precision multiplies in the
-- narrowest: fp8 -> fp8 peak; tf32 -> tf32 (else fp32); fp32
-- -> the fp32 peak (TPUs, with no fp32 figure, run fp32 matmuls as bf16 passes: their bf16 peak);
-- fp16/bf16/unknown -> the 16-bit tensor peak, else tf32, else fp32.
with runs as (
    select * from int_disclosures_pivoted
),

models as (
    select * from int_models_described
),

names as (
    select * from int_names_resolved
),

gpus as (
    select * from stg_gpus__specs
),

clusters as (
    select * from stg_gpus__largest_clusters
),

-- A fine-tune's own compute when its source gives none: its training compute minus that of its
-- base models (several joined by '; '), when every base model is on file.
base_compute as (
    select
        f.model,
        count(*) as bases,
        count(b.training_flops) as bases_on_file,
        list_sum(list(b.training_flops order by f.base_name)) as base_flops
    from (
        select model, unnest(string_split(base_model, '; ')) as base_name
        from models
        where base_model is not null
    ) as f
    left join models as b on lower(b.model) = lower(trim(f.base_name))
    group by f.model
),

mfu as (
    select central as mfu_central from stg_assumptions__coefficients where key = 'mfu'
),

training as (
    select * from runs where phase = 'training'
),

-- A development run that names no GPU or place ran where its final training did.
located as (
    select
        r.*,
        coalesce(r.gpu_text, t.gpu_text) as gpu_text_used,
        coalesce(r.location_text, t.location_text) as location_text_used,
        case when r.location_text is null then t.location_source_kind else r.location_source_kind end
            as location_source_kind_used,
        coalesce(r.cloud_vendor, t.cloud_vendor) as cloud_vendor_used,
        m.release_date,
        m.parameters_b,
        m.active_parameters_b,
        m.training_tokens_b,
        m.base_model,
        m.compute_confidence,
        -- The compute this run spent: a fine-tune's own, else the model's (disclosed, or 6 N D).
        case
            when m.base_model is not null then
                case
                    when m.finetune_flops >= 1e15 then m.finetune_flops
                    when b.bases = b.bases_on_file
                        and m.training_flops - b.base_flops >= 0.1 * m.training_flops
                        then m.training_flops - b.base_flops
                end
            else coalesce(
                m.training_flops,
                dense_training_flops(
                    coalesce(m.active_parameters_b, m.parameters_b) * 1e9,
                    m.training_tokens_b * 1e9
                )
            )
        end as flops_used
    from runs as r
    left join training as t on t.model = r.model and r.phase = 'development'
    left join models as m on m.model = r.model
    left join base_compute as b on b.model = r.model
),

resolved as (
    select
        l.*,
        g.resolved as gpu_id,
        g.method as gpu_resolution,
        g.count as gpu_count_in_name,
        z.resolved as zone_key,
        z.method as location_resolution,
        -- a fine-tune with no compute of its own on file: tier 5 is not available to it
        l.base_model is not null and l.flops_used is null as finetune_unusable
    from located as l
    left join names as g on g.kind = 'gpu' and g.input = l.gpu_text_used
    left join names as z on z.kind = 'location' and z.input = l.location_text_used
),

with_gpu as (
    select
        r.*,
        g.name as gpu_name,
        g.tdp_w,
        g.tdp_w_low,
        g.tdp_w_high,
        case
            when r.precision like '%fp8%' then coalesce(g.peak_fp8_tflops, g.peak_bf16_tflops)
            when r.precision like '%bf16%' or r.precision like '%fp16%'
                then coalesce(g.peak_bf16_tflops, g.peak_tf32_tflops, g.peak_fp32_tflops)
            when r.precision like '%tf32%' then coalesce(g.peak_tf32_tflops, g.peak_fp32_tflops)
            when r.precision like '%fp32%' then coalesce(g.peak_fp32_tflops, g.peak_bf16_tflops)
            else coalesce(g.peak_bf16_tflops, g.peak_tf32_tflops, g.peak_fp32_tflops)
        end as peak_tflops,
        case
            when r.precision like '%fp8%' then
                case when g.peak_fp8_tflops is not null then 'fp8'
                    when g.peak_bf16_tflops is not null then 'bf16' end
            when r.precision like '%bf16%' or r.precision like '%fp16%' then
                case when g.peak_bf16_tflops is not null
                        then case when r.precision like '%bf16%' then 'bf16' else 'fp16' end
                    when g.peak_tf32_tflops is not null then 'tf32'
                    when g.peak_fp32_tflops is not null then 'fp32' end
            when r.precision like '%tf32%' then
                case when g.peak_tf32_tflops is not null then 'tf32'
                    when g.peak_fp32_tflops is not null then 'fp32' end
            when r.precision like '%fp32%' then
                case when g.peak_fp32_tflops is not null then 'fp32'
                    when g.peak_bf16_tflops is not null then 'bf16' end
            else
                case when g.peak_bf16_tflops is not null then 'bf16'
                    when g.peak_tf32_tflops is not null then 'tf32'
                    when g.peak_fp32_tflops is not null then 'fp32' end
        end as peak_precision_used,
        coalesce(r.gpu_count, r.gpu_count_in_name) as gpu_count_used,
        coalesce(r.duration_days, date_diff('day', r.start_date, r.end_date)) as duration_days_used,
        (
            select max(c.accelerators) from clusters as c where c.as_of_date <= r.release_date
        ) as largest_cluster_at_release
    from resolved as r
    left join gpus as g on g.gpu_id = r.gpu_id
),

-- GPU-hours each tier would give (central), and what they imply.
candidates as (
    select
        w.*,
        w.gpu_count_used * w.duration_days_used * 24.0 as count_duration_gpu_hours,
        gpu_hours_from_flops(w.flops_used, w.peak_tflops, (select mfu_central from mfu))
            as flops_gpu_hours
    from with_gpu as w
),

checked as (
    select
        c.*,
        -- implied utilisation of disclosed or count x duration GPU-hours
        c.flops_used / nullif(c.gpu_hours * 3600.0 * c.peak_tflops * 1e12, 0)
            as utilisation_disclosed_hours,
        c.flops_used / nullif(c.count_duration_gpu_hours * 3600.0 * c.peak_tflops * 1e12, 0)
            as utilisation_count_duration,
        c.gpu_count_used > c.largest_cluster_at_release as cluster_too_large
    from candidates as c
),

guarded as (
    select
        k.*,
        case
            when k.gpu_hours is null then null
            when k.gpu_hours / nullif(k.gpu_count_used, 0) > 8760
                then 'tier 3: disclosed GPU-hours / accelerators exceed a year of wall clock'
            when k.utilisation_disclosed_hours not between 0.05 and 0.75
                then 'tier 3: compute / (GPU-hours x peak) implies '
                    || round(100 * k.utilisation_disclosed_hours, 1) || '% utilisation'
        end as tier3_failure,
        case
            when k.count_duration_gpu_hours is null then null
            when k.duration_days_used > 365 then 'tier 4: duration over a year'
            when k.cluster_too_large
                then 'tier 4: ' || k.gpu_count_used || ' accelerators exceed the largest cluster at release ('
                    || k.largest_cluster_at_release || ')'
            when k.utilisation_count_duration not between 0.05 and 0.75
                then 'tier 4: compute / (count x duration x peak) implies '
                    || round(100 * k.utilisation_count_duration, 1) || '% utilisation'
        end as tier4_failure,
        case
            when k.finetune_unusable and k.peak_tflops is not null
                then 'tier 5: fine-tune of ' || k.base_model
                    || ' with no fine-tune compute of its own on file (its training compute'
                    || ' includes the base model''s)'
            when k.flops_gpu_hours is null then null
            when k.flops_gpu_hours / nullif(k.gpu_count_used, 0) > 8760
                then 'tier 5: compute at the assumed utilisation needs more than a year on '
                    || k.gpu_count_used || ' accelerators'
            when k.cluster_too_large
                then 'tier 5: ' || k.gpu_count_used || ' accelerators exceed the largest cluster at release ('
                    || k.largest_cluster_at_release || ')'
        end as tier5_failure
    from checked as k
),

final as (
    select
        *,
        case
            when co2e_t is not null then 1
            when energy_mwh is not null then 2
            when gpu_hours is not null and tier3_failure is null then 3
            when count_duration_gpu_hours is not null and tier4_failure is null then 4
            when flops_gpu_hours is not null and tier5_failure is null then 5
        end as estimation_tier,
        -- GPU-hours (for embodied carbon and cost) from the best tier that passes, even when the
        -- footprint itself is disclosed (tiers 1-2)
        case
            when gpu_hours is not null and tier3_failure is null then 'disclosed'
            when count_duration_gpu_hours is not null and tier4_failure is null
                then 'count_x_duration'
            when flops_gpu_hours is not null and tier5_failure is null then 'flops'
        end as gpu_hours_basis,
        nullif(concat_ws('; ', tier3_failure, tier4_failure, tier5_failure), '') as guard_failures
    from guarded
)

select * from final

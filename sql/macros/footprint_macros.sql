-- The footprint formulas of METHODOLOGY.md, once, as DuckDB macros. Every transform and the
-- unit tests call these; nothing else restates a formula.

-- IT energy (MWh) = GPU-hours x average power per GPU (W) / 1e6   (h x W = Wh)
create or replace macro it_energy_mwh(gpu_hours, power_w) as gpu_hours * power_w / 1e6;

-- Facility energy (MWh) = IT energy x PUE
create or replace macro facility_energy_mwh(it_mwh, pue) as it_mwh * pue;

-- Operational carbon (t) = facility energy (MWh) x intensity (kg/kWh = t/MWh)
create or replace macro operational_co2e_t(energy_mwh, kg_per_kwh) as energy_mwh * kg_per_kwh;

-- Operational water (kL) = facility energy (MWh) x (WUE on-site + WUE off-site) (L/kWh = kL/MWh).
-- Morrison et al. apply PUE to both terms, i.e. both multiply facility energy (the default here).
create or replace macro operational_water_kl(energy_mwh, wue_onsite, wue_offsite) as
    energy_mwh * (wue_onsite + wue_offsite);

-- Embodied carbon (t) = GPU-hours x embodied kg per GPU / lifetime hours / 1000
create or replace macro embodied_co2e_t(gpu_hours, kg_per_gpu, life_years) as
    gpu_hours * kg_per_gpu / (life_years * 8760.0) / 1000.0;

-- Embodied water (kL) = GPU-hours x embodied L per GPU / lifetime hours / 1000
create or replace macro embodied_water_kl(gpu_hours, l_per_gpu, life_years) as
    gpu_hours * l_per_gpu / (life_years * 8760.0) / 1000.0;

-- Training FLOPs of a dense transformer ~= 6 x parameters x tokens
create or replace macro dense_training_flops(parameters, tokens) as 6.0 * parameters * tokens;

-- GPU-hours from FLOPs = FLOPs / (peak FLOP/s x MFU) / 3600
create or replace macro gpu_hours_from_flops(flops, peak_tflops, mfu) as
    flops / (peak_tflops * 1e12 * mfu) / 3600.0;

-- A model name as a comparison key, so a benchmark's Hub id finds the leaderboard's display name:
-- owner and a 'Meta-' prefix dropped, release suffixes (-Instruct, -chat, -Thinking, -it, -hf,
-- -base, -FP8, with a version or date after them, a bare -v0.x, or an active-size-and-experts tag
-- such as -17B-16E) dropped, then everything but letters, digits and dots. 'meta-llama/Meta-Llama-3.1-8B-Instruct' and 'Llama 3.1 8B' -> 'llama3.18b'.
create or replace macro model_key(name) as regexp_replace(
    regexp_replace(
        regexp_replace(
            regexp_replace(lower(regexp_replace(trim(name), '^.*/', '')), '^meta[- ]', ''),
            '([- _](instruct|chat|thinking|it|hf|base|fp8)([- _]v?[0-9]+(\.[0-9]+)?)?)+$', ''
        ),
        '([- _]v0\.[0-9]+|[- _][0-9]+b[- _][0-9]+e)$', ''
    ),
    '[^a-z0-9.]', '', 'g'
);

-- Energy (J) per request -> Wh per 1,000 requests (1 Wh = 3,600 J)
create or replace macro wh_per_1k_requests(j_per_request) as j_per_request * 1000.0 / 3600.0;

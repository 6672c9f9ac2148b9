"""The figures behind the filings (`footprints export ai-act | spdx | boamps`), read once.

A `Filing` holds one model's leaderboard row, its training run's details, where each disclosed
figure was read (fct_fact_sources) and, when the inference mart exists, its inference row. Its
`figures` say for each value whether it is known (disclosed), estimated (and how, in words) or
unknown, with its source. The three formats and the model card's Hugging Face block are drawn
from the same Filing, so they state the same emissions, source, hardware and training type.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from tasks.core.citations import TIER_METHODS
from tasks.load.warehouse import read_sql
from tasks.outputs.card import co2_eq_emissions, find_model, training_type

UNKNOWN_INFERENCE = "unknown — not measured or estimated"

# Who a fact's source kind is (stg_disclosures__facts.source_kind), as a filing names it.
SOURCE_KINDS = {
    "card": "developer's model card",
    "publication": "developer's publication",
    "user": "user's own disclosure file",
    "codecarbon": "CodeCarbon measurement",
    "epoch": "Epoch AI database",
    "hfco2": "Hugging Face co2_eq_emissions metadata",
}

POWER_SOURCES = {
    "disclosed": "disclosed power per accelerator",
    "tdp": "the accelerator's rated power (TDP)",
    "tdp_unknown": "a default power, the accelerator being unknown",
}

GPU_HOURS_BASES = {
    "disclosed": "disclosed GPU-hours",
    "count_x_duration": "GPU count × training duration × 24 h",
    "flops": "training FLOP / (peak FLOP/s × model FLOP utilisation)",
    "energy": "disclosed energy / (power per accelerator × PUE)",
}

# The forward pass of a transformer does about one multiply and one add per weight for each
# token it generates (Kaplan et al. 2020, arXiv:2001.08361, section 2.1: C_forward ≈ 2N).
FLOP_PER_PARAMETER_PER_TOKEN = 2.0
FLOP_PER_TOKEN_METHOD = (
    "≈ 2 FLOP per active parameter per generated token (a forward pass does one multiply and "
    "one add per weight; Kaplan et al. 2020, arXiv:2001.08361, section 2.1). Attention over "
    "the context is not counted, so long prompts cost more"
)


@dataclass(frozen=True)
class Figure:
    """One value of a filing: known (disclosed), estimated (method in words) or unknown."""

    key: str
    label: str
    value: float | None
    unit: str
    status: str
    method: str
    source: str
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Filing:
    model: str
    row: dict[str, Any]
    run: dict[str, Any]
    facts: dict[tuple[str, str], dict[str, Any]]
    inference: dict[str, Any] | None
    figures: tuple[Figure, ...]

    @property
    def co2_eq_emissions(self) -> dict[str, Any]:
        """The model card's Hugging Face block: every format states these values."""
        return dict(co2_eq_emissions(self.row)["co2_eq_emissions"])

    @property
    def training_type(self) -> str:
        return training_type(self.row)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


def _dict_rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]


def read_filing(con: duckdb.DuckDBPyConnection, name: str) -> Filing:
    """One model's filing figures (UnknownModelError, listing close names, when not ranked)."""
    row = find_model(con, name)
    model = row["model"]
    runs = _dict_rows(con.execute(read_sql("reports/select_filing_run.sql"), [model]))
    run = runs[0] if runs else {}
    facts = {
        (f["phase"], f["field"]): f
        for f in _dict_rows(con.execute(read_sql("reports/select_fact_sources.sql"), [model]))
    }
    inference = None
    has_inference = con.execute(read_sql("reports/select_has_inference.sql")).fetchall()[0][0]
    if has_inference:
        found = _dict_rows(con.execute(read_sql("reports/select_inference_row.sql"), [model]))
        inference = found[0] if found else None
    figures = build_figures(row, run, facts, inference)
    return Filing(model, row, run, facts, inference, figures)


def fact_source(fact: dict[str, Any] | None) -> str:
    """'Epoch AI database: URL (row Model=BLOOM-176B)' for a fact; '' for none."""
    if not fact:
        return ""
    who = SOURCE_KINDS.get(str(fact.get("source_kind")), str(fact.get("source_kind")))
    where = f" ({fact['source_locator']})" if fact.get("source_locator") else ""
    return f"{who}: {fact['source_url']}{where}"


def _sources(*facts: dict[str, Any] | None) -> str:
    return " ; ".join(dict.fromkeys(s for s in map(fact_source, facts) if s))


def _num(value: Any) -> float | None:
    if value is None:
        return None
    x = float(value)
    return None if math.isnan(x) else x


def _unknown(key: str, label: str, unit: str, why: str) -> Figure:
    return Figure(key, label, None, unit, "unknown", why, "")


def build_figures(
    row: dict[str, Any],
    run: dict[str, Any],
    facts: dict[tuple[str, str], dict[str, Any]],
    inference: dict[str, Any] | None,
) -> tuple[Figure, ...]:
    """The filing's values, each with its status, method and source."""
    builders: list[Callable[..., Figure]] = [
        _training_compute,
        _training_time,
        _gpu_hours,
        _training_energy,
        _training_co2e,
        _flop_per_token,
    ]
    figures = [b(row, run, facts, inference) for b in builders]
    return (*figures, *_inference_figures(inference))


def _training_compute(row: dict, run: dict, facts: dict, _inf: Any) -> Figure:
    """The run's own compute (fct_training_runs.flops_used): a fine-tune's own, else the
    model's, disclosed or Epoch AI's, else 6 × parameters × tokens."""
    key, label = "training_compute_flop", "Training compute"
    value = _num(run.get("flops_used"))
    if value is None:
        why = "unknown: neither the developer nor Epoch AI states it"
        return _unknown(key, label, "FLOP", why)
    finetune = training_type(row) == "fine-tuning"
    own = _num(run.get("finetune_flops" if finetune else "training_flops"))
    if finetune and own is None:
        method = "the model's training compute minus its base model's (Epoch AI's figures)"
        sources = _sources(facts.get(("model", "training_flops")))
        return Figure(key, label, value, "FLOP", "estimated", method, sources)
    if own is None:
        method = "6 × parameters × training tokens (the dense-transformer rule)"
        sources = _sources(
            facts.get(("model", "active_parameters_b")) or facts.get(("model", "parameters_b")),
            facts.get(("model", "training_tokens_b")),
        )
        return Figure(key, label, value, "FLOP", "estimated", method, sources)
    fact = facts.get(("model", "finetune_flops" if finetune else "training_flops"))
    what = "the fine-tuning's own compute" if finetune else "the training run's compute"
    if fact and fact["source_kind"] == "epoch":
        confidence = run.get("epoch_compute_confidence") or "not stated"
        method = f"{what}, Epoch AI's figure (its confidence: {confidence})"
        return Figure(key, label, value, "FLOP", "estimated", method, fact_source(fact))
    return Figure(key, label, value, "FLOP", "known", f"{what}, disclosed", fact_source(fact))


def _training_time(row: dict, run: dict, facts: dict, _inf: Any) -> Figure:
    key, label = "training_time_days", "Training time (wall clock)"
    days = _num(run.get("duration_days"))
    duration = facts.get(("training", "duration_days"))
    if days is not None and duration:
        return Figure(key, label, days, "days", "known", "disclosed", fact_source(duration))
    if days is not None:
        start, end = facts.get(("training", "start_date")), facts.get(("training", "end_date"))
        method = "last day − first day of the run, both disclosed"
        return Figure(key, label, days, "days", "known", method, _sources(start, end))
    hours, count = _num(row.get("gpu_hours")), _num(row.get("gpu_count"))
    if hours and count:
        method = "GPU-hours / GPU count / 24 (every accelerator busy for the whole run)"
        sources = _sources(
            facts.get(("training", "gpu_hours")), facts.get(("training", "gpu_count"))
        )
        return Figure(key, label, hours / count / 24.0, "days", "estimated", method, sources)
    return _unknown(key, label, "days", "unknown: no duration, dates or GPU count disclosed")


def _gpu_hours(row: dict, run: dict, facts: dict, _inf: Any) -> Figure:
    key, label = "training_gpu_hours", "Training hardware time"
    hours = _num(row.get("gpu_hours"))
    basis = row.get("gpu_hours_basis")
    if hours is None or basis is None:
        return _unknown(key, label, "GPU-hours", "unknown: no GPU-hours, count × duration or FLOP")
    low, high = _num(row.get("gpu_hours_low")), _num(row.get("gpu_hours_high"))
    if basis == "disclosed":
        fact = facts.get(("training", "gpu_hours"))
        return Figure(key, label, hours, "GPU-hours", "known", "disclosed", fact_source(fact))
    method = GPU_HOURS_BASES.get(str(basis), str(basis))
    if basis == "flops":
        method += (
            f" (peak {run.get('peak_tflops')} TFLOP/s at {run.get('peak_precision_used')}; "
            "utilisation from the assumptions table, ranged)"
        )
    inputs = {
        "count_x_duration": [("training", "gpu_count"), ("training", "duration_days")],
        "flops": [("model", "training_flops"), ("model", "finetune_flops")],
        "energy": [("training", "energy_mwh"), ("training", "power_w")],
    }.get(str(basis), [])
    sources = _sources(*(facts.get(k) for k in inputs))
    return Figure(key, label, hours, "GPU-hours", "estimated", method, sources, low, high)


def _training_energy(row: dict, run: dict, facts: dict, _inf: Any) -> Figure:
    key, label = "training_energy_mwh", "Training energy"
    energy = _num(row.get("training_energy_mwh"))
    if energy is None:
        return _unknown(
            key,
            label,
            "MWh",
            "unknown: not disclosed, and no GPU-hours, GPU count × duration or training "
            "compute to estimate it from",
        )
    low, high = _num(row.get("training_energy_mwh_low")), _num(row.get("training_energy_mwh_high"))
    if run.get("energy_disclosed"):
        fact = facts.get(("training", "energy_mwh"))
        return Figure(key, label, energy, "MWh", "known", "disclosed", fact_source(fact), low, high)
    basis = GPU_HOURS_BASES.get(str(row.get("gpu_hours_basis")), "GPU-hours")
    power = POWER_SOURCES.get(str(run.get("power_source")), str(run.get("power_source")))
    method = (
        f"from computational resources: GPU-hours ({basis}) × "
        f"{_num(run.get('power_w')) or 0:g} W per accelerator ({power}) × PUE "
        f"{_num(row.get('pue')) or 1:g}; range from each input's low–high"
    )
    # the GPU-hours' own sources (disclosed, count x duration or FLOP), then power and PUE
    hours = _gpu_hours(row, run, facts, None).source
    inputs = _sources(facts.get(("training", "power_w")), facts.get(("training", "pue")))
    sources = " ; ".join(dict.fromkeys(s for s in (*hours.split(" ; "), inputs) if s))
    return Figure(key, label, energy, "MWh", "estimated", method, sources, low, high)


def _training_co2e(row: dict, run: dict, facts: dict, _inf: Any) -> Figure:
    key, label = "training_co2e_t", "Training emissions (location-based)"
    co2e = _num(row.get("training_co2e_t"))
    if co2e is None:
        return _unknown(key, label, "t CO2e", "unknown")
    low, high = _num(row.get("training_co2e_t_low")), _num(row.get("training_co2e_t_high"))
    source = co2_eq_emissions(row)["co2_eq_emissions"]["source"]
    if row.get("training_co2e_basis") == "disclosed":
        return Figure(key, label, co2e, "t CO2e", "known", "disclosed", source, low, high)
    tier = row.get("estimation_tier")
    method = (
        f"tier {tier}: {TIER_METHODS.get(tier, 'estimate')}; grid intensity "
        f"{_num(row.get('carbon_intensity_kg_per_kwh')) or 0:.3g} kg CO2e/kWh "
        f"({row.get('carbon_intensity_source') or 'source not recorded'})"
    )
    return Figure(key, label, co2e, "t CO2e", "estimated", method, source, low, high)


def active_parameters_b(
    row: dict[str, Any], run: dict[str, Any], inference: dict[str, Any] | None
) -> tuple[float | None, str]:
    """Active parameters (billions) for inference and which column gave them."""
    for holder, column in ((inference, "active_parameters_b"), (run, "active_parameters_b")):
        value = _num((holder or {}).get(column))
        if value:
            return value, "active_parameters_b"
    return _num(row.get("parameters_b")), "parameters_b"


def _flop_per_token(row: dict, run: dict, facts: dict, inference: Any) -> Figure:
    key, label = "inference_compute_flop_per_token", "Inference compute per generated token"
    active, column = active_parameters_b(row, run, inference)
    if not active:
        return _unknown(key, label, "FLOP/token", "unknown: the parameter count is unknown")
    value = FLOP_PER_PARAMETER_PER_TOKEN * active * 1e9
    source = _sources(facts.get(("model", column)))
    if not source and inference and inference.get("inference_source"):
        source = str(inference["inference_source"])
    method = f"{FLOP_PER_TOKEN_METHOD}; {active:g} B {column.replace('_b', '').replace('_', ' ')}"
    return Figure(key, label, value, "FLOP/token", "estimated", method, source)


def inference_shape(inference: dict[str, Any]) -> str:
    """'a request of 1,000 tokens in and 300 out, served on 8 × H100 at bf16'."""
    text = (
        f"a request of {_num(inference.get('request_tokens_in')) or 0:,.0f} tokens in and "
        f"{_num(inference.get('request_tokens_out')) or 0:,.0f} out"
    )
    if inference.get("serving_gpu"):
        count = _num(inference.get("serving_gpu_count"))
        text += f", served on {count:g} × {inference['serving_gpu']}" if count else ""
        if inference.get("serving_precision"):
            text += f" at {inference['serving_precision']}"
    return text


def _inference_figures(inference: dict[str, Any] | None) -> list[Figure]:
    specs = [
        ("inference_wh_per_1k_requests", "Inference energy per 1,000 requests", "Wh"),
        ("inference_j_per_output_token", "Inference energy per output token", "J/token"),
        ("inference_co2e_g_per_1k_requests", "Inference emissions per 1,000 requests", "g CO2e"),
    ]
    figures = []
    for key, label, unit in specs:
        value = _num((inference or {}).get(key))
        if inference is None or value is None:
            figures.append(_unknown(key, label, unit, UNKNOWN_INFERENCE))
            continue
        status = "known" if inference.get("inference_basis") == "measured" else "estimated"
        method = f"{inference.get('inference_basis')}, for {inference_shape(inference)}"
        figures.append(
            Figure(
                key,
                label,
                value,
                unit,
                status,
                method,
                str(inference.get("inference_source") or ""),
                _num(inference.get(f"{key}_low")),
                _num(inference.get(f"{key}_high")),
            )
        )
    return figures

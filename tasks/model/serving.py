"""One model's serving figures as `footprints inference` prints them, optionally moved to another
grid (`zone` or `intensity`), accelerator (`gpu`) or weight precision (`precision`), and the
traffic at which serving catches up with training.

The figures are fct_model_inference's row. Another accelerator or precision re-runs the
calibrated estimator (tasks/model/inference.py: the accelerators to hold the weights, then J per
output token with its 90% prediction interval), so the basis becomes 'estimated'; another grid
keeps the energy and changes only the carbon. Keys are the leaderboard's column names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import duckdb

from tasks.load.warehouse import read_sql
from tasks.model.inference import (
    GpuCatalogue,
    InferenceError,
    calibration_from_row,
    design,
    gpus_to_hold,
    precision_bits,
    predict,
)
from tasks.model.whatif import Triple, WhatIfError, pick_model, resolve_zone, zone_intensity

BOUNDED = (
    "inference_j_per_output_token",
    "inference_wh_per_1k_requests",
    "inference_co2e_g_per_1k_requests",
    "inference_water_l_per_1k_requests",
)


@dataclass(frozen=True)
class Traffic:
    """Requests served: a total, or a daily rate over a number of days."""

    requests: float | None = None
    requests_per_day: float | None = None
    days: float | None = None

    @property
    def total(self) -> float | None:
        if self.requests is not None:
            return self.requests
        if self.requests_per_day is not None and self.days is not None:
            return self.requests_per_day * self.days
        return None


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _triple(row: dict[str, Any], column: str) -> Triple:
    return Triple(row[f"{column}_low"], row[column], row[f"{column}_high"])


def _put(row: dict[str, Any], column: str, value: Triple) -> None:
    row[f"{column}_low"], row[column], row[f"{column}_high"] = value.low, value.central, value.high


def _reestimate(
    con: duckdb.DuckDBPyConnection, row: dict[str, Any], gpu: str | None, precision: str | None
) -> None:
    """J per output token on another accelerator or precision, from the estimator."""
    calibrated = _rows(con.execute(read_sql("reports/select_inference_calibration.sql")))
    if not calibrated:
        raise InferenceError("the warehouse has no calibrated inference estimator")
    cal = calibrated[0]
    bits = precision_bits(precision or "bf16")
    served = GpuCatalogue(con).get(gpu or cal["serving_gpu"])
    count = gpus_to_hold(row["parameters_b"], bits, served.memory_gb, cal["memory_overhead"])
    x = design(row["active_parameters_b"], count, cal["max_batch"], served.generation, bits)
    estimate = predict(calibration_from_row(cal), x)
    old = _triple(row, "inference_j_per_output_token")
    new = Triple(estimate.low, estimate.j_per_output_token, estimate.high)
    # Energy, carbon and water scale with J per token, bound by bound; PUE, intensity and WUE
    # stay as they were.
    scale = Triple(new.low / old.low, new.central / old.central, new.high / old.high)
    for column in BOUNDED[1:]:
        _put(row, column, _triple(row, column) * scale)
    _put(row, "inference_j_per_output_token", new)
    row |= {
        "inference_basis": "estimated",
        "inference_source": (
            f"footprints estimator v1 (LOMO error {cal['lomo_geomean_error']:.2f}x over "
            f"{cal['n_models']} measured models): {count} x {gpu or cal['serving_gpu']}, "
            f"{precision or 'bf16'}, max batch {int(cal['max_batch'])}"
        ),
        "serving_gpu": gpu or cal["serving_gpu"],
        "serving_gpu_count": count,
        "serving_precision": precision or "bf16",
    }


def _regrid(
    con: duckdb.DuckDBPyConnection, row: dict[str, Any], zone: str | None, intensity: float | None
) -> None:
    """Carbon at another grid: a zone's intensity (with its range) or a given kg/kWh."""
    if intensity is not None:
        if not math.isfinite(intensity) or intensity < 0:
            raise WhatIfError(f"--intensity {intensity}: give kg CO2e per kWh, 0 or more")
        ci = Triple.exact(intensity)
    else:
        ci = zone_intensity(con, resolve_zone(con, zone or "")).carbon_intensity
    # kg/kWh = g/Wh
    _put(row, "inference_co2e_g_per_1k_requests", _triple(row, "inference_wh_per_1k_requests") * ci)


def serving_figures(
    con: duckdb.DuckDBPyConnection,
    name: str,
    *,
    zone: str | None = None,
    intensity: float | None = None,
    gpu: str | None = None,
    precision: str | None = None,
) -> dict[str, Any]:
    """The model's serving figures and breakeven, keyed by leaderboard column names (None where
    unknown), after the requested changes."""
    models = [r[0] for r in con.execute(read_sql("reports/select_inference_models.sql")).fetchall()]
    model = pick_model(con, name, models, "a language model with inference figures")
    row = _rows(con.execute(read_sql("reports/select_inference_row.sql"), [model]))[0]
    if gpu is not None or precision is not None:
        _reestimate(con, row, gpu, precision)
    if zone is not None or intensity is not None:
        _regrid(con, row, zone, intensity)
    per_request_g = row["inference_co2e_g_per_1k_requests"] / 1000.0
    for column, emitted in (
        ("breakeven_requests", row["training_co2e_t"]),
        ("breakeven_requests_creation", row["total_co2e_t"]),
    ):
        row[column] = emitted * 1e6 / per_request_g if emitted and per_request_g > 0 else None
    return row


def traffic_figures(row: dict[str, Any], traffic: Traffic) -> dict[str, float | None]:
    """What a stated traffic does: its CO2e, and the days until serving has emitted what
    training (and the whole creation) did, at the daily rate."""
    total = traffic.total
    per_request_g = row["inference_co2e_g_per_1k_requests"] / 1000.0
    out: dict[str, float | None] = {
        "requests": total,
        "requests_co2e_t": total * per_request_g / 1e6 if total is not None else None,
        "requests_wh": total * row["inference_wh_per_1k_requests"] / 1000.0 if total else None,
    }
    rate = traffic.requests_per_day
    for column in ("breakeven_requests", "breakeven_requests_creation"):
        days = row[column] / rate if rate and row[column] is not None else None
        out[column.replace("breakeven_requests", "days_to_breakeven")] = days
    return out

"""The inference estimator: energy per output token, calibrated on measured configurations.

A log-log least-squares fit (numpy) over every language-model configuration ML.ENERGY measured
with an energy per output token (sql/intermediate/select_inference_configurations.sql):

    ln(J per output token) = b0 + b1 ln(active parameters, B) + b2 ln(GPUs) + b3 ln(max batch)
                             + b4 generation + b5 log2(weight bits / 16)

`generation` is the accelerator's release year in the GPU catalogue, minus 2022, over 2 (A100
-1, H100 0, B200 1). The range is a 90% prediction interval for a model the fit has not seen:
central x exp(+-1.645 s), where s is the standard deviation of the leave-one-model-out log errors
(each model's configurations predicted by a fit without that model), not of the in-sample
residuals, so the width is what the estimator shows on unseen models.

The build registers two tables from here (tasks/model/transform.py): `int_inference_configurations`
(each calibration configuration with its GPU, features, fitted and leave-one-model-out
predictions) and `int_inference_calibrated` (one row: coefficients, interval, error, and the
serving GPU the marts assume). The SQL marts and `footprints inference` apply the same formula.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from tasks.core.gpu_names import GpuResolver
from tasks.load.warehouse import read_sql

# The reference serving accelerator: the GPU both ML.ENERGY v3 and the AI Energy Score measure
# on, and the data-centre GPU most deployed for inference 2023-25.
SERVING_GPU = "H100"
# Two-sided 90% quantile of the normal distribution.
INTERVAL_Z = 1.6449
TERMS = (
    "intercept",
    "ln_active_params_b",
    "ln_gpu_count",
    "ln_max_batch",
    "generation",
    "precision",
)
# Bits per weight of the formats the sources and the CLI name.
PRECISION_BITS = {
    "fp32": 32,
    "float32": 32,
    "tf32": 32,
    "bf16": 16,
    "bfloat16": 16,
    "fp16": 16,
    "float16": 16,
    "fp8": 8,
    "int8": 8,
    "mxfp4": 4,
    "fp4": 4,
    "int4": 4,
}
DEFAULT_BITS = 16  # ML.ENERGY rows without a stated precision ran in bf16/fp16 (vLLM default)


class InferenceError(ValueError):
    """A serving set-up the estimator cannot price; the message says what is missing."""


def precision_bits(precision: str | None) -> int:
    """Bits per weight of a precision name (bf16, fp8, ...)."""
    if precision is None or not precision.strip():
        return DEFAULT_BITS
    bits = PRECISION_BITS.get(precision.strip().lower())
    if bits is None:
        raise InferenceError(
            f"unknown precision {precision!r}; known: {', '.join(sorted(PRECISION_BITS))}"
        )
    return bits


def generation_of(release_year: int) -> float:
    """Accelerator generation on the fit's scale: (release year - 2022) / 2."""
    return (release_year - 2022) / 2.0


def gpus_to_hold(total_params_b: float, bits: int, memory_gb: float, overhead: float) -> int:
    """Accelerators needed to hold the weights (x overhead for activations and KV cache), as a
    power of two (tensor-parallel degrees are; ML.ENERGY's are 1, 2, 4 and 8)."""
    needed = total_params_b * bits / 8.0 * overhead / memory_gb
    return 1 if needed <= 1 else 2 ** math.ceil(math.log2(needed))


def design(
    active_params_b: float, gpu_count: float, max_batch: float, generation: float, bits: float
) -> np.ndarray:
    """One row of the design matrix, in TERMS order."""
    return np.array(
        [
            1.0,
            math.log(active_params_b),
            math.log(gpu_count),
            math.log(max_batch),
            generation,
            math.log2(bits / 16.0),
        ]
    )


@dataclass(frozen=True)
class Calibration:
    coefficients: np.ndarray  # in TERMS order
    interval_log_halfwidth: float  # INTERVAL_Z x sd of the leave-one-model-out log errors
    n_configurations: int
    n_models: int
    lomo_geomean_error: float  # exp(mean |ln(predicted / measured)|) on unseen models
    lomo_coverage: float  # share of configurations inside their own 90% interval


@dataclass(frozen=True)
class Estimate:
    j_per_output_token: float
    low: float
    high: float


def predict(calibration: Calibration, x: np.ndarray) -> Estimate:
    """Energy per output token (J) and its 90% prediction interval at design row `x`."""
    central = float(np.exp(x @ calibration.coefficients))
    w = math.exp(calibration.interval_log_halfwidth)
    return Estimate(central, central / w, central * w)


def _fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    coefficients, *_ = np.linalg.lstsq(x, y, rcond=None)
    return np.asarray(coefficients)


def leave_one_model_out(x: np.ndarray, y: np.ndarray, models: Sequence[str]) -> np.ndarray:
    """ln predictions of every configuration by a fit that did not see its model."""
    groups = np.asarray(models)
    out = np.empty_like(y)
    for model in sorted(set(models)):
        held = groups == model
        out[held] = x[held] @ _fit(x[~held], y[~held])
    return out


def calibrate(
    x: np.ndarray, y: np.ndarray, models: Sequence[str]
) -> tuple[Calibration, np.ndarray]:
    """The fit on every configuration, and the leave-one-model-out ln predictions."""
    if len(set(models)) < len(TERMS) + 1:
        raise InferenceError(
            f"{len(set(models))} measured models cannot calibrate {len(TERMS)} terms"
        )
    held_out = leave_one_model_out(x, y, models)
    errors = held_out - y
    halfwidth = INTERVAL_Z * float(np.std(errors, ddof=1))
    calibration = Calibration(
        coefficients=_fit(x, y),
        interval_log_halfwidth=halfwidth,
        n_configurations=len(y),
        n_models=len(set(models)),
        lomo_geomean_error=float(np.exp(np.mean(np.abs(errors)))),
        lomo_coverage=float(np.mean(np.abs(errors) <= halfwidth)),
    )
    return calibration, held_out


# ---------------------------------------------------------------------------------------------
# From the warehouse


@dataclass(frozen=True)
class Gpu:
    gpu_id: str
    memory_gb: float
    generation: float


class GpuCatalogue:
    """Accelerator names -> catalogue id, memory and generation (raw_gpu_aliases/specs)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        aliases = con.execute("select alias, gpu_id from raw_gpu_aliases").fetchall()
        specs = con.execute(
            "select gpu_id, memory_gb, year(release_date) from raw_gpu_specs"
        ).fetchall()
        self._specs = {gpu_id: (memory, year) for gpu_id, memory, year in specs}
        self._resolver = GpuResolver(aliases, list(self._specs), strict=False)

    def get(self, name: str) -> Gpu:
        resolved = self._resolver.resolve(name).resolved
        memory, year = self._specs.get(resolved or "", (None, None))
        if resolved is None or memory is None or year is None:
            raise InferenceError(
                f"GPU {name!r}: not in the GPU catalogue with memory and release date"
            )
        return Gpu(resolved, float(memory), generation_of(int(year)))


CONFIGURATIONS_SCHEMA = {
    "source": pl.String,
    "task": pl.String,
    "model_id": pl.String,
    "model_key": pl.String,
    "gpu": pl.String,
    "gpu_id": pl.String,
    "gpu_memory_gb": pl.Float64,
    "configuration": pl.String,
    "weight_precision": pl.String,
    "precision_bits": pl.Int64,
    "generation": pl.Float64,
    "total_params_b": pl.Float64,
    "active_params_b": pl.Float64,
    "gpu_count": pl.Int64,
    "max_batch_size": pl.Int64,
    "avg_output_tokens": pl.Float64,
    "energy_per_output_token_j": pl.Float64,
    "fitted_j_per_output_token": pl.Float64,
    "lomo_j_per_output_token": pl.Float64,
    "source_url": pl.String,
}


def _configurations(con: duckdb.DuckDBPyConnection, catalogue: GpuCatalogue) -> list[dict]:
    cursor = con.execute(read_sql("intermediate/select_inference_configurations.sql"))
    names = [d[0] for d in cursor.description]
    rows = []
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        gpu = catalogue.get(row["gpu"])
        bits = precision_bits(row["weight_precision"])
        if row["weight_precision"] is None and (
            row["total_params_b"] * bits / 8 > row["gpu_count"] * gpu.memory_gb
        ):
            # v2 states no precision; weights that cannot fit in 16 bits ran in 8 (Llama 3.1
            # 405B on 8 x H100 80GB is ML.ENERGY's FP8 checkpoint).
            bits = 8
        row |= {
            "gpu_id": gpu.gpu_id,
            "gpu_memory_gb": gpu.memory_gb,
            "generation": gpu.generation,
            "precision_bits": bits,
        }
        rows.append(row)
    return rows


def _matrix(rows: Iterable[dict]) -> np.ndarray:
    return np.array(
        [
            design(
                r["active_params_b"],
                r["gpu_count"],
                r["max_batch_size"],
                r["generation"],
                r["precision_bits"],
            )
            for r in rows
        ]
    )


def build_calibration(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(int_inference_configurations, int_inference_calibrated) from the landed measurements;
    both empty when too few models are measured to calibrate (a warehouse without the inference
    sources: the inference mart is then empty, the rest of the build unaffected)."""
    catalogue = GpuCatalogue(con)
    rows = _configurations(con, catalogue)
    if len({r["model_key"] for r in rows}) <= len(TERMS):
        return pl.DataFrame(schema=CONFIGURATIONS_SCHEMA), pl.DataFrame(schema=CALIBRATED_SCHEMA)
    x = _matrix(rows)
    y = np.log([r["energy_per_output_token_j"] for r in rows])
    calibration, held_out = calibrate(x, y, [r["model_key"] for r in rows])
    fitted = np.exp(x @ calibration.coefficients)
    for r, f, h in zip(rows, fitted, np.exp(held_out), strict=True):
        r["fitted_j_per_output_token"] = float(f)
        r["lomo_j_per_output_token"] = float(h)
    configurations = pl.DataFrame(rows, schema=CONFIGURATIONS_SCHEMA)
    return configurations, calibrated_frame(calibration, catalogue)


CALIBRATED_SCHEMA = {
    **{f"b_{term}": pl.Float64 for term in TERMS},
    "interval_log_halfwidth": pl.Float64,
    "n_configurations": pl.Int64,
    "n_models": pl.Int64,
    "lomo_geomean_error": pl.Float64,
    "lomo_coverage": pl.Float64,
    "serving_gpu": pl.String,
    "serving_gpu_id": pl.String,
    "serving_gpu_memory_gb": pl.Float64,
    "serving_generation": pl.Float64,
}


def calibrated_frame(calibration: Calibration, catalogue: GpuCatalogue) -> pl.DataFrame:
    """The one-row table of coefficients, interval, errors and the serving GPU."""
    serving = catalogue.get(SERVING_GPU)
    row: dict[str, float | int | str] = {
        f"b_{term}": float(c) for term, c in zip(TERMS, calibration.coefficients, strict=True)
    }
    row |= {
        "interval_log_halfwidth": calibration.interval_log_halfwidth,
        "n_configurations": calibration.n_configurations,
        "n_models": calibration.n_models,
        "lomo_geomean_error": calibration.lomo_geomean_error,
        "lomo_coverage": calibration.lomo_coverage,
        "serving_gpu": SERVING_GPU,
        "serving_gpu_id": serving.gpu_id,
        "serving_gpu_memory_gb": serving.memory_gb,
        "serving_generation": serving.generation,
    }
    return pl.DataFrame([row], schema=CALIBRATED_SCHEMA)


def calibration_from_row(row: dict) -> Calibration:
    """A Calibration back from its int_inference_calibrated row (for the CLI)."""
    return Calibration(
        coefficients=np.array([row[f"b_{term}"] for term in TERMS]),
        interval_log_halfwidth=row["interval_log_halfwidth"],
        n_configurations=row["n_configurations"],
        n_models=row["n_models"],
        lomo_geomean_error=row["lomo_geomean_error"],
        lomo_coverage=row["lomo_coverage"],
    )

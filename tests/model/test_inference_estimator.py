"""The inference estimator (issue 18) on the bundled snapshot's measured configurations: its
leave-one-model-out error, the serving hardware that memory implies, the mart's figures against an
independent recomputation, and the breakeven of Llama 2 7B."""

from __future__ import annotations

import numpy as np
import pytest

from tasks.model.inference import (
    InferenceError,
    calibrate,
    calibration_from_row,
    design,
    gpus_to_hold,
    precision_bits,
    predict,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def con(trust_con):
    return trust_con


def _one(con, sql: str, params: list | None = None) -> dict:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    assert len(rows) == 1, (sql, rows)
    return dict(zip(names, rows[0], strict=True))


def test_leave_one_model_out_error_is_at_most_one_and_a_half(con) -> None:
    rows = con.execute(
        "select model_key, active_params_b, gpu_count, max_batch_size, generation, "
        "precision_bits, energy_per_output_token_j from int_inference_configurations"
    ).fetchall()
    x = np.array([design(a, g, b, gen, bits) for _, a, g, b, gen, bits, _ in rows])
    y = np.log([r[-1] for r in rows])
    calibration, held_out = calibrate(x, y, [r[0] for r in rows])
    # Every configuration predicted by a fit that never saw its model (FP8 and thinking variants
    # share their model's key, so they are left out together).
    assert calibration.n_models >= 40 and calibration.n_configurations >= 800
    geomean = float(np.exp(np.mean(np.abs(held_out - y))))
    assert geomean == pytest.approx(calibration.lomo_geomean_error)
    assert geomean <= 1.5
    # The 90% interval, sized on those errors, holds about 90% of them.
    assert 0.85 <= calibration.lomo_coverage <= 0.95
    stored = _one(con, "select lomo_geomean_error, n_models from int_inference_calibrated")
    assert stored["lomo_geomean_error"] == pytest.approx(geomean)


def test_per_token_energy_falls_with_batch_and_rises_with_size_and_gpus(con) -> None:
    cal = _one(con, "select * from int_inference_calibrated")
    assert cal["b_ln_max_batch"] < 0
    assert cal["b_ln_active_params_b"] > 0
    assert cal["b_ln_gpu_count"] > 0


def test_a_405b_model_is_not_served_on_one_gpu() -> None:
    # Llama 3.1 405B in FP32: 405e9 x 4 bytes = 1.62 TB of weights, x 1.2 = 1.94 TB over 80 GB.
    fp32 = gpus_to_hold(405, precision_bits("fp32"), 80, 1.2)
    bf16 = gpus_to_hold(405, precision_bits("bf16"), 80, 1.2)
    fp8 = gpus_to_hold(405, precision_bits("fp8"), 80, 1.2)
    assert fp32 == 32 and fp32 > 8
    assert bf16 == 16  # 972 GB: more than one 8 x H100 server
    assert fp8 == 8  # ML.ENERGY serves the FP8 checkpoint on 8 H100
    assert gpus_to_hold(8, 16, 80, 1.2) == 1
    with pytest.raises(InferenceError, match="unknown precision"):
        precision_bits("fp7")


def test_the_mart_applies_the_same_formula_as_the_python_estimator(con) -> None:
    cal = _one(con, "select * from int_inference_calibrated")
    row = _one(
        con,
        "select * from fct_model_inference where model = 'Llama 2 7B'",
    )
    assert row["inference_basis"] == "estimated"
    assert row["serving_gpu_count"] == 1 and row["serving_gpu"] == "H100"
    estimate = predict(calibration_from_row(cal), design(7.0, 1, 64, cal["serving_generation"], 16))
    assert row["inference_j_per_output_token"] == pytest.approx(estimate.j_per_output_token)
    assert row["inference_j_per_output_token_low"] == pytest.approx(estimate.low)
    assert row["inference_j_per_output_token_high"] == pytest.approx(estimate.high)
    # 600 output tokens per request, x PUE 1.2, J -> Wh per 1,000 requests
    assert row["inference_wh_per_1k_requests"] == pytest.approx(
        estimate.j_per_output_token * 600 * 1.2 * 1000 / 3600
    )


def test_llama_2_7b_breakeven_is_its_training_co2_over_co2_per_request(con) -> None:
    row = _one(
        con,
        "select i.breakeven_requests, i.breakeven_requests_creation, "
        "i.inference_co2e_g_per_1k_requests, i.inference_wh_per_1k_requests, "
        "t.training_co2e_t, t.total_co2e_t "
        "from fct_model_inference as i join fct_model_totals as t using (model) "
        "where model = 'Llama 2 7B'",
    )
    # Meta's Llama 2 card: 31.22 t CO2e for the 7B model's pretraining.
    assert row["training_co2e_t"] == pytest.approx(31.22)
    per_request_g = row["inference_co2e_g_per_1k_requests"] / 1000
    assert row["breakeven_requests"] == pytest.approx(31.22e6 / per_request_g)
    assert row["breakeven_requests_creation"] == pytest.approx(
        row["total_co2e_t"] * 1e6 / per_request_g
    )
    assert 1e8 < row["breakeven_requests"] < 1e11
    # Meta is a US organisation: the US grid's latest annual intensity, in g/Wh.
    (us,) = con.execute(
        "select carbon_intensity_kg_per_kwh from int_grid_intensity_ranked "
        "where zone_key = 'US' order by year desc limit 1"
    ).fetchone()
    assert row["inference_co2e_g_per_1k_requests"] == pytest.approx(
        row["inference_wh_per_1k_requests"] * us
    )


def test_every_language_model_with_a_size_has_figures_with_ranges(con) -> None:
    missing = con.execute(
        "select d.model from int_models_described as d "
        "where d.domain ilike '%language%' and d.parameters_b > 0 "
        "and d.model not in (select model from fct_model_inference)"
    ).fetchall()
    assert missing == []
    bad = con.execute(
        "select model from fct_model_inference where not ("
        "inference_wh_per_1k_requests_low <= inference_wh_per_1k_requests "
        "and inference_wh_per_1k_requests <= inference_wh_per_1k_requests_high "
        "and inference_co2e_g_per_1k_requests_low <= inference_co2e_g_per_1k_requests_high)"
    ).fetchall()
    assert bad == []
    measured = con.execute(
        "select count(*) from fct_model_inference where inference_basis = 'measured'"
    ).fetchone()
    assert measured[0] >= 10

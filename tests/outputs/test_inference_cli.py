"""`footprints inference` end to end on the bundled snapshot's warehouse: the JSON is one flat
object of leaderboard columns, the table adds the traffic, and user errors are one line, exit 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
import typer
from trust_fixtures import trust_warehouse
from typer.testing import CliRunner

from footprints.commands.inference import inference

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("inference") / "copy.duckdb"
    shutil.copyfile(trust_warehouse(), path)  # this process may hold the other open
    return path


def run(db: Path, *args: str):
    app = typer.Typer()
    app.command("inference")(inference)
    app.command("noop")(lambda: None)
    return CliRunner().invoke(app, ["inference", *args, "--warehouse", str(db)])


def test_json_is_one_flat_object_of_leaderboard_columns(db: Path) -> None:
    out = run(db, "--model", "llama 2 7b", "--format", "json")
    assert out.exit_code == 0, out.output
    obj = json.loads(out.output)
    assert isinstance(obj, dict)
    with duckdb.connect(str(db), read_only=True) as con:
        columns = {r[0] for r in con.execute("describe rpt_leaderboard").fetchall()}
    assert set(obj) <= columns
    assert all(isinstance(v, int | float | str) and not isinstance(v, bool) for v in obj.values())
    assert obj["model"] == "Llama 2 7B"
    assert obj["request_tokens_out"] == 600
    assert obj["breakeven_requests"] == pytest.approx(
        obj["training_co2e_t"] * 1e6 / (obj["inference_co2e_g_per_1k_requests"] / 1000)
    )


def test_fp32_405b_is_served_on_more_than_eight_gpus(db: Path) -> None:
    out = run(db, "--model", "Llama 3.1 405B", "--precision", "fp32", "--format", "json")
    assert out.exit_code == 0, out.output
    obj = json.loads(out.output)
    assert obj["serving_gpu_count"] > 8 and obj["serving_precision"] == "fp32"
    assert obj["inference_basis"] == "estimated"
    bf16 = json.loads(
        run(db, "--model", "Llama 3.1 405B", "--precision", "bf16", "--format", "json").output
    )
    assert 1 < bf16["serving_gpu_count"] < obj["serving_gpu_count"]


def test_another_gpu_keeps_pue_grid_and_water_per_kwh(db: Path) -> None:
    base = json.loads(run(db, "--model", "Llama 2 7B", "--format", "json").output)
    moved = json.loads(run(db, "--model", "Llama 2 7B", "--gpu", "B200", "--format", "json").output)
    assert moved["serving_gpu"] == "B200" and moved["serving_gpu_count"] == 1
    # Only J per output token changes, bound by bound: Wh per J stays each bound's own PUE.
    for end in ("_low", "", "_high"):
        assert moved[f"inference_wh_per_1k_requests{end}"] / moved[
            f"inference_j_per_output_token{end}"
        ] == pytest.approx(
            base[f"inference_wh_per_1k_requests{end}"] / base[f"inference_j_per_output_token{end}"]
        )


def test_traffic_gives_days_to_breakeven(db: Path) -> None:
    out = run(db, "--model", "Llama 2 7B", "--requests-per-day", "1000000", "--days", "30",
              "--format", "csv")  # fmt: skip
    assert out.exit_code == 0, out.output
    values = dict(line.split(",", 1) for line in out.output.strip().splitlines()[1:])
    days = float(values["days_to_breakeven"])
    assert days == pytest.approx(float(values["breakeven_requests"]) / 1e6)
    assert float(values["requests"]) == 30e6


def test_another_grid_changes_carbon_not_energy(db: Path) -> None:
    base = json.loads(run(db, "--model", "Llama 3.1 8B", "--format", "json").output)
    clean = json.loads(
        run(db, "--model", "Llama 3.1 8B", "--intensity", "0.02", "--format", "json").output
    )
    assert clean["inference_wh_per_1k_requests"] == base["inference_wh_per_1k_requests"]
    assert clean["inference_co2e_g_per_1k_requests"] == pytest.approx(
        base["inference_wh_per_1k_requests"] * 0.02
    )
    assert clean["breakeven_requests"] > base["breakeven_requests"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "No Such Model"], "is not a language model with inference figures"),
        (["--model", "Llama 2 7B", "--requests", "5", "--days", "2"], "not both"),
        (["--model", "Llama 2 7B", "--zone", "FR", "--intensity", "0.1"], "not both"),
        (["--model", "Llama 2 7B", "--requests-per-day", "-3"], "positive"),
        (["--model", "Llama 2 7B", "--gpu", "Abacus 9000"], "GPU 'Abacus 9000'"),
        (["--model", "Llama 2 7B", "--precision", "fp7"], "unknown precision"),
        (["--model", "Llama 2 7B", "--zone", "Atlantis"], "does not resolve"),
    ],
)
def test_user_errors_are_one_line_exit_2(db: Path, args: list[str], message: str) -> None:
    out = run(db, *args)
    assert out.exit_code == 2, out.output
    assert message in out.output
    assert len(out.output.strip().splitlines()) == 1

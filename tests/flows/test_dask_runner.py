"""Fan-out on a Dask cluster: the same cards parsed on a local Dask cluster land exactly as they
do on the default thread pool, through one writer."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

import pytest
from prefect import flow

from tasks.sources.models.user_cards_fanout import parse_and_land_cards, task_runner_for

REPO = Path(__file__).resolve().parents[2]
CONTENT = (
    "select model, phase, field, value, unit, source_kind, source_url, source_locator, "
    "raw_text, confidence, note, _batch_scope, _source_url, _source_sha256, _row_hash "
    "from raw_model_disclosures order by all"
)


@flow(name="land_cards_fanout")
def land_cards_fanout(directory: str, warehouse: str) -> dict[str, Any]:
    """Parse the cards in chunks on the flow's task runner, land them once."""
    loaded = parse_and_land_cards(directory, warehouse, chunk_size=7)
    return {
        "files": loaded.files,
        "chunks": loaded.chunks,
        "facts": loaded.facts,
        "status": loaded.result.status,
        "quarantined": loaded.result.quarantined,
    }


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated cards in the three real formats, the examples, and one bad file."""
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec and spec.loader
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    folder = generate.write_cards(tmp_path_factory.mktemp("gen"), 45)
    for f in (REPO / "examples" / "cards").glob("*.yaml"):
        shutil.copy(f, folder / f.name)
    (folder / "broken.yaml").write_text("model: Broken\ntraining:\n  gpu_hours: -5\n")
    return folder


def _land(runner: Any, cards: Path, db: Path) -> tuple[dict[str, Any], list, list]:
    from tasks.load.warehouse import open_warehouse

    summary = land_cards_fanout.with_options(task_runner=runner)(str(cards), str(db))
    with open_warehouse(db, read_only=True) as con:
        rows = con.execute(CONTENT).fetchall()
        quarantine = con.execute(
            "select row_number, row_key, reason from meta_quarantine order by all"
        ).fetchall()
    return summary, rows, quarantine


@pytest.mark.slow
def test_dask_runner_lands_what_the_thread_pool_lands(
    prefect_harness: None, cards: Path, tmp_path: Path
) -> None:
    from prefect_dask import DaskTaskRunner

    default = _land(task_runner_for("thread"), cards, tmp_path / "threads" / "w.duckdb")
    dask = _land(
        DaskTaskRunner(
            cluster_kwargs={
                "n_workers": 2,
                "threads_per_worker": 1,
                "processes": False,
                "dashboard_address": None,
            }
        ),
        cards,
        tmp_path / "dask" / "w.duckdb",
    )
    summary, rows, quarantine = dask
    assert summary == default[0]
    assert summary["files"] == 48 and summary["chunks"] == 7 and summary["status"] == "success"
    assert summary["facts"] > 300 and len(rows) == summary["facts"]
    assert rows == default[1]
    assert quarantine == default[2] and len(quarantine) == 1
    assert "training.gpu_hours" in quarantine[0][2]
    models = {r[0] for r in rows}
    assert {"Acme 7B", "Heron 1B"} <= models


def test_task_runner_by_name() -> None:
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    assert isinstance(task_runner_for("thread"), ThreadPoolTaskRunner)
    assert isinstance(task_runner_for("dask"), DaskTaskRunner)
    assert task_runner_for("dask", "tcp://127.0.0.1:8786").address == "tcp://127.0.0.1:8786"
    with pytest.raises(ValueError, match="unknown task runner"):
        task_runner_for("ray")


def test_land_user_cards_lands_what_the_fan_out_lands(
    prefect_harness: None, cards: Path, tmp_path: Path
) -> None:
    """`land_user_cards` (one thread, no Prefect) is the fan-out's path run in place."""
    from tasks.core.settings import get_settings
    from tasks.load.warehouse import open_warehouse
    from tasks.sources.models.user_cards import land_user_cards

    summary, rows, quarantine = _land(task_runner_for("thread"), cards, tmp_path / "t" / "w.duckdb")
    settings = get_settings(warehouse=tmp_path / "inline" / "w.duckdb")
    with open_warehouse(settings=settings) as con:
        loaded = land_user_cards(con, cards, settings=settings, chunk_size=7)
        assert con.execute(CONTENT).fetchall() == rows
        assert (
            con.execute(
                "select row_number, row_key, reason from meta_quarantine order by all"
            ).fetchall()
            == quarantine
        )
    assert loaded.files == summary["files"] and loaded.result.status == summary["status"]

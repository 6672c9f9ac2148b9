"""The one cards landing path: chunks parsed, staged to Parquet, landed once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import cloudpickle
import pytest

from tasks.core.settings import get_settings
from tasks.load.warehouse import open_warehouse
from tasks.sources.models.user_cards import land_user_cards
from tasks.sources.models.user_cards_pool import parse_chunk, worker_pool
from tasks.sources.models.user_cards_task import parse_cards_chunk

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "cards"
CONTENT = (
    "select model, phase, field, value, source_url, source_locator, note, _batch_scope, "
    "_source_url, _source_sha256, _row_hash from raw_model_disclosures order by all"
)


@pytest.fixture()
def cards(tmp_path: Path) -> Path:
    d = tmp_path / "cards"
    d.mkdir()
    for f in EXAMPLES.glob("*.yaml"):
        shutil.copy(f, d / f.name)
    (d / "broken.yaml").write_text("model: Broken\ntraining:\n  gpu_hours: -5\n")
    (d / "card.md").write_text(
        "# Tiny 1B\n\nTiny 1B was trained on 64 A100 GPUs for 3 days, 4,608 GPU hours.\n"
    )
    return d


def test_a_parsing_worker_imports_no_database_or_dataframe_library() -> None:
    # A Dask worker gets `parse_cards_chunk` cloudpickled, by reference to its module: unpickling
    # it in a fresh interpreter imports what a worker imports (pyarrow, to write the parts, yes;
    # of tasks.load only the archive writer and the manifest builder, which need no database).
    task = cloudpickle.dumps(parse_cards_chunk)
    code = (
        "import pickle, sys\n"
        "pickle.loads(sys.stdin.buffer.read())\n"
        "heavy = {'duckdb', 'polars', 'pandas', 'great_expectations'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
        "print(sorted(m for m in sys.modules if m.startswith('tasks.load')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=task, cwd=REPO, capture_output=True, check=True
    )
    heavy, loading = out.stdout.decode().splitlines()
    assert heavy == "[]"
    assert set(eval(loading)) <= {  # the printed list of module names
        "tasks.load",
        "tasks.load.archive",
        "tasks.load.manifest",
        "tasks.load.sql",
    }, loading


def test_a_pool_worker_imports_no_prefect_nor_pandas(tmp_path: Path, cards: Path) -> None:
    # The default runner's worker processes run `parse_chunk`: they parse and stage a chunk with
    # the parsers and pyarrow only, without Prefect (1-2 s of import and ~50 MB a worker), pandas
    # (which pyarrow would import) or a database.
    paths = sorted(str(p) for p in cards.iterdir())
    with worker_pool(1) as pool:
        out = pool.submit(parse_chunk, paths, str(tmp_path / "w.duckdb"), "p").result()
        modules = pool.submit(eval, "sorted(__import__('sys').modules)").result()
    assert out.facts > 10 and len(out.quarantined) == 1 and out.facts_file
    assert {"prefect", "duckdb", "polars", "pandas", "great_expectations"} & set(modules) == set()
    assert "tasks.sources.models.user_cards_parse" in modules


def test_chunk_size_changes_nothing_landed(tmp_path: Path, cards: Path) -> None:
    got = []
    for size in (1, 1000):
        settings = get_settings(warehouse=tmp_path / str(size) / "w.duckdb")
        with open_warehouse(settings=settings) as con:
            loaded = land_user_cards(con, cards, settings=settings, chunk_size=size)
            got.append((loaded.quarantined, loaded.warnings, con.execute(CONTENT).fetchall()))
    assert got[0] == got[1]
    assert len(got[0][2]) > 10 and [f for f, _ in got[0][0]] == [str(cards / "broken.yaml")]


def test_a_changed_bad_file_is_a_change(tmp_path: Path, cards: Path) -> None:
    settings = get_settings(warehouse=tmp_path / "w.duckdb")
    with open_warehouse(settings=settings) as con:
        assert land_user_cards(con, cards, settings=settings).result.status == "success"
        assert land_user_cards(con, cards, settings=settings).result.status == "unchanged"
        # the facts are the same, but a file is now bad another way: it lands again
        (cards / "broken.yaml").write_text("model: Broken\ntraining:\n  pue: 9\n")
        again = land_user_cards(con, cards, settings=settings)
        assert again.result.status == "success"
        assert "training.pue" in dict(again.quarantined)[str(cards / "broken.yaml")]
        staging = list((settings.raw_path / "_staging").iterdir())
        assert staging == []  # the staging files are removed after the landing


def test_dask_workers_get_the_api_a_profile_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """A profile (not the environment) naming an API: the workers are sent to it, through the
    environment they inherit, and no temporary server is started beside it."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from tasks.sources.models.user_cards_fanout import prefect_api_for_workers

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    profile_api = "http://127.0.0.1:9/api"
    with (
        temporary_settings(updates={PREFECT_API_URL: profile_api}),
        prefect_api_for_workers() as url,
    ):
        assert url == profile_api
        assert os.environ["PREFECT_API_URL"] == profile_api
    assert "PREFECT_API_URL" not in os.environ


def test_dask_workers_keep_the_api_the_environment_names(monkeypatch: pytest.MonkeyPatch) -> None:
    from tasks.sources.models.user_cards_fanout import prefect_api_for_workers

    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:8/api")
    with prefect_api_for_workers() as url:
        assert url == "http://127.0.0.1:8/api"
    assert os.environ["PREFECT_API_URL"] == "http://127.0.0.1:8/api"

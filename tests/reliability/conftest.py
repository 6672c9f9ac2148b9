"""Reliability tests (RELIABILITY.md, the 23 cases): real DuckDB files in tmp_path, real processes
where a case needs them. One refreshed warehouse is built per session with the plain functions
(no Prefect server) and copied for each test that needs a previous state."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from reliability_helpers import FUZZ_COUNTS, KILL_POINTS, refresh_plain


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if FUZZ_COUNTS:
        total = sum(FUZZ_COUNTS.values())
        parts = ", ".join(f"{k} {v}" for k, v in sorted(FUZZ_COUNTS.items()))
        terminalreporter.write_line(f"fuzz: {total} examples run ({parts})")
    if KILL_POINTS:
        terminalreporter.write_line(
            f"sigkill: {len(KILL_POINTS)} kill points tried ({', '.join(KILL_POINTS)})"
        )


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def refreshed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse after one refresh of the bundled snapshot (with its raw area beside it)."""
    db = tmp_path_factory.mktemp("refreshed") / "footprints.duckdb"
    refresh_plain(db)
    return db


@pytest.fixture()
def warehouse(refreshed: Path, tmp_path: Path) -> Path:
    """A private copy of the refreshed warehouse and its raw area."""
    target = tmp_path / "wh"
    shutil.copytree(refreshed.parent, target)
    return target / refreshed.name

"""Shared fixtures. Tests that read the third-party files in ../shared/data skip without them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("FOOTPRINTS_SHARED_DATA", REPO.parent / "shared" / "data"))
SNAPSHOT = REPO / "warehouse" / "snapshot"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ../shared/data; skips the test when a checkout has no ../shared beside it."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"third-party data not found at {SHARED_DATA} (a plain checkout has no ../shared)"
        )
    return SHARED_DATA


@pytest.fixture(scope="session")
def snapshot_dir() -> Path:
    return SNAPSHOT


@pytest.fixture(scope="module")
def trust_con():
    """A read-only connection to the warehouse built from the bundled snapshot
    (tests/trust_fixtures.py), for tests that only query it."""
    import duckdb  # deferred: only the tests that query the built warehouse need it
    from trust_fixtures import trust_warehouse

    con = duckdb.connect(str(trust_warehouse()), read_only=True)
    yield con
    con.close()

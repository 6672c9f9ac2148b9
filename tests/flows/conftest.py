"""Flow tests run real flows against a temporary Prefect server (one per test session)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def checksums():
    """A function: warehouse path -> {table: (rows, content hash)}."""
    return table_checksums


def table_checksums(db: Path) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent content hash of every table in the warehouse."""
    from tasks.load.warehouse import open_warehouse

    with open_warehouse(db, read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_type = 'BASE TABLE' order by table_name"
            ).fetchall()
        ]
        out = {}
        for t in tables:
            out[t] = tuple(
                con.execute(
                    f'select count(*), coalesce(sum(hash(to_json(x))), 0) from "{t}" x'
                ).fetchall()[0]
            )
        return out

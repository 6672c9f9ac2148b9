"""The live path through the real flow: a failing source fails its own flow, naming it; the other
sources still land, and what the warehouse held before stays."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from werkzeug import Response

from tasks.core.settings import get_settings
from tasks.load.warehouse import open_warehouse
from tasks.sources import registry

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "http"


@pytest.fixture()
def env(tmp_path: Path, httpserver, monkeypatch):
    monkeypatch.setenv("FOOTPRINTS_OWID_BASE_URL", httpserver.url_for("/owid"))
    monkeypatch.setenv("FOOTPRINTS_UKCARBON_BASE_URL", httpserver.url_for("/uk"))
    monkeypatch.setenv("FOOTPRINTS_HTTP_MAX_RETRIES", "0")
    for token in ("ELECTRICITYMAPS", "EMBER", "EIA"):
        monkeypatch.delenv(f"FOOTPRINTS_{token}_TOKEN", raising=False)
    httpserver.expect_request("/owid/owid-energy-data.csv").respond_with_data(
        (FIXTURES / "owid-energy-data.csv").read_bytes(), content_type="text/csv"
    )
    # the GB Carbon Intensity API is down: every request gets a 503
    httpserver.expect_request(re.compile(r"^/uk/.*")).respond_with_handler(
        lambda request: Response("service unavailable", status=503, content_type="text/plain")
    )
    return tmp_path / "w.duckdb"


def grid_rows(db: Path) -> dict[str, int]:
    with open_warehouse(db, read_only=True) as con:
        return dict(
            con.execute(
                "select source, count(*) from raw_grid_intensity_annual group by 1"
            ).fetchall()
        )


def test_live_grid_flow(prefect_harness, env: Path) -> None:
    from flows._live import LiveSourcesFailed
    from flows.ingest_grid_intensity import ingest_grid_intensity

    db = str(env)
    ingest_grid_intensity(db)  # the snapshot first: what the warehouse holds before
    before = grid_rows(env)

    # keyless sources only: OWID is up, the GB API is down
    state = ingest_grid_intensity(db, source="live", return_state=True)
    assert state.is_failed()
    with pytest.raises(LiveSourcesFailed, match="ukcarbon") as failure:
        state.result()
    assert "503" in str(failure.value)
    after = grid_rows(env)
    assert after["owid_energy"] > 0  # the healthy source landed
    for source, count in before.items():
        assert after[source] == count  # nothing already landed was lost

    # sources chosen per run; sources needing a token are skipped without one, not failed
    results = ingest_grid_intensity(db, source="live", sources=["owid", "ember"])
    assert {r["status"] for r in results} == {"unchanged", "skipped"}
    skipped = next(r for r in results if r["status"] == "skipped")
    assert "FOOTPRINTS_EMBER_TOKEN" in skipped["message"]
    assert registry.source("ember").settings(get_settings()).token is None

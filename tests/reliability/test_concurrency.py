"""Cases 8-9: reading while a refresh writes (two real processes), and many fetch threads with
one writer.

Our choice for case 8 (tasks/ops/doctor.py's docstring): a reader fails fast naming the lock
holder; it does not read 'the last published snapshot'. DuckDB lets readers in only when no
process holds the file read-write, and a copied snapshot would be a second truth to keep fresh.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from reliability_helpers import (
    SMALL_TABLES,
    raw_content,
    refresh_plain,
    run_cli,
    start_python,
    table_checksums,
    wait_for_line,
)
from werkzeug import Request, Response

from tasks.core.http import make_session
from tasks.core.settings import get_settings
from tasks.load.fetched import land_fetched
from tasks.load.manifest import MANIFEST_FILE
from tasks.load.warehouse import open_warehouse
from tasks.ops.backup import backup_warehouse
from tasks.ops.doctor import run_checks
from tasks.ops.raw_area import MaintenanceError
from tasks.sources.grid import electricitymaps

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "http"
HOLDER = (
    "from pathlib import Path; from reliability_helpers import refresh_plain; "
    "refresh_plain(Path({db!r}), signal=True, hold_until=Path({release!r}), small=True)"
)


def test_case_8_queries_fail_fast_naming_the_writer_and_the_refresh_is_unaffected(
    tmp_path: Path,
) -> None:
    db = tmp_path / "w.duckdb"
    refresh_plain(db, small=True)  # something to query
    before = table_checksums(db)
    release = tmp_path / "release"
    # The writer: lands a changed assumptions file while the test queries.
    snapshot = tmp_path / "snapshot"
    import shutil

    shutil.copytree(get_settings().snapshot_dir, snapshot)
    csv = snapshot / "assumptions.csv"
    csv.write_text(csv.read_text().replace("1.2,", "1.25,", 1))
    writer = start_python(
        HOLDER.format(db=str(db), release=str(release)), FOOTPRINTS_SNAPSHOT_DIR=str(snapshot)
    )
    try:
        pid = int(wait_for_line(writer, "opened").split()[1])
        for args in (
            ["query", "select count(*) from raw_gpu_specs"],
            ["leaderboard"],
            ["export", "leaderboard", "--out", str(tmp_path / "lb.csv")],
        ):
            started = time.monotonic()
            done = run_cli(*args, "--warehouse", str(db), timeout=60)
            elapsed = time.monotonic() - started
            assert done.returncode == 1, done.stdout
            assert f"locked by process {pid}" in done.stderr, done.stderr
            assert "refresh_plain" in done.stderr  # the holder's command line, from /proc
            assert elapsed < 15  # fails at once (the CLI's own start-up is most of it)
        checks = {c.name: c for c in run_checks(db)}
        assert not checks["lock"].ok and f"PID {pid}" in checks["lock"].detail
        assert "refresh_plain" in checks["lock"].detail
        with pytest.raises(MaintenanceError, match=f"process {pid}"):
            backup_warehouse(get_settings(warehouse=db), tmp_path / "b.duckdb")
        assert not (tmp_path / "lb.csv").exists() and not (tmp_path / "b.duckdb").exists()
        release.touch()
        assert writer.wait(timeout=120) == 0, writer.stderr.read() if writer.stderr else ""
    finally:
        release.touch()
        if writer.poll() is None:
            writer.kill()
    # The refresh was unaffected: its change landed, the rest is as before.
    with open_warehouse(db, read_only=True) as con:
        pue = con.execute("select central from raw_assumptions where key = 'pue'").fetchall()
    assert pue == [(1.25,)]
    after = table_checksums(db)
    assert after["raw_gpu_specs"] == before["raw_gpu_specs"]
    assert after["meta_load_log"][0] == before["meta_load_log"][0] + 1


def test_case_8_the_query_command_is_read_only_and_external_access_is_off(
    refreshed: Path,
) -> None:
    before = table_checksums(refreshed)
    for sql in (
        "delete from raw_gpu_specs",
        "copy raw_gpu_specs to '/tmp/footprints-exfil.csv'",
        "select * from read_csv('/etc/passwd')",
        "attach '/tmp/other.duckdb' as o",
    ):
        done = run_cli("query", sql, "--warehouse", str(refreshed), timeout=60)
        assert done.returncode == 1, (sql, done.stdout)
    assert not Path("/tmp/footprints-exfil.csv").exists()
    assert table_checksums(refreshed) == before


def test_case_9_many_fetch_threads_one_writer(tmp_path: Path, httpserver: HTTPServer) -> None:
    history = json.loads((FIXTURES / "electricitymaps_history_DE.json").read_bytes())
    zones = [f"Z{i:02d}" for i in range(16)]

    def handler(request: Request) -> Response:
        zone = request.args["zone"]
        doc = json.loads(json.dumps(history))
        doc["zone"] = zone
        for rec in doc["history"]:
            rec["zone"] = zone
        time.sleep(0.05)  # overlap the threads
        return Response(json.dumps(doc), content_type="application/json")

    httpserver.expect_request("/carbon-intensity/history").respond_with_handler(handler)
    settings = get_settings(
        warehouse=tmp_path / "w.duckdb",
        electricitymaps_base_url=httpserver.url_for("/").rstrip("/"),
        electricitymaps_token="SENTINEL-threads-77aa",
    )
    source = settings.source("electricitymaps")

    def fetch_zone(zone: str):
        with make_session(source, settings) as session:  # a session per thread
            return electricitymaps.fetch_history(session, source, settings, zone)

    with ThreadPoolExecutor(max_workers=8) as pool:
        fetched = list(pool.map(fetch_zone, zones))
    # One writer: the landing runs in sequence on one connection.
    with open_warehouse(settings=settings) as con:
        results = [
            land_fetched(
                con,
                got,
                "raw_grid_intensity_hourly",
                partial(electricitymaps.parse_carbon_intensity, source_url=got.url),
                batch_scope=f"electricitymaps:history:{zone}",
                settings=settings,
            )
            for zone, got in zip(zones, fetched, strict=True)
        ]
        counts = con.execute(
            "select count(distinct zone_key), count(*) from raw_grid_intensity_hourly"
        ).fetchall()
    assert [r.status for r in results] == ["success"] * 16
    assert counts == [(16, 16 * 24)]
    lines = (settings.raw_path / MANIFEST_FILE).read_text().splitlines()
    assert len(lines) == 16 and all(
        json.loads(line)["source"] == "electricitymaps" for line in lines
    )
    assert all(c.ok for c in run_checks(settings.warehouse))
    assert raw_content(settings.warehouse, SMALL_TABLES)  # the other tables exist, empty

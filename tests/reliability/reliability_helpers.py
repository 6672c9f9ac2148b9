"""Helpers of the reliability tests, importable by the tests and by the worker processes they start
(`.venv/bin/python -c "from reliability_helpers import ..."` with this folder on PYTHONPATH)."""

from __future__ import annotations

import os
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYTHON = REPO / ".venv" / "bin" / "python"
FOOTPRINTS = REPO / ".venv" / "bin" / "footprints"

# Filled in by the tests and printed at the end of the session (conftest.py): examples run per
# fuzz target (test_fuzz.py), and the kill points tried by the SIGKILL test with their outcome.
FUZZ_COUNTS: dict[str, int] = {}
KILL_POINTS: list[str] = []

HOURLY_HEADER = (
    "zone_key,ts_utc,period_minutes,carbon_intensity_g_per_kwh,basis,source,source_url\n"
)


# ---------------------------------------------------------------------------------------------
# Loading, as the flows do it but without Prefect (seconds instead of a server start)


SMALL_TABLES = ("raw_gpu_specs", "raw_gpu_aliases", "raw_assumptions", "raw_equivalences")


def snapshot_groups(small: bool = False) -> list[tuple[object, ...]]:
    from tasks.sources.grid import snapshot as grid_intensity
    from tasks.sources.hardware import snapshot as gpu_specs
    from tasks.sources.models import snapshot as model_disclosures

    if small:  # a few seconds: enough for the lock tests, whose subject is not the data
        return [gpu_specs.SNAPSHOT_FILES, model_disclosures.ASSUMPTION_FILES]
    return [
        grid_intensity.SNAPSHOT_FILES,
        gpu_specs.SNAPSHOT_FILES,
        model_disclosures.SNAPSHOT_FILES,
        model_disclosures.INFERENCE_FILES,
        model_disclosures.ASSUMPTION_FILES,
    ]


def refresh_plain(
    db: Path, *, signal: bool = False, hold_until: Path | None = None, small: bool = False
) -> list[str]:
    """The refresh as plain functions, holding one writer connection throughout. With `signal`,
    prints 'opened' once the warehouse is open; with `hold_until`, keeps it open until that file
    exists (so a test can act while this process writes). `small`: GPU specs and assumptions
    only, no build."""
    from tasks.core.settings import get_settings
    from tasks.load.ingest import ingest_snapshot_files
    from tasks.load.warehouse import open_warehouse
    from tasks.model.transform import build_models

    settings = get_settings(warehouse=db)
    statuses: list[str] = []
    with open_warehouse(settings=settings) as con:
        if signal:
            print("opened", os.getpid(), flush=True)
        for files in snapshot_groups(small):
            statuses += [r.status for r in ingest_snapshot_files(con, files, settings=settings)]
        if not small:
            statuses.append(build_models(con).status)
        while hold_until is not None and not hold_until.exists():
            time.sleep(0.05)
    return statuses


def hourly_csv(rows: int, version: int, zones: int = 10) -> bytes:
    """`rows` synthetic hourly intensities over `zones` zones; `version` shifts every value, so a
    new version updates every row."""
    per_zone = rows // zones
    start = datetime(2020, 1, 1)
    lines = [HOURLY_HEADER]
    for z in range(zones):
        for h in range(per_zone):
            ts = (start + timedelta(hours=h)).strftime("%Y-%m-%d %H:%M:%S")
            value = 100 + (h * 7 + z * 13 + version * 31) % 700
            lines.append(f"Z{z},{ts},60,{value},lifecycle,synthetic,https://example.org/z{z}\n")
    return "".join(lines).encode()


def load_hourly(db: Path, csv_path: Path, *, signal: bool = False) -> str:
    """Land one synthetic hourly CSV through ingest_payload (the one loading path), then close
    (a checkpoint). Prints 'start' before the load and 'done' after the close."""
    from tasks.core.settings import get_settings
    from tasks.load.archive import archive_payload
    from tasks.load.ingest import read_csv_text
    from tasks.load.land import ingest_payload
    from tasks.load.warehouse import open_warehouse

    settings = get_settings(warehouse=db)
    payload = archive_payload(
        "synthetic", "synthetic/hourly.csv", csv_path.read_bytes(), settings=settings
    )
    with open_warehouse(settings=settings) as con:
        if signal:
            print("start", time.monotonic(), flush=True)
        result = ingest_payload(
            con,
            payload,
            "raw_grid_intensity_hourly",
            read_csv_text,
            batch_scope="synthetic:hourly",
            settings=settings,
        )
    if signal:
        print("done", time.monotonic(), flush=True)
    return result.status


# ---------------------------------------------------------------------------------------------
# Comparing warehouses


def table_checksums(db: Path) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent content hash of every table."""
    from tasks.load.warehouse import open_warehouse

    with open_warehouse(db, read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_type = 'BASE TABLE' order by table_name"
            ).fetchall()
        ]
        return {
            t: tuple(
                con.execute(
                    f'select count(*), coalesce(sum(hash(to_json(x))), 0) from "{t}" x'
                ).fetchall()[0]
            )
            for t in tables
        }


def raw_content(db: Path, tables: tuple[str, ...] | None = None) -> dict[str, tuple[int, int]]:
    """Every raw table's content without the per-load columns (_load_id, _loaded_at): what 'the
    end state equals one run' compares."""
    from tasks.load.warehouse import RAW_TABLE_KEYS, open_warehouse

    with open_warehouse(db, read_only=True) as con:
        out = {}
        for t in sorted(tables or RAW_TABLE_KEYS):
            out[t] = tuple(
                con.execute(
                    f"select count(*), coalesce(sum(hash(to_json(x))), 0) "
                    f"from (select * exclude (_load_id, _loaded_at) from {t}) x"
                ).fetchall()[0]
            )
        return out


def leaderboard(db: Path) -> list[tuple[object, ...]]:
    from tasks.load.warehouse import open_warehouse

    with open_warehouse(db, read_only=True) as con:
        return con.execute("select * from rpt_leaderboard order by rank, model").fetchall()


def duplicate_keys(db: Path) -> dict[str, int]:
    from tasks.load.warehouse import RAW_TABLE_KEYS, open_warehouse

    with open_warehouse(db, read_only=True) as con:
        return {
            t: con.execute(
                f"select count(*) from (select 1 from {t} group by {', '.join(k)} "
                "having count(*) > 1)"
            ).fetchall()[0][0]
            for t, k in RAW_TABLE_KEYS.items()
        }


# ---------------------------------------------------------------------------------------------
# Processes


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTPRINTS_")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(HERE)])
    env.setdefault("DO_NOT_TRACK", "1")
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.update(extra)
    return env


def start_python(code: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(PYTHON), "-c", code],
        env=child_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def wait_for_line(proc: subprocess.Popen[str], prefix: str, timeout: float = 120) -> str:
    """The first stdout line starting with `prefix` (fails if the process ends first)."""
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith(prefix):
            return line.strip()
        if not line and proc.poll() is not None:
            err = proc.stderr.read() if proc.stderr else ""
            raise AssertionError(f"worker ended ({proc.returncode}) before {prefix!r}: {err}")
    raise AssertionError(f"no {prefix!r} from the worker within {timeout} s")


def run_cli(*args: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(FOOTPRINTS), *args],
        env=child_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )

"""A run prints what a user asked for: its summary and real warnings, nothing else.

Run as a user runs it, outside `make` (so without PREFECT_LOGGING_LEVEL): no Prefect INFO lines,
no Great Expectations notice about its temporary docs folder, no 'nanobind: leaked ...' report
at exit; `-v` brings Prefect's lines back.
"""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

from reliability_helpers import FOOTPRINTS, child_env

NOISE = ("nanobind", "leaked", "INFO", "Created temporary directory", "Traceback")


# Said only while a busy machine makes the run wait for Prefect's temporary server (issue 16).
WAITING = "waiting for Prefect's temporary API server"


def _run(warehouse: Path, *flags: str, **env_extra: str) -> subprocess.CompletedProcess[str]:
    env = {**child_env(), **env_extra}
    env.pop("PREFECT_LOGGING_LEVEL", None)
    return subprocess.run(
        [str(FOOTPRINTS), "run", "--warehouse", str(warehouse), *flags],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_run_prints_its_summary_and_nothing_it_was_not_asked_for(tmp_path: Path) -> None:
    done = _run(tmp_path / "w.duckdb")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("refresh complete: ")
    assert len(done.stdout.splitlines()) == 1
    noisy = [line for line in done.stderr.splitlines() if any(n in line for n in NOISE)]
    assert not noisy, noisy
    # What stderr does hold is a warning a user can act on (names the model could not resolve),
    # and, on a busy machine, that the run waits for Prefect's server.
    assert all(
        line.startswith(("names not resolved:", WAITING)) for line in done.stderr.splitlines()
    )


def test_a_failed_run_ends_as_quietly(tmp_path: Path) -> None:
    """A run whose source fails says so in one line, naming the file and row, and exits 1:
    without Prefect's tracebacks or DuckDB's 'nanobind: leaked' report at exit."""
    import shutil

    from tasks.core.settings import get_settings

    snapshot = tmp_path / "snapshot"
    shutil.copytree(get_settings().snapshot_dir, snapshot)
    specs = snapshot / "gpus" / "gpu_specs.csv"
    with specs.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # every row's release date unreadable: the whole batch is rejected, the refresh fails
    with specs.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**r, "release_date": "notadate"} for r in rows)
    done = _run(tmp_path / "w.duckdb", FOOTPRINTS_SNAPSHOT_DIR=str(snapshot))
    assert done.returncode == 1, done.stderr[-2000:]
    lines = done.stderr.splitlines()
    assert lines[-1].startswith("footprints: refresh failed:"), lines[-3:]
    assert "gpu_specs" in lines[-1]
    assert lines[-1].endswith("(-v: Prefect's log)")
    # that line says it all: no leak report, no traceback, no log line repeating it
    assert all(line.startswith(WAITING) for line in lines[:-1]), lines[:-1]


def test_verbose_shows_prefects_lines(tmp_path: Path) -> None:
    done = _run(tmp_path / "w.duckdb", "-v")
    assert done.returncode == 0, done.stderr[-2000:]
    # Prefect's INFO lines are back (its flow-run lines too, except when the machine is so
    # busy that the run ends before Prefect's log worker prints them)
    assert "| INFO    | prefect" in done.stderr
    assert "nanobind" not in done.stderr

"""A run prints what a user asked for: its summary and real warnings, nothing else.

Run as a user runs it, outside `make` (so without PREFECT_LOGGING_LEVEL): no Prefect INFO lines,
no Great Expectations notice about its temporary docs folder, no 'nanobind: leaked ...' report
at exit; `-v` brings Prefect's lines back.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from reliability_helpers import FOOTPRINTS, child_env

NOISE = ("nanobind", "leaked", "INFO", "Created temporary directory", "Traceback")


def _run(warehouse: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    env = child_env()
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
    # What stderr does hold is a warning a user can act on (names the model could not resolve).
    assert all(line.startswith("names not resolved:") for line in done.stderr.splitlines())


def test_verbose_shows_prefects_lines(tmp_path: Path) -> None:
    done = _run(tmp_path / "w.duckdb", "-v")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Finished in state Completed" in done.stderr
    assert "nanobind" not in done.stderr

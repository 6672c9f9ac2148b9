"""Ctrl-C or a service manager's stop (issue 17): SIGINT to the process group or SIGTERM to the
process alone stops `footprints run` and its children, the temporary Prefect server included,
within seconds, with one line; the next run converges."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from reliability_helpers import FOOTPRINTS, child_env, leaderboard, refresh_plain

STOPPED_WITHIN_S = 10.0


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited


def _start_and_wait_for_the_flow(db: Path) -> tuple[subprocess.Popen[str], list[int]]:
    """`footprints run` in its own session, once its temporary server runs and the flow has
    opened the warehouse (mid-run)."""
    proc = subprocess.Popen(
        [str(FOOTPRINTS), "run", "--warehouse", str(db)],
        env=child_env(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        children = _children(proc.pid)
        if children and db.exists() and proc.poll() is None:
            return proc, children
        if proc.poll() is not None:
            raise AssertionError(
                f"the run ended first: {proc.stderr.read() if proc.stderr else ''}"
            )
        time.sleep(0.1)
    proc.kill()
    raise AssertionError("no temporary server and open warehouse within 180 s")


@pytest.mark.parametrize(
    ("how", "signum"),
    [("SIGTERM to the process", signal.SIGTERM), ("SIGINT to the group", signal.SIGINT)],
)
def test_a_signal_stops_the_run_and_its_server_within_seconds(
    tmp_path: Path, refreshed: Path, how: str, signum: int
) -> None:
    db = tmp_path / "w.duckdb"
    proc, children = _start_and_wait_for_the_flow(db)
    started = time.monotonic()
    if how.endswith("group"):
        os.killpg(proc.pid, signum)
    else:
        os.kill(proc.pid, signum)
    try:
        _out, err = proc.communicate(timeout=STOPPED_WITHIN_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError(f"still running {STOPPED_WITHIN_S} s after {how}") from None
    assert proc.returncode == 128 + signum, err[-2000:]
    assert f"footprints: stopped by {signal.Signals(signum).name}" in err
    assert "Traceback" not in err
    while any(_alive(c) for c in children) and time.monotonic() - started < STOPPED_WITHIN_S:
        time.sleep(0.1)
    assert not [c for c in children if _alive(c)], "a child (the Prefect server) outlived the run"
    # The next run converges (the plain refresh: the same loads, without a server).
    refresh_plain(db)
    assert leaderboard(db) == leaderboard(refreshed)

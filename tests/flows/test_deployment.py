"""prefect.yaml deploys to a real local Prefect server and a deployment runs through a real
process worker, offline, on the bundled snapshot."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PREFECT = str(Path(sys.executable).with_name("prefect"))

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, body: dict | None = None) -> object:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"null")


@pytest.fixture()
def server(tmp_path: Path):
    port = _free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.Popen(
        [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(f"{api}/health")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("the local Prefect server did not start")
                time.sleep(0.5)
        yield {**env, "PREFECT_API_URL": api}, api
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _prefect(env: dict, *args: str, timeout: int = 300) -> str:
    done = subprocess.run(
        [PREFECT, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_deploy_all_and_run_refresh_through_a_worker(server, tmp_path: Path) -> None:
    env, api = server
    env = {**env, "PWD": str(REPO)}  # prefect.yaml's pull step runs the flows from the checkout
    _prefect(env, "work-pool", "create", "footprints", "--type", "process")
    _prefect(env, "work-pool", "set-concurrency-limit", "footprints", "1")
    _prefect(env, "--no-prompt", "deploy", "--all")
    deployments = _get(f"{api}/deployments/filter", {})
    names = {d["name"] for d in deployments}  # type: ignore[union-attr]
    assert names == {
        "grid-intensity-daily",
        "gpu-specs-weekly",
        "model-disclosures-daily",
        "leaderboard-daily",
        "refresh",
    }
    scheduled = {d["name"]: d["schedules"] for d in deployments}  # type: ignore[union-attr]
    assert scheduled["gpu-specs-weekly"][0]["schedule"]["cron"] == "30 1 * * 1"

    _prefect(env, "deployment", "run", "refresh/refresh")
    warehouse = tmp_path / "wh" / "footprints.duckdb"
    worker_env = {**env, "FOOTPRINTS_WAREHOUSE": str(warehouse)}
    worker_log = _prefect(
        worker_env, "worker", "start", "--pool", "footprints", "--run-once", timeout=600
    )

    runs = _get(
        f"{api}/flow_runs/filter", {"flow_runs": {"parent_task_run_id": {"is_null_": True}}}
    )
    states = {r["name"]: r["state_type"] for r in runs}  # type: ignore[union-attr]
    # With a working scheduler the cron deployments also get their future runs (SCHEDULED); the
    # one run started by hand is the only one that ran, and it completed.
    ran = [s for s in states.values() if s != "SCHEDULED"]
    assert ran == ["COMPLETED"], f"{states}\n{worker_log[-4000:]}"
    assert len(states) > 1, "the cron deployments got no scheduled runs"
    from tasks.load.warehouse import open_warehouse

    with open_warehouse(warehouse, read_only=True) as con:
        assert con.execute("select count(*) from rpt_leaderboard").fetchall()[0][0] > 40


def _runs_of(api: str, deployment_id: str) -> list[dict]:
    runs = _get(
        f"{api}/flow_runs/filter",
        {"flow_runs": {"deployment_id": {"any_": [deployment_id]}}},
    )
    return list(runs)  # type: ignore[arg-type]


def test_a_schedule_fires_and_its_run_completes(server, tmp_path: Path) -> None:
    """The scheduler creates runs from a deployment's schedule and a worker completes one: with
    the plain Prefect CLI, as the README's step-by-step does. A scheduler that raises (Prefect 3.8
    with SQLAlchemy 2.1) creates no run, and this test waits in vain."""
    env, api = server
    env = {**env, "PWD": str(REPO)}
    _prefect(env, "work-pool", "create", "footprints", "--type", "process")
    _prefect(env, "--no-prompt", "deploy", "-n", "gpu-specs-weekly")
    # Every minute instead of weekly, so the test sees a scheduled run come due.
    _prefect(
        env,
        "deployment",
        "schedule",
        "create",
        "ingest_gpu_specs/gpu-specs-weekly",
        "--interval",
        "60",
        "--replace",
        "-y",
    )
    (deployment,) = _get(f"{api}/deployments/filter", {})  # type: ignore[misc]
    worker = subprocess.Popen(
        [PREFECT, "worker", "start", "--pool", "footprints"],
        env={**env, "FOOTPRINTS_WAREHOUSE": str(tmp_path / "wh" / "footprints.duckdb")},
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 420
        states: list[tuple[str, bool]] = []
        while time.monotonic() < deadline:
            runs = _runs_of(api, deployment["id"])
            states = [(r["state_type"], r["auto_scheduled"]) for r in runs]
            if ("COMPLETED", True) in states:
                break
            assert "FAILED" not in {s for s, _ in states}, states
            time.sleep(5)
        assert ("COMPLETED", True) in states, f"no scheduled run completed: {states}"
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()

"""Starting Prefect's temporary server for a run: waited for as long as a busy machine needs,
started again when its process dies, progress said while waiting, and one line when it fails.

The server's process is replaced by a stand-in (a few lines of Python) that answers, dies or
never answers, so these run in a second; the real server is started by the runs of
tests/reliability (test_signals, test_quiet_run), and under load in docs (issue 16).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import flows._startup as startup
import tasks.core.prefect_server as _server
from tasks.core.prefect_server import ServerDidNotStart, TemporaryServer

# A stand-in for the server's process, on the port it is given: it answers /api/health, exits
# (1: dies; 3: its port was taken, as uvicorn does) or never answers.
STAND_IN = """
import sys, http.server
outcome, port = sys.argv[1], int(sys.argv[2])
if outcome in ("dies", "port taken"):
    sys.exit(1 if outcome == "dies" else 3)
if outcome == "silent":
    import time; time.sleep(60)
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", port), Health).serve_forever()
"""


class StandIn(TemporaryServer):
    """A TemporaryServer whose processes take the next outcome each, and are all remembered."""

    def __init__(self, *outcomes: str) -> None:
        self.outcomes = list(outcomes)
        self.spawned: list[subprocess.Popen[bytes]] = []
        super().__init__(
            lambda port: [sys.executable, "-c", STAND_IN, self.outcomes.pop(0), str(port)]
        )

    def spawn(self) -> None:
        super().spawn()
        assert self.process is not None
        self.spawned.append(self.process)


@pytest.fixture
def stand_in() -> Iterator[type[StandIn]]:
    made: list[StandIn] = []

    def make(*outcomes: str) -> StandIn:
        server = StandIn(*outcomes)
        made.append(server)
        return server

    yield make  # type: ignore[misc]
    for server in made:
        server.stop()
        if server in _server.STARTED:
            _server.STARTED.remove(server)


def test_waits_longer_than_prefects_default() -> None:
    assert _server.startup_deadline() == _server.STARTUP_DEADLINE_S
    assert _server.STARTUP_DEADLINE_S > 20  # Prefect's default, too short on a busy machine


def test_prefects_own_timeout_wins_when_longer() -> None:
    from prefect.settings import (
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        temporary_settings,
    )

    with temporary_settings(updates={PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: 900}):
        assert _server.startup_deadline() == 900


def test_a_server_that_answers_is_waited_for(stand_in: Any) -> None:
    server = stand_in("answers")
    server.spawn()
    server.wait(30, _server.STARTUP_ATTEMPTS)
    assert server.answers() and server.pid() == server.spawned[0].pid
    server.stop()
    assert server.spawned[0].poll() is not None and server.pid() is None


def test_a_server_that_dies_is_started_again(stand_in: Any) -> None:
    server = stand_in("dies", "answers")
    server.spawn()
    server.wait(30, _server.STARTUP_ATTEMPTS)
    first, second = server.spawned
    assert first.poll() == 1 and second.poll() is None


def test_a_taken_port_is_tried_again_without_counting(stand_in: Any) -> None:
    server = stand_in("port taken", "port taken", "dies", "answers")
    server.spawn()
    server.wait(30, _server.STARTUP_ATTEMPTS)
    assert len(server.spawned) == 4


def test_a_server_that_never_answers_fails_in_one_line(stand_in: Any) -> None:
    server = stand_in("silent", "answers")
    server.spawn()
    with pytest.raises(ServerDidNotStart) as err:
        server.wait(1.0, _server.STARTUP_ATTEMPTS)
    (only,) = server.spawned  # the whole deadline spent: no second try
    assert only.poll() is not None  # and its process stopped
    message = str(err.value)
    assert "\n" not in message
    assert "no answer within 1 s" in message
    assert "PREFECT_API_URL" in message


def test_dying_twice_names_the_exit_code(stand_in: Any) -> None:
    server = stand_in("dies", "dies", "answers")
    server.spawn()
    with pytest.raises(ServerDidNotStart, match="exited with code 1"):
        server.wait(30, _server.STARTUP_ATTEMPTS)
    assert len(server.spawned) == _server.STARTUP_ATTEMPTS


# Run in a fresh interpreter, as a run spawns its server: before anything sets Prefect settings
# in the process (this suite's prefect_test_harness does).
SAME_AS_PREFECT = """
import os, subprocess
from unittest import mock
import tasks.core.prefect_server as ours
from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import Settings

seen = {}
subprocess.Popen = lambda args, env, **kw: seen.update(args=args, env=env)
SubprocessASGIServer(port=48123)._run_uvicorn_command()
assert seen["args"] == ours.server_command(48123), (seen["args"], ours.server_command(48123))

def settings_from(env):
    with mock.patch.dict(os.environ, env, clear=True):
        return Settings().model_dump()

mine = ours.server_environment()
assert mine.items() >= ours.SERVER_ENV.items()
theirs = seen["env"]
assert settings_from(mine) == settings_from(theirs), (settings_from(mine), settings_from(theirs))
print("same")
"""


def test_the_server_is_started_as_prefect_starts_it(tmp_path: Any) -> None:
    """Our command is the one prefect==3.8.8 runs for its temporary server, and our environment
    gives the server the same settings as Prefect's (which also exports the settings of the
    profile, which the server reads itself from the same PREFECT_HOME): an upgrade that changes
    either fails here. A profile with settings of its own is part of the comparison."""
    home = tmp_path / "prefect-home"
    home.mkdir()
    (home / "profiles.toml").write_text(
        'active = "mine"\n[profiles.mine]\nPREFECT_SERVER_API_KEEPALIVE_TIMEOUT = "7"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false")
    command = [sys.executable, "-c", SAME_AS_PREFECT]
    repo = Path(__file__).resolve().parents[2]  # where `flows` imports from
    done = subprocess.run(command, env=env, cwd=repo, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "same", done.stderr[-3000:]


def test_a_run_spawns_its_server_before_importing_prefect(monkeypatch: pytest.MonkeyPatch) -> None:
    spawned: list[TemporaryServer] = []
    monkeypatch.setattr(TemporaryServer, "spawn", lambda self: spawned.append(self))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert isinstance(_server.spawn_early(), TemporaryServer) and len(spawned) == 1
    monkeypatch.setenv("PREFECT_SERVER_EPHEMERAL_ENABLED", "false")
    assert _server.spawn_early() is None
    monkeypatch.delenv("PREFECT_SERVER_EPHEMERAL_ENABLED")
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert _server.spawn_early() is None and len(spawned) == 1


def test_a_server_spawned_early_is_stopped_when_an_api_is_configured(stand_in: Any) -> None:
    server = stand_in("answers")
    server.spawn()
    process = server.process
    ran: list[bool] = []
    from prefect.settings import PREFECT_API_URL, temporary_settings

    # an API named by Prefect's settings (a profile) rather than by the environment
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:4200/api"}):
        assert startup.start_server_while(lambda: ran.append(True), server=server) is None
    assert ran == [True] and process.poll() is not None


def test_the_run_starts_its_server_first_and_points_the_flow_at_it(
    monkeypatch: pytest.MonkeyPatch, stand_in: Any
) -> None:
    from prefect.settings import PREFECT_API_URL, get_current_settings

    monkeypatch.setattr(startup, "uses_temporary_server", lambda: True)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    server = stand_in("answers")
    spawned_before_work: list[bool] = []
    url = startup.start_server_while(
        lambda: spawned_before_work.append(bool(server.spawned)), server=server
    )
    assert spawned_before_work == [True]
    assert url == server.api_url and server in _server.STARTED
    with _server.using_api(url):
        assert PREFECT_API_URL.value() == url
        assert os.environ["PREFECT_API_URL"] == url  # for Dask workers
        assert get_current_settings().flows.heartbeat_frequency is None  # nobody to tell
    assert get_current_settings().flows.heartbeat_frequency is not None
    assert "PREFECT_API_URL" not in os.environ
    assert server.pid() in startup._server_pids()


def test_no_free_port_fails_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_port() -> int:
        raise OSError("no free port on 127.0.0.1")

    monkeypatch.setattr(startup, "uses_temporary_server", lambda: True)
    monkeypatch.setattr(_server, "free_port", no_port)
    with pytest.raises(ServerDidNotStart, match="no free port"):
        startup.start_server_while(lambda: None)


def test_progress_while_waiting_and_none_when_quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(startup, "PROGRESS_AFTER_S", 0.05)
    monkeypatch.setattr(startup, "PROGRESS_EVERY_S", 0.05)

    def waited(seconds: float) -> list[str]:
        lines: list[str] = []
        thread = threading.Thread(target=time.sleep, args=(seconds,))
        thread.start()
        startup.wait_for_server(thread, time.monotonic(), lines.append)
        return lines

    assert waited(0.0) == []
    slow = waited(0.4)
    assert slow and all("waiting for Prefect's temporary API server" in line for line in slow)


def test_run_says_what_to_do_when_the_server_does_not_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from footprints.cli import app

    def never(self: TemporaryServer, deadline_s: float, attempts: int) -> None:
        raise ServerDidNotStart("Prefect's temporary API server did not start (test)")

    monkeypatch.setattr(startup, "uses_temporary_server", lambda: True)
    monkeypatch.setattr(TemporaryServer, "spawn", lambda self: None)
    monkeypatch.setattr(TemporaryServer, "wait", never)
    # no validation thread left running into this process's exit (a run ends with os._exit)
    monkeypatch.setattr(startup, "validate_snapshot_early", lambda _warehouse: None)
    res = CliRunner().invoke(app, ["run", "--warehouse", str(tmp_path / "w.duckdb")])
    assert res.exit_code == 1
    assert res.output.strip() == ("footprints: Prefect's temporary API server did not start (test)")


def test_what_the_flow_call_imports_is_what_prefect_imports_there() -> None:
    """The modules imported while the server boots are the ones prefect==3.8.8 imports at a
    flow call (an upgrade that moves them makes the pre-import pointless: this fails then)."""
    import inspect

    from prefect.flows import Flow

    assert "from fastapi.encoders import jsonable_encoder" in inspect.getsource(
        Flow.serialize_parameters
    )
    assert "prefect.utilities.visualization" in inspect.getsource(Flow.__call__)
    startup.import_what_the_flow_call_imports()
    assert {"fastapi.encoders", "prefect.utilities.visualization"} <= set(sys.modules)


def test_no_port_for_a_second_process_fails_in_one_line(
    monkeypatch: pytest.MonkeyPatch, stand_in: Any
) -> None:
    server = stand_in("dies", "answers")
    server.spawn()

    def no_port() -> int:
        raise OSError("no free port")

    monkeypatch.setattr(_server, "free_port", no_port)
    with pytest.raises(ServerDidNotStart, match="no free port"):
        server.wait(30, _server.STARTUP_ATTEMPTS)


def test_dask_workers_without_an_api_share_one_temporary_server(
    monkeypatch: pytest.MonkeyPatch, stand_in: Any
) -> None:
    """No API anywhere: the workers' server is started, waited for and stopped as the run's own
    is (the same launcher, known to stop_children), and exported to the workers."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    import tasks.sources.models.user_cards_fanout as fanout

    server = stand_in("answers")
    monkeypatch.setattr(fanout, "TemporaryServer", lambda: server)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with (
        temporary_settings(updates={PREFECT_API_URL: None}),
        fanout.prefect_api_for_workers() as url,
    ):
        assert url == server.api_url and server.answers()
        assert os.environ["PREFECT_API_URL"] == url
        assert server.pid() in startup._server_pids()
    assert "PREFECT_API_URL" not in os.environ
    assert server.pid() is None and len(server.spawned) == 1


def test_dask_workers_get_one_line_when_their_server_does_not_start(
    monkeypatch: pytest.MonkeyPatch, stand_in: Any
) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    import tasks.sources.models.user_cards_fanout as fanout

    server = stand_in("dies", "dies")
    monkeypatch.setattr(fanout, "TemporaryServer", lambda: server)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with (
        temporary_settings(updates={PREFECT_API_URL: None}),
        pytest.raises(ServerDidNotStart, match="exited with code 1"),
        fanout.prefect_api_for_workers(),
    ):
        pass
    assert "PREFECT_API_URL" not in os.environ

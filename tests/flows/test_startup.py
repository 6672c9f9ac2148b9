"""Starting Prefect's temporary server for a run: waited for as long as a busy machine needs,
started again when its process dies, progress said while waiting, and one line when it fails.

Prefect's server class is replaced by a stand-in whose process answers, dies or never answers,
so these run in milliseconds; `footprints run` under real load is measured in docs (issue 16).
"""

from __future__ import annotations

import threading
import time
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner

import flows._startup as startup


class _Process:
    def __init__(self, returncode: int | None) -> None:
        self.returncode = returncode

    def poll(self) -> int | None:
        return self.returncode


class _Server:
    """Stands in for prefect's SubprocessASGIServer: each new instance takes the next outcome."""

    outcomes: ClassVar[list[str]] = []
    made: ClassVar[list[_Server]] = []

    def __init__(self) -> None:
        self.outcome = self.outcomes.pop(0)
        self.timeout: int | None = None
        self.stopped = False
        self.server_process: _Process | None = None
        self.made.append(self)

    def start(self, timeout: int | None = None) -> None:
        self.timeout = timeout
        if self.outcome == "answers":
            return
        if self.outcome == "no port":
            raise RuntimeError("Unable to find an available port after multiple attempts")
        self.server_process = _Process(1 if self.outcome == "dies" else None)
        raise RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server.")

    def stop(self) -> None:
        self.stopped = True


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> type[_Server]:
    import prefect.server.api.server as server_module

    _Server.outcomes, _Server.made = [], []
    monkeypatch.setattr(server_module, "SubprocessASGIServer", _Server)
    return _Server


def test_waits_longer_than_prefects_default(fake_server: type[_Server]) -> None:
    fake_server.outcomes = ["answers"]
    startup.start_temporary_server()
    (server,) = fake_server.made
    assert server.timeout == startup.STARTUP_DEADLINE_S
    assert server.timeout > 20  # Prefect's default, too short on a busy machine


def test_prefects_own_timeout_wins_when_longer(fake_server: type[_Server]) -> None:
    from prefect.settings import (
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        temporary_settings,
    )

    fake_server.outcomes = ["answers"]
    with temporary_settings(updates={PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: 900}):
        startup.start_temporary_server()
    assert fake_server.made[0].timeout == 900


def test_a_server_that_dies_is_started_again(fake_server: type[_Server]) -> None:
    fake_server.outcomes = ["dies", "answers"]
    startup.start_temporary_server()
    first, second = fake_server.made
    assert first.stopped and not second.stopped


def test_a_server_that_never_answers_fails_in_one_line(fake_server: type[_Server]) -> None:
    fake_server.outcomes = ["silent", "answers"]
    with pytest.raises(startup.ServerDidNotStart) as err:
        startup.start_temporary_server()
    assert len(fake_server.made) == 1  # the whole deadline spent: no second try
    assert fake_server.made[0].stopped
    message = str(err.value)
    assert "\n" not in message
    assert f"no answer within {startup.STARTUP_DEADLINE_S} s" in message
    assert "PREFECT_API_URL" in message


def test_dying_twice_names_the_exit_code(fake_server: type[_Server]) -> None:
    fake_server.outcomes = ["dies", "dies"]
    with pytest.raises(startup.ServerDidNotStart, match="exited with code 1"):
        startup.start_temporary_server()
    assert len(fake_server.made) == startup.STARTUP_ATTEMPTS


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

    def never(**_kw: object) -> None:
        raise startup.ServerDidNotStart("Prefect's temporary API server did not start (test)")

    monkeypatch.setattr(startup, "uses_temporary_server", lambda: True)
    monkeypatch.setattr(startup, "start_temporary_server", never)
    res = CliRunner().invoke(app, ["run", "--warehouse", str(tmp_path / "w.duckdb")])
    assert res.exit_code == 1
    assert res.output.strip() == ("footprints: Prefect's temporary API server did not start (test)")


def test_no_free_port_is_tried_again_and_said(fake_server: type[_Server]) -> None:
    fake_server.outcomes = ["no port", "no port"]
    with pytest.raises(startup.ServerDidNotStart, match="Unable to find an available port"):
        startup.start_temporary_server()
    assert len(fake_server.made) == startup.STARTUP_ATTEMPTS

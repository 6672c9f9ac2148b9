"""Progress bars: drawn for a person at a terminal, silent in CI and in pipes."""

from __future__ import annotations

import io

from tasks.core.progress import bars_enabled, progress, track


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_silent_when_not_a_tty() -> None:
    out = io.StringIO()
    assert not bars_enabled(out, {})
    with progress("work", 3, stream=out, environ={}) as advance:
        advance()
    assert out.getvalue() == ""


def test_silent_in_ci_even_on_a_tty() -> None:
    assert not bars_enabled(Tty(), {"CI": "true"})
    assert bars_enabled(Tty(), {"CI": "false"})
    assert not bars_enabled(Tty(), {"FOOTPRINTS_NO_PROGRESS": "1"})


def test_bar_on_a_tty_and_track_yields_everything() -> None:
    out = Tty()
    assert list(track([1, 2, 3], "items", stream=out, environ={})) == [1, 2, 3]
    with progress("work", None, stream=out, environ={}) as advance:
        advance(description="step two")
    assert out.getvalue()  # rich drew (then cleared) a bar

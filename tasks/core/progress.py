"""Progress bars for long steps: shown to a person at a terminal, silent everywhere else.

A bar is noise in a log file, a CI transcript or a Prefect worker's output, so it is drawn only
when stdout is a TTY and the `CI` environment variable is unset (every CI service sets it).
Callers use the same code either way:

    with progress("landing snapshot", total=len(files)) as advance:
        for f in files:
            ...
            advance()
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

T = TypeVar("T")

Advance = Callable[..., None]


def bars_enabled(stream: TextIO | None = None, environ: dict[str, str] | None = None) -> bool:
    """True when a person is watching: a TTY, not CI, and not explicitly turned off."""
    env = os.environ if environ is None else environ
    # `CI=false` is how some people switch CI mode off locally; any other value means CI.
    if env.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    if env.get("FOOTPRINTS_NO_PROGRESS"):
        return False
    out = sys.stdout if stream is None else stream
    try:
        return out.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams (pytest capture)
        return False


def _noop(*_args: object, **_kwargs: object) -> None:
    return None


@contextmanager
def progress(
    description: str,
    total: float | None = None,
    *,
    stream: TextIO | None = None,
    environ: dict[str, str] | None = None,
) -> Iterator[Advance]:
    """Yield `advance(step=1, description=None)`; a rich bar when `bars_enabled()`, else a no-op.

    `total=None` draws an indeterminate bar (a pulse), for steps whose size is unknown.
    """
    if not bars_enabled(stream, environ):
        yield _noop
        return
    console = Console(file=stream or sys.stdout)
    # transient: the bar disappears when done, leaving the command's own summary line readable.
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task_id = bar.add_task(description, total=total)

        def advance(step: float = 1, description: str | None = None) -> None:
            if description is None:
                bar.advance(task_id, step)
            else:
                bar.update(task_id, advance=step, description=description)

        yield advance


def track(
    items: Iterable[T],
    description: str,
    total: float | None = None,
    *,
    stream: TextIO | None = None,
    environ: dict[str, str] | None = None,
) -> Iterator[T]:
    """Iterate `items`, advancing a bar per item (sized from len() when it has one)."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with progress(description, total, stream=stream, environ=environ) as advance:
        for item in items:
            yield item
            advance()

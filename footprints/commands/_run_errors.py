"""What a failing `footprints run` prints: one line, the cause and the file or key.

Without -v, Prefect's error records (a failed task, a crashed flow, each with its traceback) stay
off the console; the run's own failure line says what failed. When the failure is not one of ours
(Prefect's API answering 500 because its database cannot grow), the line adds the first error
logged and, when the disk is the likely cause, says so: a file size limit (`ulimit -f`) or a
nearly full disk where the run writes.

Prefect, shutil and resource are imported (deferred) only where they are used, once a run has
started or failed, so importing this module costs `footprints --help` nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path

from footprints.commands._common import one_line, one_line_text


class ErrorsToSummary(logging.Filter):
    """Without -v, a failing run prints one line, not Prefect's error records and tracebacks:
    this filter keeps ERROR records off the console (Prefect's API still records them), and the
    first one is kept to explain a failure that is not ours (Prefect's API failing because the
    disk is full names no file; the first error, `File too large` on the WAL, does)."""

    def __init__(self, *paths: Path) -> None:
        super().__init__("footprints.errors_to_summary")
        self.first: str | None = None
        self.paths = paths  # where the run writes: named when the disk is what failed

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            return True
        if self.first is None:
            self.first = record.getMessage()
        return False

    def install(self) -> None:
        """On every Prefect console handler (the root logger's, uvicorn's, ...)."""
        from prefect.logging.handlers import PrefectConsoleHandler

        loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
        for logger in loggers:
            for handler in getattr(logger, "handlers", []):
                if isinstance(handler, PrefectConsoleHandler) and self not in handler.filters:
                    handler.addFilter(self)

    def explain(self, err: object) -> str:
        """The failure as one line: our own errors by their message (they name the source, the
        file and the key), anything else by its type and message, with the first error logged."""
        if not isinstance(err, BaseException):
            return one_line_text(str(err))
        if type(err).__module__.split(".")[0] in ("tasks", "flows"):
            return one_line(err)
        said = one_line(err)
        first = (
            f"; first error: {one_line_text(self.first)}"
            if self.first and said not in one_line_text(self.first)
            else ""
        )
        disk = _disk_hint((*self.paths, _prefect_home()))
        return f"{type(err).__name__}: {said}{first}{disk}"


# Less free space than this where the run writes is named as a likely cause of a failure.
LOW_DISK_BYTES = 64 * 1024 * 1024


def _disk_hint(paths: tuple[Path, ...]) -> str:
    """Why writing may have failed, when the cause is the disk and the error does not say so
    (Prefect's API answers 500 when its database cannot grow): a file size limit (ulimit -f),
    or a nearly full disk under one of `paths`."""
    import shutil

    hints = []
    try:
        import resource

        limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
        if limit != resource.RLIM_INFINITY:
            hints.append(
                f"files are limited to {limit:,} bytes (ulimit -f): a write past that fails with "
                "'File too large'"
            )
    except (ImportError, OSError, ValueError):  # not a Unix, or no such limit
        pass
    for path in paths:
        try:
            free = shutil.disk_usage(path).free
        except OSError:
            continue
        if free < LOW_DISK_BYTES:
            hints.append(f"{path} has {free:,} bytes free: 'No space left on device'")
    return "".join(f"; {h}" for h in hints)


def _prefect_home() -> Path:
    from prefect.settings import PREFECT_HOME

    return Path(PREFECT_HOME.value())

"""The warehouse's SQL files and errors, without DuckDB: what the raw area's writers
(`tasks.load.archive`, `tasks.load.manifest`) need, light enough for a parsing worker to import.
`tasks.load.warehouse`, the connection point, exports them with `connect`."""

from __future__ import annotations

import re
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


class WarehouseError(RuntimeError):
    """A warehouse problem, with a message that says what to do."""

    exit_code = 1


class WarehousePathError(WarehouseError):
    """A warehouse path that no run could create (a read-only or special folder): the user's
    setting to change, so a command exits 2 as for any other bad argument."""

    exit_code = 2


class WarehouseLockedError(WarehouseError):
    """Another process holds the write lock on the warehouse file."""

    def __init__(self, message: str, pid: int | None = None) -> None:
        super().__init__(message)
        self.pid = pid


class WarehouseCorruptError(WarehouseError):
    """The database file or its write-ahead log cannot be read; the message names the file."""


def read_sql(relative: str, **identifiers: str) -> str:
    """SQL text from sql/<relative>, with allow-listed identifiers substituted (values use `?`)."""
    text = (SQL_DIR / relative).read_text(encoding="utf-8")
    for name, ident in identifiers.items():
        parts = [p.strip() for p in re.split(r"\band\b|=|\.", ident) if p.strip()]
        if not all(_IDENT.match(p) for p in parts):
            raise WarehouseError(f"refusing identifier {ident!r} in {relative}")
        text = text.replace("{" + name + "}", ident)
    return text

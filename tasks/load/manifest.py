"""The one builder of manifest rows: what was archived, from where, when.

A row goes to raw/manifest.jsonl when a payload is archived (`tasks.load.archive`), and into
meta_raw_manifest when it is loaded; `footprints rebuild` replays the file into the table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from tasks.load.sql import read_sql

if TYPE_CHECKING:  # annotations only: a parsing worker builds rows without DuckDB
    import duckdb

MANIFEST_FILE = "manifest.jsonl"

# The columns of meta_raw_manifest, in the order of sql/load/insert_into_raw_manifest.sql.
MANIFEST_COLUMNS: tuple[str, ...] = (
    "sha256",
    "source",
    "url",
    "etag",
    "last_modified",
    "http_status",
    "content_type",
    "bytes",
    "fetched_at",
    "raw_path",
)
_REQUIRED = frozenset({"sha256", "source", "url", "bytes", "fetched_at", "raw_path"})


class Archived(Protocol):
    """What the manifest records of an archived payload or file."""

    @property
    def source(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def raw_path(self) -> Path: ...
    @property
    def size(self) -> int: ...
    @property
    def fetched_at(self) -> datetime | None: ...
    @property
    def content_type(self) -> str | None: ...
    @property
    def http_status(self) -> int | None: ...
    @property
    def etag(self) -> str | None: ...
    @property
    def last_modified(self) -> str | None: ...


def manifest_row(entry: Archived) -> dict[str, object]:
    """The manifest row of an archived payload or file (MANIFEST_COLUMNS)."""
    fetched = entry.fetched_at or datetime.now(UTC).replace(tzinfo=None)
    return {
        "sha256": entry.sha256,
        "source": entry.source,
        "url": entry.url,
        "etag": entry.etag,
        "last_modified": entry.last_modified,
        "http_status": entry.http_status,
        "content_type": entry.content_type,
        "bytes": entry.size,
        "fetched_at": fetched.isoformat(),
        "raw_path": str(entry.raw_path),
    }


def insert_manifest_row(con: duckdb.DuckDBPyConnection, row: dict[str, object]) -> None:
    """One meta_raw_manifest row (the first record of a source x URL x sha256 wins)."""
    values = [row[c] if c in _REQUIRED else row.get(c) for c in MANIFEST_COLUMNS]
    values[MANIFEST_COLUMNS.index("fetched_at")] = datetime.fromisoformat(str(row["fetched_at"]))
    con.execute(read_sql("load/insert_into_raw_manifest.sql"), values)


def record_manifest(con: duckdb.DuckDBPyConnection, entry: Archived) -> None:
    """The archived entry's row into meta_raw_manifest."""
    insert_manifest_row(con, manifest_row(entry))

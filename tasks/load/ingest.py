"""The bundled snapshot into the warehouse: each file through the loading kernel
(`tasks.load.land.land_file`), each its own atomic load."""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from tasks.core.progress import track
from tasks.core.settings import Settings, get_settings
from tasks.load.archive import sha256_bytes
from tasks.load.journal import last_loaded_sha
from tasks.load.land import LoadResult, Parser, SourceError, is_scanned, land_file
from tasks.load.prepare import Prepared, prepare_payload
from tasks.load.validate import ValidationFailed
from tasks.load.warehouse import open_warehouse


class IngestFailed(RuntimeError):
    """Some batches of a group failed (each message names its file); the others landed."""

    def __init__(self, errors: list[str], landed: list[LoadResult]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors
        self.landed = landed


def read_csv_text(data: bytes) -> pl.DataFrame:
    """A CSV as text columns: types are the validator's job, so a bad cell is a quarantined row,
    not a crashed read."""
    return pl.read_csv(io.BytesIO(data), infer_schema=False, encoding="utf8-lossy")


@dataclass(frozen=True)
class SnapshotFile:
    """One file of the bundled snapshot and the raw table it lands in."""

    relative_path: str
    table: str
    # How the kernel reads the file when it holds it in memory (a Parquet file is scanned by
    # DuckDB in place instead: 0.65 s for the 116k-row hourly file, against ~2 s in memory).
    parser: Parser = read_csv_text


def snapshot_scope(spec: SnapshotFile) -> str:
    """The batch scope a snapshot file lands under (what 'unchanged' is judged against)."""
    return f"snapshot:{spec.relative_path}"


def changed_snapshot_files(
    con: duckdb.DuckDBPyConnection, files: Sequence[SnapshotFile], *, settings: Settings
) -> list[SnapshotFile]:
    """The files whose content is not what was last landed for their scope: those a refresh
    would validate and land (a missing file counts, as the refresh would report it)."""
    return [change.spec for change in _changes(con, files, settings)]


@dataclass(frozen=True)
class _Change:
    """A snapshot file whose content is not what was last landed: its bytes and their SHA-256
    (both None when the file is missing)."""

    spec: SnapshotFile
    data: bytes | None
    sha256: str | None


def _changes(
    con: duckdb.DuckDBPyConnection | None, files: Sequence[SnapshotFile], settings: Settings
) -> list[_Change]:
    """Each file read and hashed once, kept when it differs from what was last landed for its
    scope (every file, without a warehouse yet: `con` None)."""
    changes = []
    for spec in files:
        path = Path(settings.snapshot_dir) / spec.relative_path
        if not path.is_file():
            changes.append(_Change(spec, None, None))
            continue
        data = path.read_bytes()
        sha = sha256_bytes(data)
        if con is None or last_loaded_sha(con, spec.table, snapshot_scope(spec)) != sha:
            changes.append(_Change(spec, data, sha))
    return changes


def _to_validate(
    con: duckdb.DuckDBPyConnection | None, files: Sequence[SnapshotFile], settings: Settings
) -> list[_Change]:
    """The changed files the kernel holds in memory (a scanned Parquet file is never read
    whole), which exist: the ones worth validating ahead of their landing."""
    in_memory = [f for f in files if not is_scanned(Path(f.relative_path))]
    return [c for c in _changes(con, in_memory, settings) if c.data is not None]


def ingest_snapshot_files(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[SnapshotFile],
    *,
    settings: Settings,
    run_id: str | None = None,
) -> list[LoadResult]:
    """Land bundled snapshot files in order, each as its own atomic load. A file that fails does
    not stop the others; the failures are raised together at the end.

    The files that changed are parsed and validated one ahead, on a thread of their own
    (`validate_ahead`), while this thread, the warehouse's one writer, lands the previous one."""
    results = []
    errors: list[str] = []
    pool = ThreadPoolExecutor(1, thread_name_prefix="validate-ahead")
    try:
        ahead = validate_ahead(pool, con, files, settings)
        for spec in track(files, "snapshot: landing files"):
            path = Path(settings.snapshot_dir) / spec.relative_path
            try:
                if not path.is_file():
                    raise SourceError(f"snapshot: file {path} is missing")
                results.append(
                    land_file(
                        con,
                        path,
                        spec.table,
                        source="snapshot",
                        url=snapshot_url(spec),
                        batch_scope=snapshot_scope(spec),
                        settings=settings,
                        parser=spec.parser,
                        run_id=run_id,
                        ahead=ahead.get(spec.relative_path),
                    )
                )
            except (SourceError, ValidationFailed) as err:
                errors.append(str(err))
    finally:  # stopped (an error, Ctrl-C): the files not started yet are not validated
        pool.shutdown(wait=True, cancel_futures=True)
    if errors:
        raise IngestFailed(errors, results)
    return results


def snapshot_url(spec: SnapshotFile) -> str:
    return f"snapshot/{spec.relative_path}"


def prepare_file(change: _Change, settings: Settings) -> Prepared:
    """A changed snapshot file parsed and validated, not landed (`tasks.load.prepare`)."""
    assert change.data is not None and change.sha256 is not None  # _to_validate keeps these
    return prepare_payload(
        "snapshot",
        snapshot_url(change.spec),
        change.data,
        change.sha256,
        change.spec.table,
        change.spec.parser,
        threshold=settings.quarantine_threshold,
    )


def validate_ahead(
    pool: ThreadPoolExecutor,
    con: duckdb.DuckDBPyConnection,
    files: Sequence[SnapshotFile],
    settings: Settings,
) -> dict[str, Future[Prepared]]:
    """Submit, in landing order, the parsing and validation of every file held in memory whose
    content changed since it was last landed (a rerun with nothing new validates nothing). The
    work is Python (polars, Great Expectations) and the landing mostly DuckDB, which releases the
    GIL, so on two cores the two overlap. A file that changes between this read and its landing
    is validated again there (`land_file` checks the hash). One started early
    (`validate_early`) is taken instead of submitted again."""
    early = {spec.relative_path: _EARLY.pop(_early_key(spec, settings), None) for spec in files}
    return {
        change.spec.relative_path: early[change.spec.relative_path]
        or pool.submit(prepare_file, change, settings)
        for change in _to_validate(con, files, settings)
    }


# Validations started before the flow: `footprints run` starts them while Prefect's temporary
# server starts (`validate_early`), keyed by the file's path and table; `validate_ahead` takes
# one instead of starting its own (`land_file` uses it only if its bytes are the ones landed).
_EARLY: dict[tuple[str, str], Future[Prepared]] = {}


def _early_key(spec: SnapshotFile, settings: Settings) -> tuple[str, str]:
    return str(Path(settings.snapshot_dir) / spec.relative_path), spec.table


def validate_early(files: Sequence[SnapshotFile], settings: Settings) -> None:
    """Parse and validate, on a daemon thread, the snapshot files a refresh of this warehouse
    will land in memory (those that changed; all of them for a new warehouse). Meant for the
    seconds a run waits for Prefect's server with a core idle; the flow then finds them done.
    A daemon thread, not a pool: a run that stops early does not wait for the ones left."""
    if Path(settings.warehouse).exists():
        with open_warehouse(settings=settings, read_only=True) as con:
            changes = _to_validate(con, files, settings)
    else:
        changes = _to_validate(None, files, settings)
    jobs = []
    for change in changes:
        future: Future[Prepared] = Future()
        _EARLY[_early_key(change.spec, settings)] = future
        jobs.append((future, change))

    def work() -> None:
        for future, change in jobs:
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(prepare_file(change, settings))
            except BaseException as err:  # the load re-raises it, as if validated there
                future.set_exception(err)

    threading.Thread(target=work, name="validate-early", daemon=True).start()


def land_snapshot(
    files: Sequence[SnapshotFile], warehouse: str | None = None, run_id: str | None = None
) -> list[LoadResult]:
    """Open the warehouse (the one writer), land the snapshot files in order, close it."""
    settings = get_settings(warehouse=Path(warehouse) if warehouse else None)
    with open_warehouse(settings=settings) as con:
        return ingest_snapshot_files(con, files, settings=settings, run_id=run_id)

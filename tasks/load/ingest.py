"""The one path from a payload to a raw table: archive, skip if unchanged, parse, validate, land."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from tasks.core.progress import track
from tasks.core.settings import Settings
from tasks.load.validate import ValidationFailed, validate_batch
from tasks.load.warehouse import (
    LoadResult,
    Payload,
    archive_payload,
    land_batch,
    last_loaded_sha,
    new_load_id,
    record_manifest,
    sha256_bytes,
    unchanged_since_last_load,
)

Parser = Callable[[bytes], pl.DataFrame]


class SourceError(RuntimeError):
    """A payload could not be read; the message names the source and file or URL."""


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
    parser: Parser = read_csv_text
    # A Parquet file landed through tasks.load.bulk: DuckDB types and checks it in place (0.65 s for
    # the 116k-row hourly file, against ~2 s through polars and pandas); `parser` is then unused.
    bulk: bool = False


def ingest_payload(
    con: duckdb.DuckDBPyConnection,
    payload: Payload,
    table: str,
    parser: Parser,
    *,
    batch_scope: str,
    settings: Settings,
    run_id: str | None = None,
    force: bool = False,
) -> LoadResult:
    """Land one payload into one raw table; raises ValidationFailed when the batch is rejected
    (after recording why), SourceError when the payload cannot be parsed."""
    record_manifest(con, payload)
    if not force and unchanged_since_last_load(con, table, batch_scope, payload.sha256, settings):
        return LoadResult(table, batch_scope, "", "unchanged", message="payload unchanged")
    started = datetime.now(UTC).replace(tzinfo=None)
    try:
        frame = parser(payload.data)
    except (pl.exceptions.PolarsError, ValueError, UnicodeDecodeError) as err:
        raise SourceError(f"{payload.source}: cannot parse {payload.url}: {err}") from err
    frame = frame.with_columns(
        pl.lit(payload.url).alias("_source_url")
        if "_source_url" not in frame.columns
        else pl.col("_source_url"),
        pl.lit(payload.sha256).alias("_source_sha256")
        if "_source_sha256" not in frame.columns
        else pl.col("_source_sha256"),
    )
    outcome = validate_batch(table, frame, threshold=settings.quarantine_threshold)
    result = land_batch(
        con,
        table,
        outcome.good,
        batch_scope=batch_scope,
        payload_sha256=payload.sha256,
        source_url=payload.url,
        rows_in=outcome.rows_in,
        quarantine=outcome.quarantine,
        validation=outcome.results,
        run_id=run_id,
        load_id=new_load_id(),
        started_at=started,
        rejected_reason=outcome.rejected_reason,
        settings=settings,
    )
    if outcome.rejected_reason:
        raise ValidationFailed(f"{payload.url}: {outcome.rejected_reason}")
    return result


def snapshot_scope(spec: SnapshotFile) -> str:
    """The batch scope a snapshot file lands under (what 'unchanged' is judged against)."""
    return f"snapshot:{spec.relative_path}"


def changed_snapshot_files(
    con: duckdb.DuckDBPyConnection, files: Sequence[SnapshotFile], *, settings: Settings
) -> list[SnapshotFile]:
    """The files whose content is not what was last landed for their scope: those a refresh
    would validate and land (a missing file counts, as the refresh would report it)."""
    changed = []
    for spec in files:
        path = Path(settings.snapshot_dir) / spec.relative_path
        if not path.is_file() or last_loaded_sha(
            con, spec.table, snapshot_scope(spec)
        ) != sha256_bytes(path.read_bytes()):
            changed.append(spec)
    return changed


def ingest_snapshot_files(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[SnapshotFile],
    *,
    settings: Settings,
    run_id: str | None = None,
) -> list[LoadResult]:
    """Land bundled snapshot files in order, each as its own atomic load. A file that fails does
    not stop the others; the failures are raised together at the end."""
    results = []
    errors: list[str] = []
    for spec in track(files, "snapshot: landing files"):
        path = Path(settings.snapshot_dir) / spec.relative_path
        try:
            if not path.is_file():
                raise SourceError(f"snapshot: file {path} is missing")
            if spec.bulk:
                results.append(_land_bulk(con, path, spec, settings=settings, run_id=run_id))
                continue
            payload = archive_payload(
                "snapshot", f"snapshot/{spec.relative_path}", path.read_bytes(), settings=settings
            )
            results.append(
                ingest_payload(
                    con,
                    payload,
                    spec.table,
                    spec.parser,
                    batch_scope=snapshot_scope(spec),
                    settings=settings,
                    run_id=run_id,
                )
            )
        except (SourceError, ValidationFailed) as err:
            errors.append(str(err))
    if errors:
        raise IngestFailed(errors, results)
    return results


def _land_bulk(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    spec: SnapshotFile,
    *,
    settings: Settings,
    run_id: str | None,
) -> LoadResult:
    """A snapshot Parquet file through tasks.load.bulk, with the URL and scope the in-memory path
    gives it, so either path finds the other's last load of the scope unchanged."""
    from tasks.load.bulk import land_parquet

    try:
        return land_parquet(
            con,
            path,
            spec.table,
            source="snapshot",
            url=f"snapshot/{spec.relative_path}",
            batch_scope=snapshot_scope(spec),
            settings=settings,
            run_id=run_id,
        )
    except (duckdb.IOException, duckdb.InvalidInputException) as err:
        raise SourceError(f"snapshot: cannot read {path}: {err}") from err


def land_snapshot(
    files: Sequence[SnapshotFile], warehouse: str | None = None, run_id: str | None = None
) -> list[LoadResult]:
    """Open the warehouse (the one writer), land the snapshot files in order, close it."""
    from tasks.core.settings import get_settings
    from tasks.load.warehouse import open_warehouse

    settings = get_settings(warehouse=Path(warehouse) if warehouse else None)
    with open_warehouse(settings=settings) as con:
        return ingest_snapshot_files(con, files, settings=settings, run_id=run_id)

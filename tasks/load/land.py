"""The one loading kernel: a batch into a raw table, in one transaction.

Every load follows RELIABILITY.md: validate the batch, quarantine bad rows, MERGE by natural key
with a row hash, write the load log - all inside one transaction. A batch whose payload hash
equals the last successful load of its scope is skipped (nothing changed). Before its
transaction every load writes its load package and after COMMIT its journal line
(`tasks.load.journal`), so `footprints rebuild` can replay it from the raw area alone.

How the rows are read is the kernel's choice, not the caller's (`land_file`): a Parquet file is
scanned by DuckDB in place (`tasks.load.scan`: typed, checked and merged without ever being held
in Python, which is what lets a 10M-row file in); any other payload is small enough to parse
and validate in memory (`ingest_payload`: polars, then Great Expectations on the whole batch).
Both record the same quarantine, validation results, load log, package and journal line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from tasks.core.settings import Settings
from tasks.load.archive import ArchivedFile, Payload, archive_file, archive_payload, now
from tasks.load.journal import (
    PACKAGES_DIR,
    journal_load,
    new_load_id,
    packages_dir,
    unchanged_since_last_load,
    write_load_package,
)
from tasks.load.manifest import Archived, record_manifest
from tasks.load.prepare import Parser, Prepared, SourceError, prepare_payload
from tasks.load.quarantine import record_quarantine
from tasks.load.scan import (
    LAST_PHASES,
    key_join,
    load_settings,
    load_settings_for,
    merge_file,
    phase,
    plan_for,
    row_hash_sql,
    source_types,
)
from tasks.load.scan_checks import check_batch
from tasks.load.validate import ValidationFailed, record_validation
from tasks.load.warehouse import RAW_TABLE_KEYS, WarehouseError, read_sql, rollback


@dataclass(frozen=True)
class LoadResult:
    """What one load did; small enough to return from a task."""

    table: str
    batch_scope: str
    load_id: str
    status: str  # success | unchanged | rejected
    rows_in: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    quarantined: int = 0
    expectations_evaluated: int = 0
    expectations_failed: int = 0
    message: str = ""


def _unchanged(table: str, batch_scope: str) -> LoadResult:
    return LoadResult(table, batch_scope, "", "unchanged", message="payload unchanged")


def _check_table(table: str) -> None:
    if table not in RAW_TABLE_KEYS:
        raise WarehouseError(f"unknown raw table {table!r}")


def record_load(
    con: duckdb.DuckDBPyConnection,
    table: str,
    *,
    load_id: str,
    run_id: str | None,
    batch_scope: str,
    source_url: str,
    payload_sha256: str,
    started_at: datetime,
    rows_in: int,
    changed: tuple[int, int, int],
    quarantine: pl.DataFrame,
    validation: pl.DataFrame,
    rejected_reason: str | None,
) -> None:
    """A load's quarantined rows, validation results and load-log row, inside the caller's
    transaction (every strategy records them the same way)."""
    record_quarantine(
        con,
        quarantine,
        load_id=load_id,
        run_id=run_id,
        table=table,
        source_url=source_url,
        payload_sha256=payload_sha256,
    )
    record_validation(con, validation, load_id=load_id, table=table)
    inserted, updated, deleted = changed
    con.execute(
        read_sql("load/insert_into_load_log.sql"),
        [
            load_id,
            run_id,
            table,
            batch_scope,
            source_url,
            payload_sha256,
            started_at,
            rows_in,
            inserted,
            updated,
            deleted,
            quarantine.height,
            "rejected" if rejected_reason else "success",
            rejected_reason,
        ],
    )


def commit_load(
    con: duckdb.DuckDBPyConnection,
    merge: Callable[[], tuple[int, int, int]] | None,
    table: str,
    manifest: Archived | None = None,
    **record: Any,
) -> tuple[int, int, int]:
    """One transaction: the payload's `manifest` row, `merge` the rows (None: a rejected batch
    merges nothing), then record the load; rolled back whole on any error. Returns (inserted,
    updated, deleted). The manifest row rides in the load's transaction because a commit of its
    own costs a WAL sync (~10-20 ms) per load; a load that fails records it alone after."""
    con.execute("begin transaction")
    try:
        if manifest is not None:
            record_manifest(con, manifest)
        changed = merge() if merge is not None else (0, 0, 0)
        record_load(con, table, changed=changed, **record)
        with phase("commit"):
            con.execute("commit")
    except BaseException:
        rollback(con)
        raise
    return changed


def _merge_frame(
    con: duckdb.DuckDBPyConnection,
    table: str,
    good: pl.DataFrame,
    batch_scope: str,
    load_id: str,
    started_at: datetime,
) -> tuple[int, int, int]:
    """The in-memory rows, staged with their row hashes, MERGEd into the raw table; into a table
    holding no rows at all, inserted (the same rows: the batch's keys are unique by now)."""
    empty = con.execute(read_sql("load/raw_table_is_empty.sql", table=table)).fetchall()[0][0]
    if not empty:
        con.execute(read_sql("load/create_stage.sql", table=table))
    business = good.drop(["_source_url", "_source_sha256"])
    meta = good.select(["_source_url", "_source_sha256"])
    con.register("incoming_business", business.to_arrow())
    con.register("incoming_meta", meta.to_arrow())
    try:
        insert = read_sql("load/insert_into_stage.sql", target=table if empty else "stage")
        insert = insert.replace("{row_hash}", row_hash_sql(table, "i."))
        con.execute(insert, [batch_scope, load_id, started_at])
    finally:
        con.unregister("incoming_business")
        con.unregister("incoming_meta")
    if empty:
        return good.height, 0, 0
    actions = con.execute(
        read_sql("load/merge_into_raw.sql", table=table, key_join=key_join(table)),
        [batch_scope],
    ).fetchall()
    con.execute("drop table if exists stage")
    counts = {"INSERT": 0, "UPDATE": 0, "DELETE": 0}
    for (action,) in actions:
        if action in counts:
            counts[action] += 1
    return counts["INSERT"], counts["UPDATE"], counts["DELETE"]


@dataclass(frozen=True)
class LoadSpec:
    """One load's identity and parameters, as its package header and load log record them."""

    table: str
    load_id: str
    batch_scope: str
    payload_sha256: str
    source_url: str
    rows_in: int
    run_id: str | None
    started_at: datetime
    rejected_reason: str | None = None
    manifest: Archived | None = None  # recorded in the load's transaction (not in the header)

    @property
    def status(self) -> str:
        return "rejected" if self.rejected_reason else "success"

    def header(self) -> dict[str, object]:
        """The load package's header (a scanned load adds `kind` and `raw_file`)."""
        return {
            "load_id": self.load_id,
            "table": self.table,
            "batch_scope": self.batch_scope,
            "payload_sha256": self.payload_sha256,
            "source_url": self.source_url,
            "rows_in": self.rows_in,
            "run_id": self.run_id,
            "started_at": self.started_at.isoformat(),
            "rejected_reason": self.rejected_reason,
        }


def run_load(
    con: duckdb.DuckDBPyConnection,
    spec: LoadSpec,
    merge: Callable[[], tuple[int, int, int]],
    *,
    quarantine: pl.DataFrame,
    validation: pl.DataFrame,
    packages: Path | None,
    package: tuple[dict[str, object], pl.DataFrame] = ({}, pl.DataFrame()),
    rows_landed: int = 0,
) -> tuple[int, int, int]:
    """The load package (header extras, body) under `packages`, then one transaction (`merge`,
    unless the batch is rejected, and the records), then its journal line. Without `packages`
    (a replay) neither package nor journal line is written. Returns (inserted, updated, deleted)."""
    extra, body = package
    package_sha = ""
    if packages is not None:
        target = packages / f"{spec.load_id}.parquet"
        package_sha = write_load_package(
            target, {**spec.header(), **extra}, body, quarantine, validation
        )
    changed = commit_load(
        con,
        merge if spec.rejected_reason is None else None,
        spec.table,
        spec.manifest,
        load_id=spec.load_id,
        run_id=spec.run_id,
        batch_scope=spec.batch_scope,
        source_url=spec.source_url,
        payload_sha256=spec.payload_sha256,
        started_at=spec.started_at,
        rows_in=spec.rows_in,
        quarantine=quarantine,
        validation=validation,
        rejected_reason=spec.rejected_reason,
    )
    if packages is not None:
        journal_load(
            packages,
            spec.load_id,
            table=spec.table,
            batch_scope=spec.batch_scope,
            payload_sha256=spec.payload_sha256,
            source_url=spec.source_url,
            status=spec.status,
            rows=0 if spec.rejected_reason else rows_landed,
            rows_in=spec.rows_in,
            quarantined=quarantine.height,
            package_sha256=package_sha,
        )
    return changed


def land_batch(
    con: duckdb.DuckDBPyConnection,
    table: str,
    good: pl.DataFrame,
    *,
    batch_scope: str,
    payload_sha256: str,
    source_url: str,
    rows_in: int,
    quarantine: pl.DataFrame,
    validation: pl.DataFrame,
    run_id: str | None,
    load_id: str,
    started_at: datetime,
    rejected_reason: str | None = None,
    settings: Settings | None = None,
    record: bool = True,
    manifest: Archived | None = None,
) -> LoadResult:
    """One transaction: merge the good rows, record quarantine, validation and the load log.

    `good` holds the table's business columns plus `_source_url` and `_source_sha256`.
    When `rejected_reason` is set nothing is merged; the rejection and its reasons are recorded.
    With `record` (always, except when replaying) the batch is first written as a load package
    and, once committed, journaled, under `settings.raw_path` or, without settings, the raw
    folder of the connection's own database file.
    """
    _check_table(table)
    spec = LoadSpec(
        table,
        load_id,
        batch_scope,
        payload_sha256,
        source_url,
        rows_in,
        run_id,
        started_at,
        rejected_reason,
        manifest,
    )
    changed = run_load(
        con,
        spec,
        lambda: _merge_frame(con, table, good, batch_scope, load_id, started_at),
        quarantine=quarantine,
        validation=validation,
        packages=packages_dir(con, settings) if record else None,
        package=({}, good),
        rows_landed=good.height,
    )
    return _result(spec, changed, quarantine, validation)


def _result(
    spec: LoadSpec,
    changed: tuple[int, int, int],
    quarantine: pl.DataFrame,
    validation: pl.DataFrame,
) -> LoadResult:
    failed = validation.filter(~pl.col("success")).height if validation.height else 0
    return LoadResult(
        spec.table,
        spec.batch_scope,
        spec.load_id,
        spec.status,
        spec.rows_in,
        *changed,
        quarantine.height,
        validation.height,
        failed,
        spec.rejected_reason or "",
    )


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
    extra_quarantine: pl.DataFrame | None = None,
) -> LoadResult:
    """Land one payload held in memory into one raw table; raises ValidationFailed when the
    batch is rejected (after recording why), SourceError when the payload cannot be parsed.
    `extra_quarantine` (QUARANTINE_SCHEMA) is recorded with the load."""
    if not force and unchanged_since_last_load(con, table, batch_scope, payload.sha256, settings):
        record_manifest(con, payload)
        return _unchanged(table, batch_scope)
    with _manifest_if_failed(con, payload):
        return _land_in_memory(
            con, payload, table, parser, batch_scope, settings, run_id, extra_quarantine
        )


def _land_in_memory(
    con: duckdb.DuckDBPyConnection,
    payload: Payload,
    table: str,
    parser: Parser,
    batch_scope: str,
    settings: Settings,
    run_id: str | None,
    extra_quarantine: pl.DataFrame | None,
    ahead: Future[Prepared] | None = None,
) -> LoadResult:
    """Land a payload held in memory: parsed and validated now, or by `ahead` when it was
    computed from these very bytes."""
    prepared = ahead.result() if ahead is not None else None
    if prepared is None or prepared.sha256 != payload.sha256:
        prepared = prepare_payload(
            payload.source,
            payload.url,
            payload.data,
            payload.sha256,
            table,
            parser,
            threshold=settings.quarantine_threshold,
        )
    outcome = prepared.outcome
    quarantine = outcome.quarantine
    if extra_quarantine is not None and extra_quarantine.height:
        quarantine = pl.concat([extra_quarantine, quarantine])
    result = land_batch(
        con,
        table,
        outcome.good,
        batch_scope=batch_scope,
        payload_sha256=payload.sha256,
        source_url=payload.url,
        rows_in=outcome.rows_in,
        quarantine=quarantine,
        validation=outcome.results,
        run_id=run_id,
        load_id=new_load_id(),
        started_at=prepared.started,
        rejected_reason=outcome.rejected_reason,
        settings=settings,
        manifest=payload,
    )
    if outcome.rejected_reason:
        raise ValidationFailed(f"{payload.url}: {outcome.rejected_reason}")
    return result


@contextmanager
def _manifest_if_failed(con: duckdb.DuckDBPyConnection, archived: Archived) -> Iterator[None]:
    """A load records its payload's manifest row in its own transaction (`commit_load`); when it
    fails before or in that transaction (a file that does not parse, a full disk), the row is
    recorded alone, as the archive holds the payload either way. A rejected batch has recorded
    it already (the insert does nothing on a second try)."""
    try:
        yield
    except BaseException:
        with suppress(duckdb.Error):  # the load's own error is the one to report
            record_manifest(con, archived)
        raise


def is_scanned(path: Path) -> bool:
    """Whether the kernel scans `path` in DuckDB rather than reading it into memory: a Parquet
    file (columnar and typed already, and the format of the large batches: 10M hourly rows)."""
    return path.suffix.lower() == ".parquet"


def land_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    *,
    source: str,
    url: str,
    batch_scope: str,
    settings: Settings,
    parser: Parser | None = None,
    run_id: str | None = None,
    force: bool = False,
    extra_quarantine: pl.DataFrame | None = None,
    ahead: Future[Prepared] | None = None,
) -> LoadResult:
    """Land one file into one raw table, the kernel choosing how (see the module docstring):
    archived, then scanned in place by DuckDB or parsed by `parser` in memory.
    `extra_quarantine` (QUARANTINE_SCHEMA) is recorded with the load: problems found before the
    file was written, such as card files that could not be parsed. Raises ValidationFailed when
    the batch is rejected, after recording why; SourceError when the file cannot be read.
    `ahead`: the file parsed and validated already (`prepare_payload`, e.g. on another thread
    while the previous file committed); used only if computed from the bytes archived now."""
    _check_table(table)
    scanned = is_scanned(path)
    if not scanned and parser is None:
        raise SourceError(f"{source}: no parser for {path} (only Parquet files are scanned)")
    LAST_PHASES.clear()
    with phase("archive"):
        archived: Payload | ArchivedFile = (
            archive_file(source, url, Path(path), settings=settings)
            if scanned
            else archive_payload(source, url, path.read_bytes(), settings=settings)
        )
    if not force and unchanged_since_last_load(con, table, batch_scope, archived.sha256, settings):
        record_manifest(con, archived)
        return _unchanged(table, batch_scope)
    if isinstance(archived, Payload):
        assert parser is not None  # checked above, before archiving
        with _manifest_if_failed(con, archived):
            return _land_in_memory(
                con,
                archived,
                table,
                parser,
                batch_scope,
                settings,
                run_id,
                extra_quarantine,
                ahead,
            )
    with _manifest_if_failed(con, archived), load_settings(con, load_settings_for(con, table)):
        try:
            return _land_scanned(
                con, archived, table, batch_scope, settings, run_id, extra_quarantine
            )
        except (duckdb.IOException, duckdb.InvalidInputException) as err:
            raise SourceError(f"{source}: cannot read {path}: {err}") from err
        finally:
            for name in ("bulk_dup_hashes", "bulk_scan", "bulk_checked", "bulk_fact_rules"):
                con.execute(f"drop table if exists {name}")


# The file's rows that do not land: the failing rows of check_batch.
_CHECKED_BAD = "select _row_number from bulk_checked where _bad"


def _land_scanned(
    con: duckdb.DuckDBPyConnection,
    archived: ArchivedFile,
    table: str,
    batch_scope: str,
    settings: Settings,
    run_id: str | None,
    extra_quarantine: pl.DataFrame | None,
) -> LoadResult:
    started = now()
    load_id = new_load_id()
    plan = plan_for(table, source_types(con, archived.raw_path))
    params: dict[str, Any] = {
        "path": str(archived.raw_path),
        "_source_url": archived.url,
        "_source_sha256": archived.sha256,
    }
    checked = check_batch(con, plan, params, threshold=settings.quarantine_threshold)
    # The package's body: the row numbers of the file that did not land; the rows are the
    # archived file's, which `raw_file` (relative to the raw folder) names, so a 10M-row load
    # does not copy them.
    excluded = checked.quarantine.select(pl.col("row_number").alias("_row_number"))
    quarantine = checked.quarantine
    if extra_quarantine is not None and extra_quarantine.height:
        quarantine = pl.concat([extra_quarantine, quarantine])
    spec = LoadSpec(
        table,
        load_id,
        batch_scope,
        archived.sha256,
        archived.url,
        checked.rows_in,
        run_id,
        started,
        checked.rejected_reason,
        archived,
    )
    raw_file = archived.raw_path.relative_to(settings.raw_path).as_posix()
    changed = run_load(
        con,
        spec,
        lambda: merge_file(con, plan, params, batch_scope, load_id, started, _CHECKED_BAD),
        quarantine=quarantine,
        validation=checked.results,
        packages=settings.raw_path / PACKAGES_DIR,
        package=({"kind": "bulk", "raw_file": raw_file}, excluded),
        rows_landed=checked.rows_in - excluded.height,
    )
    if checked.rejected_reason:
        raise ValidationFailed(f"{archived.url}: {checked.rejected_reason}")
    return _result(spec, changed, quarantine, checked.results)

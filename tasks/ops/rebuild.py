"""`footprints rebuild`: the warehouse recreated from the raw area alone.

`rebuild_warehouse` replays the journal in order through the loading paths into a new file
(`land_batch` for packages holding their rows, `tasks.load.replay.replay_package` for bulk loads,
whose package names the archived file), rebuilds `meta_raw_manifest` from the manifest lines and
the models from the raw tables, and only then swaps the new file in (the old one is kept as
`.bak`). A later load of a scope supersedes an earlier one exactly as the MERGE did the first
time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from tasks.load.journal import PACKAGES_DIR, read_load_package
from tasks.load.land import land_batch
from tasks.load.manifest import MANIFEST_FILE, insert_manifest_row
from tasks.load.replay import replay_package
from tasks.load.warehouse import connect, lock_holder
from tasks.model.transform import build_models
from tasks.ops.raw_area import MaintenanceError, journal_path, read_jsonl


@dataclass(frozen=True)
class RebuildResult:
    path: Path
    backup: Path | None  # the previous file, kept
    loads: int
    manifest_rows: int
    models: int
    skipped_lines: int  # torn journal/manifest lines (a crash mid-append), not replayable


def _refuse_if_locked(path: Path) -> None:
    """A rebuild swaps the file: never while a refresh holds it."""
    if not path.exists():
        return
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as err:
        if "lock" in str(err).lower():
            pid, cmd = lock_holder(err)
            raise MaintenanceError(
                f"refusing to rebuild {path}: process {pid or '?'} ({cmd or 'unknown command'}) "
                "holds its lock; wait for it to finish"
            ) from None
        return  # damaged: exactly what a rebuild is for
    except duckdb.Error:
        return
    con.close()


def _remove_leftover(path: Path) -> None:
    # Only our own temp file of an earlier, interrupted rebuild.
    for leftover in (path, Path(f"{path}.wal")):
        leftover.unlink(missing_ok=True)


def replay_journal(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> tuple[int, int]:
    """Replay every journaled load in order (no new packages or journal lines); returns
    (loads replayed, torn lines skipped). Raises MaintenanceError naming a missing package."""
    journal = read_jsonl(journal_path(raw_dir))
    seen: set[str] = set()
    loads = 0
    for entry in journal.records:
        load_id = str(entry["load_id"])
        if load_id in seen:
            continue
        seen.add(load_id)
        package = raw_dir / PACKAGES_DIR / str(entry.get("package") or f"{load_id}.parquet")
        if not package.is_file():
            raise MaintenanceError(
                f"load package {package} of load {load_id} ({entry.get('table')}, "
                f"{entry.get('batch_scope')}) is missing: the raw area cannot replay it"
            )
        pkg = read_load_package(package)
        h = pkg.header
        if h.get("kind") == "bulk":  # a scanned load: the rows are the archived file's
            if not (raw_dir / str(h.get("raw_file"))).is_file():
                raise MaintenanceError(
                    f"archived file {raw_dir / str(h.get('raw_file'))} of load {load_id} "
                    f"({entry.get('table')}, {entry.get('batch_scope')}) is missing: the raw "
                    "area cannot replay it"
                )
            replay_package(con, pkg, raw_dir)
            loads += 1
            continue
        land_batch(
            con,
            str(h["table"]),
            pkg.good,
            batch_scope=str(h["batch_scope"]),
            payload_sha256=str(h["payload_sha256"]),
            source_url=str(h["source_url"]),
            rows_in=int(h["rows_in"]),  # type: ignore[call-overload]
            quarantine=pkg.quarantine,
            validation=pkg.validation,
            run_id=h.get("run_id"),  # type: ignore[arg-type]
            load_id=load_id,
            started_at=datetime.fromisoformat(str(h["started_at"])),
            rejected_reason=h.get("rejected_reason"),  # type: ignore[arg-type]
            record=False,
        )
        loads += 1
    return loads, len(journal.torn)


def replay_manifest(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> tuple[int, int]:
    manifest = read_jsonl(raw_dir / MANIFEST_FILE)
    con.execute("begin transaction")
    try:
        for row in manifest.records:
            insert_manifest_row(con, row)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    count = con.execute("select count(*) from meta_raw_manifest").fetchall()[0][0]
    return int(count), len(manifest.torn)


def rebuild_warehouse(target: Path, raw_dir: Path) -> RebuildResult:
    """Recreate the warehouse at `target` from `raw_dir` alone, into a temp file renamed over the
    target only when complete; the previous file (and its WAL) are kept as `.bak`."""
    target = Path(target).absolute()
    raw_dir = Path(raw_dir).absolute()
    if not journal_path(raw_dir).is_file():
        raise MaintenanceError(
            f"no load journal at {journal_path(raw_dir)}: nothing to rebuild from "
            "(is --from-raw the warehouse's raw folder?)"
        )
    _refuse_if_locked(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.rebuild.tmp")
    _remove_leftover(tmp)
    try:
        con = connect(tmp)
        try:
            manifest_rows, torn_manifest = replay_manifest(con, raw_dir)
            loads, torn_journal = replay_journal(con, raw_dir)
            models = build_models(con, force=True).models
            con.execute("checkpoint")
        finally:
            con.close()
    except BaseException:
        _remove_leftover(tmp)
        raise
    kept = None
    if target.exists():
        kept = target.with_name(f"{target.name}.bak")
        Path(f"{kept}.wal").unlink(missing_ok=True)  # the WAL of the previous .bak, not this one
        os.replace(target, kept)
        if Path(f"{target}.wal").exists():  # uncheckpointed commits travel with their file
            os.replace(f"{target}.wal", f"{kept}.wal")
    elif Path(f"{target}.wal").exists():
        # A WAL without its database: keep it aside; it must not be replayed onto the new file.
        os.replace(f"{target}.wal", f"{target}.orphan.wal")
    os.replace(tmp, target)
    return RebuildResult(target, kept, loads, manifest_rows, models, torn_manifest + torn_journal)

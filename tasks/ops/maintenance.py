"""Keeping the warehouse healthy: rebuild it from the raw area, check it, back it up.

The raw area is the source of truth and the DuckDB file a cache of it (RELIABILITY.md, design 1
and case 7): every payload is archived content-addressed with a line in `raw/manifest.jsonl`,
and every load leaves a load package and a journal line (tasks/load/warehouse.py). So:

- `rebuild_warehouse` replays the journal in order through the loading paths into a new file
  (`land_batch` for packages holding their rows, `tasks.load.replay.replay_package` for bulk loads,
  whose package names the archived file), rebuilds `meta_raw_manifest` from the manifest lines
  and the models from the raw tables, and only then swaps the new file in (the old one is kept
  as `.bak`). A later load of a scope
  supersedes an earlier one exactly as the MERGE did the first time.
- `run_checks` (`footprints doctor`) says what is wrong and what to do about it.
- `backup_warehouse` checkpoints, then copies through a temp file and a rename.

Concurrency choice (case 8): a reader while a refresh writes fails fast with the lock holder's
PID and command line; it does not read 'the last snapshot'. DuckDB allows readers only when no
process holds the file read-write, and a stale copy of the file would be a second source of
truth that a query could silently disagree with. The refresh is never disturbed by a reader.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
from pydantic import ValidationError

from tasks.core.settings import SOURCES, Settings, get_settings
from tasks.load.journal import JOURNAL_FILE, PACKAGES_DIR, read_load_package
from tasks.load.land import land_batch
from tasks.load.manifest import MANIFEST_FILE, insert_manifest_row
from tasks.load.replay import replay_package
from tasks.load.warehouse import (
    WarehouseCorruptError,
    WarehouseError,
    WarehouseLockedError,
    backup,
    connect,
    lock_holder,
    open_warehouse,
)


class MaintenanceError(RuntimeError):
    """A rebuild or backup that cannot go ahead; the message says why and what to do."""


# ---------------------------------------------------------------------------------------------
# The raw area's append-only logs


@dataclass
class JsonLines:
    """The records of a .jsonl file; a torn last line (a crash mid-append) is skipped, counted."""

    records: list[dict[str, object]] = field(default_factory=list)
    torn: list[int] = field(default_factory=list)  # 1-based line numbers that did not parse


def read_jsonl(path: Path) -> JsonLines:
    out = JsonLines()
    if not path.is_file():
        return out
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                out.torn.append(number)
                continue
            if isinstance(record, dict):
                out.records.append(record)
            else:
                out.torn.append(number)
    return out


def journal_path(raw_dir: Path) -> Path:
    return raw_dir / PACKAGES_DIR / JOURNAL_FILE


# ---------------------------------------------------------------------------------------------
# Rebuild


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
    from tasks.model.transform import build_models

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


# ---------------------------------------------------------------------------------------------
# Backup


def backup_warehouse(settings: Settings, out: Path) -> Path:
    """CHECKPOINT, then copy via a temp file and a rename; refuses while another process writes."""
    db = Path(settings.warehouse).absolute()
    out = Path(out).absolute()
    if out == db:
        raise MaintenanceError(f"the backup {out} would overwrite the warehouse itself")
    if Path(f"{out}.wal").exists():
        raise MaintenanceError(
            f"{out}.wal exists: {out} looks like a live warehouse; choose another --out"
        )
    if not db.exists():
        raise MaintenanceError(f"warehouse {db} does not exist: nothing to back up")
    try:
        with open_warehouse(db, settings=settings) as con:
            return backup(con, db, out)
    except WarehouseLockedError as err:
        raise MaintenanceError(f"refusing to back up while a refresh writes: {err}") from None


# ---------------------------------------------------------------------------------------------
# Doctor


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    advice: str = ""


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _settings_checks(warehouse: Path | None) -> tuple[Settings | None, list[Check]]:
    try:
        settings = get_settings(warehouse=warehouse)
    except ValidationError as err:
        problems = "; ".join(
            f"FOOTPRINTS_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in err.errors()
        )
        return None, [
            Check("settings", False, problems, "fix the variable (see .env.example), then rerun")
        ]
    checks = [
        Check(
            "settings",
            True,
            f"warehouse {settings.warehouse}, raw {settings.raw_path}, "
            f"quarantine threshold {settings.quarantine_threshold:g}",
        )
    ]
    set_names = [f"FOOTPRINTS_{s.upper()}_TOKEN" for s in SOURCES if settings.source(s).token]
    unset = [f"FOOTPRINTS_{s.upper()}_TOKEN" for s in SOURCES if not settings.source(s).token]
    checks.append(
        Check(
            "tokens",
            True,
            f"set: {', '.join(set_names) or 'none'}; not set: {', '.join(unset) or 'none'}",
            "" if set_names else "live sources that need a token are skipped without one",
        )
    )
    return settings, checks


def _open_checks(db: Path) -> tuple[duckdb.DuckDBPyConnection | None, list[Check]]:
    restore = (
        f"restore a backup over {db} (`footprints backup --out FILE` makes one), or run "
        "`footprints rebuild` to recreate it from the raw area (the damaged file is kept as .bak)"
    )
    if not db.exists():
        return None, [
            Check(
                "warehouse",
                False,
                f"{db} does not exist",
                "run `footprints run`, or `footprints rebuild` if a raw area exists",
            )
        ]
    try:
        con = connect(db, read_only=True)
    except WarehouseLockedError as err:
        pid, cmd = lock_holder(str(err.__cause__ or err))
        who = f"PID {pid}" if pid else "another process"
        return None, [
            Check(
                "lock",
                False,
                f"{db} is held read-write by {who}"
                + (f": {cmd}" if cmd else "")
                + "; the other checks need the file",
                f"wait for that run to finish; if it is stuck, stop it (kill {pid or 'PID'}) "
                "- its open load rolls back",
            )
        ]
    except WarehouseCorruptError as err:
        return None, [Check("opens", False, str(err), restore)]
    except WarehouseError as err:
        return None, [Check("opens", False, str(err), restore)]
    checks = [
        Check("lock", True, "no other process holds the file"),
        Check("opens", True, f"{db} opens read-only"),
    ]
    wal = Path(f"{db}.wal")
    if wal.exists():
        checks.append(
            Check(
                "wal",
                True,
                f"{wal} holds {wal.stat().st_size:,} bytes of commits not yet checkpointed: "
                "fine, the next writer or `footprints backup` checkpoints them",
            )
        )
    else:
        checks.append(Check("wal", True, "no write-ahead log: every commit is checkpointed"))
    return con, checks


def _integrity_check(con: duckdb.DuckDBPyConnection, db: Path) -> Check:
    tables = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' order by table_name"
        ).fetchall()
    ]
    bad = []
    rows = 0
    for table in tables:
        try:
            # Reading every column of every row makes DuckDB verify each block's checksum.
            rows += con.execute(
                f'select count(*), sum(hash(to_json(x))) from "{table}" as x'
            ).fetchall()[0][0]
        except duckdb.Error as err:
            bad.append(f"{table}: {str(err)[:200]}")
    if bad:
        return Check(
            "integrity",
            False,
            f"{len(bad)} of {len(tables)} tables cannot be read: " + "; ".join(bad),
            "restore a backup, or `footprints rebuild` from the raw area",
        )
    return Check("integrity", True, f"{len(tables)} tables, {rows:,} rows scanned")


def _raw_checks(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> Iterator[Check]:
    manifest = con.execute(
        "select distinct source, sha256, raw_path from meta_raw_manifest order by source, sha256"
    ).fetchall()
    missing, mismatched = [], []
    for source, sha, raw_path in manifest:
        candidates = [raw_dir / source / sha, Path(raw_path)]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            missing.append(f"{source}/{sha[:12]}")
        elif _sha256_file(path) != sha:
            mismatched.append(str(path))
    if missing or mismatched:
        yield Check(
            "raw archive",
            False,
            f"{len(manifest)} payloads in meta_raw_manifest: {len(missing)} missing "
            f"({', '.join(missing[:5])}), {len(mismatched)} with the wrong sha256 "
            f"({', '.join(mismatched[:5])})",
            "restore raw/ from a backup, or rerun `footprints run` to fetch them again",
        )
    else:
        yield Check("raw archive", True, f"{len(manifest)} payloads present, every sha256 matches")

    journal = read_jsonl(journal_path(raw_dir))
    journaled = {str(e["load_id"]): e for e in journal.records if "load_id" in e}
    no_package = [
        load_id
        for load_id, e in journaled.items()
        if e.get("status") in ("success", "rejected")
        and not (raw_dir / PACKAGES_DIR / str(e.get("package") or f"{load_id}.parquet")).is_file()
    ]
    logged = [r[0] for r in con.execute("select load_id from meta_load_log").fetchall()]
    unjournaled = [load_id for load_id in logged if load_id not in journaled]
    if no_package or unjournaled:
        yield Check(
            "load packages",
            False,
            f"{len(no_package)} journaled loads without their package "
            f"({', '.join(no_package[:5])}); {len(unjournaled)} loads in meta_load_log not in "
            f"{journal_path(raw_dir)} ({', '.join(unjournaled[:5])})",
            "the warehouse cannot be rebuilt from raw alone: keep a backup "
            "(`footprints backup --out FILE`); a load cut off between its commit and its journal "
            "line is journaled by the next `footprints run` of its source; loads made before "
            "load packages existed, when their source changes",
        )
    else:
        torn = f"; {len(journal.torn)} torn line(s) skipped" if journal.torn else ""
        yield Check(
            "load packages",
            True,
            f"{len(journaled)} journaled loads, each with its package; every load in "
            f"meta_load_log is journaled{torn}",
        )


def run_checks(warehouse: Path | None = None) -> list[Check]:
    """Every check of `footprints doctor`, in order; a check that cannot run is not reported."""
    settings, checks = _settings_checks(warehouse)
    if settings is None:
        return checks
    db = Path(settings.warehouse)
    con, opened = _open_checks(db)
    checks += opened
    if con is None:
        return checks
    try:
        integrity = _integrity_check(con, db)
        checks.append(integrity)
        if integrity.ok:
            checks += list(_raw_checks(con, settings.raw_path))
    finally:
        con.close()
    return checks

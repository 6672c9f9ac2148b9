"""`footprints doctor`: what is wrong with the warehouse and its raw area, and what to do.

Concurrency choice (RELIABILITY.md case 8): a reader while a refresh writes fails fast with the
lock holder's PID and command line; it does not read 'the last snapshot'. DuckDB allows readers
only when no process holds the file read-write, and a stale copy of the file would be a second
source of truth that a query could silently disagree with. The refresh is never disturbed by a
reader.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
from pydantic import ValidationError

from tasks.core.settings import Settings, get_settings
from tasks.load.archive import sha256_file
from tasks.load.journal import PACKAGES_DIR
from tasks.load.warehouse import (
    WarehouseCorruptError,
    WarehouseError,
    WarehouseLockedError,
    connect,
    lock_holder,
)
from tasks.ops.raw_area import check_archive, journal_path, read_jsonl
from tasks.sources.registry import SOURCES


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    advice: str = ""


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
    live = [s for s in SOURCES if s.base_url]
    set_names = [f"FOOTPRINTS_{s.name.upper()}_TOKEN" for s in live if s.settings(settings).token]
    unset = [f"FOOTPRINTS_{s.name.upper()}_TOKEN" for s in live if not s.settings(settings).token]
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
    archive = check_archive(raw_dir, manifest)
    missing = [m[:-52] for m in archive.missing]  # source/ and the first 12 of the sha256
    mismatched = archive.mismatched
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

    def package(load_id: str, e: dict[str, object]) -> Path:
        return raw_dir / PACKAGES_DIR / str(e.get("package") or f"{load_id}.parquet")

    no_package = [
        load_id
        for load_id, e in journaled.items()
        if e.get("status") in ("success", "rejected") and not package(load_id, e).is_file()
    ]
    altered = [  # not the package its load wrote (`footprints rebuild` refuses it)
        load_id
        for load_id, e in journaled.items()
        if e.get("package_sha256")
        and package(load_id, e).is_file()
        and sha256_file(package(load_id, e)) != e["package_sha256"]
    ]
    logged = [r[0] for r in con.execute("select load_id from meta_load_log").fetchall()]
    unjournaled = [load_id for load_id in logged if load_id not in journaled]
    if no_package or altered or unjournaled or journal.torn:
        yield Check(
            "load packages",
            False,
            f"{len(no_package)} journaled loads without their package "
            f"({', '.join(no_package[:5])}); {len(altered)} whose package does not match its "
            f"journal line's sha256 ({', '.join(altered[:5])}); {len(unjournaled)} loads in "
            f"meta_load_log not in {journal_path(raw_dir)} ({', '.join(unjournaled[:5])}); "
            f"{len(journal.torn)} torn journal line(s) {journal.torn[:5] or ''}",
            "the warehouse cannot be rebuilt from raw alone: keep a backup "
            "(`footprints backup --out FILE`) and restore raw/ from one; a load cut off between "
            "its commit and its journal line is journaled by the next `footprints run` of its "
            "source; loads made before load packages existed, when their source changes",
        )
    else:
        yield Check(
            "load packages",
            True,
            f"{len(journaled)} journaled loads, each with its package (matching its sha256 where "
            "the journal line has one); every load in meta_load_log is journaled",
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

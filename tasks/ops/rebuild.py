"""`footprints rebuild`: the warehouse recreated from the raw area alone, verified first.

A rebuild is a restore, and like restic's or borg's it checks what it restores before touching
anything (`verify_raw_area`):

- the journal is whole: no torn line, and at least as long as every manifest line says it was
  when its payload was archived (`journal_bytes`), so an emptied or truncated journal is refused
  rather than replayed into an empty board; when the current warehouse opens, every load in its
  `meta_load_log` must be journaled too;
- every load package matches the sha256 its journal line recorded (lines written before the
  journal carried hashes are checked by their header only, and counted in the summary);
- every archived file a scanned load replays matches its name (content-addressed sha256).

Then `rebuild_warehouse` replays the journal in order through the loading paths into a temp file
(`land_batch` for packages holding their rows, `tasks.load.replay.replay_package` for bulk loads,
whose package names the archived file), rebuilds `meta_raw_manifest` from the manifest lines and
the models from the raw tables, and only then swaps the new file in with one rename (the old one
is kept as `.bak`, hard-linked before the swap). Any failure leaves the current warehouse as it
was. A later load of a scope supersedes an earlier one exactly as the MERGE did the first time.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from tasks.load.archive import sha256_file
from tasks.load.journal import PACKAGES_DIR, LoadPackage, read_load_package
from tasks.load.land import land_batch
from tasks.load.manifest import MANIFEST_FILE, insert_manifest_row
from tasks.load.replay import replay_package
from tasks.load.warehouse import WarehouseError, connect, lock_holder, rollback
from tasks.model.transform import build_models
from tasks.ops.raw_area import MaintenanceError, check_archive, journal_path, read_jsonl


@dataclass(frozen=True)
class RebuildResult:
    path: Path
    backup: Path | None  # the previous file, kept
    loads: int
    manifest_rows: int
    models: int
    skipped_lines: int  # torn manifest lines (a crash mid-append): no load depends on them
    unhashed: int = 0  # packages journaled before journal lines carried their sha256
    archived: int = 0  # archived payloads verified against their names


@dataclass
class VerifiedJournal:
    """The journal's loads, in order, each package checked (`verify_raw_area`)."""

    entries: list[dict[str, object]] = field(default_factory=list)
    unhashed: int = 0
    archived: int = 0  # archived payloads of the manifest checked against their names
    digests: dict[Path, str] = field(default_factory=dict)  # each file hashed once

    def sha256(self, path: Path) -> str:
        if path not in self.digests:
            self.digests[path] = sha256_file(path)
        return self.digests[path]


def _logged_loads(path: Path) -> list[str] | None:
    """The load ids of the current warehouse (None when there is none or it does not open: a
    damaged file is what a rebuild is for). A rebuild swaps the file: never while a refresh
    holds it."""
    if not path.exists():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as err:
        if "lock" in str(err).lower():
            pid, cmd = lock_holder(err)
            raise MaintenanceError(
                f"refusing to rebuild {path}: process {pid or '?'} ({cmd or 'unknown command'}) "
                "holds its lock; wait for it to finish"
            ) from None
        return None
    except duckdb.Error:
        return None
    try:
        return [r[0] for r in con.execute("select load_id from meta_load_log").fetchall()]
    except duckdb.Error:
        return None
    finally:
        con.close()


def _remove_leftover(path: Path) -> None:
    # Only our own temp file of an earlier, interrupted rebuild.
    for leftover in (path, Path(f"{path}.wal")):
        leftover.unlink(missing_ok=True)


def _check_journal_whole(raw_dir: Path, logged: list[str] | None) -> list[dict[str, object]]:
    """The journal's records, refused when it does not cover what the raw area and the current
    warehouse say was loaded."""
    path = journal_path(raw_dir)
    journal = read_jsonl(path)
    if journal.torn:
        raise MaintenanceError(
            f"load journal {path} is damaged at line {journal.torn[0]} (cut off or not JSON): "
            "restore raw/ from a backup; a rebuild would silently drop that load"
        )
    manifest_file = raw_dir / MANIFEST_FILE
    manifest = read_jsonl(manifest_file)
    size = path.stat().st_size
    claimed = [int(str(r.get("journal_bytes") or 0)) for r in manifest.records]
    if claimed and max(claimed) > size:
        line = claimed.index(max(claimed)) + 1
        raise MaintenanceError(
            f"load journal {path} is {size} bytes, but {manifest_file} record {line} was "
            f"archived when it was {max(claimed)}: the journal was truncated; restore raw/ "
            "from a backup"
        )
    if not journal.records and manifest.records:
        raise MaintenanceError(
            f"load journal {path} lists no load, but {manifest_file} lists "
            f"{len(manifest.records)} archived payloads: the journal was emptied; restore raw/ "
            "from a backup"
        )
    ids = {str(e.get("load_id")) for e in journal.records}
    missing = [load_id for load_id in logged or () if load_id not in ids]
    if missing:
        raise MaintenanceError(
            f"load journal {path} lacks {len(missing)} load(s) of the current warehouse "
            f"({', '.join(missing[:3])}): run `footprints run` first (it journals a load cut off "
            "before its journal line), or rebuild into another --warehouse to compare"
        )
    return journal.records


def _verified_package(
    raw_dir: Path, entry: dict[str, object], verified: VerifiedJournal
) -> tuple[LoadPackage, bool]:
    """A journaled load's package, checked against its journal line (and, for a scanned load,
    its archived file against its name); returns it and whether it carried a hash."""
    load_id = str(entry["load_id"])
    what = f"load {load_id} ({entry.get('table')}, {entry.get('batch_scope')})"
    package = raw_dir / PACKAGES_DIR / str(entry.get("package") or f"{load_id}.parquet")
    if not package.is_file():
        raise MaintenanceError(
            f"load package {package} of {what} is missing: the raw area cannot replay it"
        )
    expected = entry.get("package_sha256")
    if expected and verified.sha256(package) != expected:
        raise MaintenanceError(
            f"load package {package} of {what} does not match the sha256 its journal line "
            "recorded: it was changed after the load; restore it from a backup"
        )
    try:
        pkg = read_load_package(package)
    except (WarehouseError, OSError, ValueError) as err:  # pyarrow's errors are ValueErrors
        raise MaintenanceError(f"load package {package} of {what} cannot be read: {err}") from None
    h = pkg.header
    if str(h.get("load_id")) != load_id or h.get("table") != entry.get("table"):
        raise MaintenanceError(
            f"load package {package} is not the package of {what} (its header says load "
            f"{h.get('load_id')}, {h.get('table')})"
        )
    if h.get("kind") == "bulk":  # a scanned load: the rows are the archived file's
        raw = raw_dir / str(h.get("raw_file"))
        if not raw.is_file():
            raise MaintenanceError(
                f"archived file {raw} of {what} is missing: the raw area cannot replay it"
            )
        if verified.sha256(raw) not in (raw.name, h.get("payload_sha256")):
            raise MaintenanceError(
                f"archived file {raw} of {what} does not match its sha256 (its name): it was "
                "changed after it was archived; restore it from a backup"
            )
    return pkg, bool(expected)


def verify_raw_area(raw_dir: Path, current: Path | None = None) -> VerifiedJournal:
    """Check everything a rebuild would replay (see the module docstring), before anything is
    written; raises MaintenanceError naming the first file that fails."""
    logged = _logged_loads(current) if current is not None else None
    out = VerifiedJournal()
    seen: set[str] = set()
    for entry in _check_journal_whole(raw_dir, logged):
        load_id = str(entry["load_id"])
        if load_id in seen:
            continue
        seen.add(load_id)
        _pkg, hashed = _verified_package(raw_dir, entry, out)
        out.unhashed += not hashed
        out.entries.append(entry)
    manifest = read_jsonl(raw_dir / MANIFEST_FILE).records
    archive = check_archive(raw_dir, ((str(r["source"]), str(r["sha256"]), None) for r in manifest))
    if archive.missing or archive.mismatched:
        bad = archive.mismatched[0] if archive.mismatched else f"{raw_dir}/{archive.missing[0]}"
        why = "does not match its sha256 (its name)" if archive.mismatched else "is missing"
        raise MaintenanceError(
            f"archived payload {bad} {why}, with {len(archive.missing)} missing and "
            f"{len(archive.mismatched)} changed of {archive.checked} in {raw_dir / MANIFEST_FILE}: "
            "restore raw/ from a backup (`footprints doctor` lists them)"
        )
    out.archived = archive.checked
    return out


def replay_journal(
    con: duckdb.DuckDBPyConnection, raw_dir: Path, verified: VerifiedJournal | None = None
) -> int:
    """Replay every journaled load in order (no new packages or journal lines); returns the
    loads replayed. Raises MaintenanceError naming a package or file that fails its check."""
    verified = verified or verify_raw_area(raw_dir)
    for entry in verified.entries:
        pkg, _hashed = _verified_package(raw_dir, entry, verified)
        h = pkg.header
        if h.get("kind") == "bulk":
            replay_package(con, pkg, raw_dir)
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
            load_id=str(entry["load_id"]),
            started_at=datetime.fromisoformat(str(h["started_at"])),
            rejected_reason=h.get("rejected_reason"),  # type: ignore[arg-type]
            record=False,
        )
    return len(verified.entries)


def replay_manifest(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> tuple[int, int]:
    manifest = read_jsonl(raw_dir / MANIFEST_FILE)
    con.execute("begin transaction")
    try:
        for row in manifest.records:
            insert_manifest_row(con, row)
        con.execute("commit")
    except BaseException:
        rollback(con)
        raise
    count = con.execute("select count(*) from meta_raw_manifest").fetchall()[0][0]
    return int(count), len(manifest.torn)


def _keep_previous(target: Path) -> Path | None:
    """Hard-link the current file (and its WAL) as `.bak` before the swap, so the rename that
    swaps the new file in is the only step that changes `target`; a crash at any point leaves
    the old file or the new one at `target`, never none."""
    if not target.exists():
        if Path(f"{target}.wal").exists():
            # A WAL without its database: keep it aside; it must not be replayed onto the new file.
            os.replace(f"{target}.wal", f"{target}.orphan.wal")
        return None
    kept = target.with_name(f"{target.name}.bak")
    for old in (kept, Path(f"{kept}.wal")):
        old.unlink(missing_ok=True)
    _link_or_copy(target, kept)
    wal = Path(f"{target}.wal")
    if wal.exists():  # uncheckpointed commits travel with their file, never onto the new one
        _link_or_copy(wal, Path(f"{kept}.wal"))
        wal.unlink()
    return kept


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a filesystem without hard links
        shutil.copy2(source, target)


def rebuild_warehouse(target: Path, raw_dir: Path) -> RebuildResult:
    """Recreate the warehouse at `target` from `raw_dir` alone, verified first, into a temp file
    renamed over the target only when complete; the previous file (and its WAL) are kept as
    `.bak`. On any failure `target` is untouched."""
    target = Path(target).absolute()
    raw_dir = Path(raw_dir).absolute()
    if not journal_path(raw_dir).is_file():
        raise MaintenanceError(
            f"no load journal at {journal_path(raw_dir)}: nothing to rebuild from "
            "(is --from-raw the warehouse's raw folder?)"
        )
    verified = verify_raw_area(raw_dir, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.rebuild.tmp")
    _remove_leftover(tmp)
    try:
        con = connect(tmp)
        try:
            manifest_rows, torn_manifest = replay_manifest(con, raw_dir)
            loads = replay_journal(con, raw_dir, verified)
            models = build_models(con, force=True).models
            con.execute("checkpoint")
        finally:
            con.close()
    except BaseException:
        _remove_leftover(tmp)
        raise
    kept = _keep_previous(target)
    os.replace(tmp, target)
    return RebuildResult(
        target,
        kept,
        loads,
        manifest_rows,
        models,
        torn_manifest,
        verified.unhashed,
        verified.archived,
    )

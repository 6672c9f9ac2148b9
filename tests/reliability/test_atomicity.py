"""Cases 5-7: an exception mid-load, SIGKILL mid-load, a full disk or a corrupt WAL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from reliability_helpers import (
    KILL_POINTS,
    hourly_csv,
    leaderboard,
    load_hourly,
    raw_content,
    start_python,
    table_checksums,
    wait_for_line,
)

import tasks.load.land as land_module
from tasks.core.settings import get_settings
from tasks.load.archive import archive_payload
from tasks.load.ingest import read_csv_text
from tasks.load.journal import JOURNAL_FILE, PACKAGES_DIR
from tasks.load.land import ingest_payload
from tasks.load.warehouse import WarehouseCorruptError, connect, open_warehouse
from tasks.ops.backup import backup_warehouse
from tasks.ops.doctor import run_checks
from tasks.ops.rebuild import rebuild_warehouse

HOURLY = ("raw_grid_intensity_hourly",)
KILL_ROWS = int(os.environ.get("FOOTPRINTS_KILL_ROWS", "50000"))


def fail_at_merge(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the MERGE step raise: the batch is staged and validated, then the load breaks."""
    real = land_module.read_sql

    def read_sql(relative: str, **identifiers: str) -> str:
        if relative == "load/merge_into_raw.sql":
            raise RuntimeError("injected failure between staging and merge")
        return real(relative, **identifiers)

    monkeypatch.setattr(land_module, "read_sql", read_sql)


def journal_lines(db: Path) -> list[str]:
    path = db.parent / "raw" / PACKAGES_DIR / JOURNAL_FILE
    return path.read_text().splitlines() if path.exists() else []


# Case 5 ---------------------------------------------------------------------------------------


def test_an_exception_between_staging_and_merge_lands_nothing(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = get_settings(warehouse=warehouse)
    before = table_checksums(warehouse)
    journal = journal_lines(warehouse)
    text = (settings.snapshot_dir / "assumptions.csv").read_text().replace("1.2,", "1.25,", 1)
    payload = archive_payload(
        "snapshot", "snapshot/assumptions.csv", text.encode(), settings=settings
    )
    fail_at_merge(monkeypatch)
    with open_warehouse(settings=settings) as con, pytest.raises(RuntimeError, match="injected"):
        ingest_payload(
            con,
            payload,
            "raw_assumptions",
            read_csv_text,
            batch_scope="snapshot:assumptions.csv",
            settings=settings,
        )
    after = table_checksums(warehouse)
    # Only the manifest gained the (archived, kept) payload; no raw row, no load log, no build.
    assert {t: v for t, v in after.items() if t != "meta_raw_manifest"} == {
        t: v for t, v in before.items() if t != "meta_raw_manifest"
    }
    assert payload.raw_path.read_bytes() == text.encode()
    assert journal_lines(warehouse) == journal  # not journaled: a rebuild will not replay it


def test_the_flow_run_is_failed_and_the_warehouse_intact(
    prefect_harness, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.build_leaderboard import build_leaderboard

    before = table_checksums(warehouse)
    snapshot = warehouse.parent / "snapshot"
    shutil.copytree(get_settings().snapshot_dir, snapshot)
    csv = snapshot / "assumptions.csv"
    csv.write_text(csv.read_text().replace("1.2,", "1.25,", 1))
    monkeypatch.setenv("FOOTPRINTS_SNAPSHOT_DIR", str(snapshot))
    fail_at_merge(monkeypatch)
    state = build_leaderboard(str(warehouse), return_state=True)
    assert state.is_failed()
    assert "injected failure" in str(state.message)
    after = table_checksums(warehouse)
    assert {t: v for t, v in after.items() if t != "meta_raw_manifest"} == {
        t: v for t, v in before.items() if t != "meta_raw_manifest"
    }
    sha = __import__("hashlib").sha256(csv.read_bytes()).hexdigest()
    assert (warehouse.parent / "raw" / "snapshot" / sha).is_file()  # raw kept


# Case 6 ---------------------------------------------------------------------------------------


def _state(db: Path, old: dict, new: dict) -> str:
    content = raw_content(db, HOURLY)
    with open_warehouse(db, read_only=True) as con:
        loads = con.execute(
            "select count(*) from meta_load_log where table_name = 'raw_grid_intensity_hourly'"
        ).fetchall()[0][0]
    if content == old and loads == 1:
        return "old"
    if content == new and loads == 2:
        return "new"
    raise AssertionError(f"half a load: {content} with {loads} load log rows")


def _events(db: Path, packages_before: int) -> dict[str, bool]:
    packages = db.parent / "raw" / PACKAGES_DIR
    return {
        "package": len(list(packages.glob("*.parquet"))) > packages_before,
        "journal": len(journal_lines(db)) > 1,
    }


def _wait_for(db: Path, event: str, proc: subprocess.Popen[str]) -> None:
    while proc.poll() is None and not _events(db, 1)[event]:
        time.sleep(0.002)


def _kill_at(
    tmp_path: Path, i: int, anchor: str, delay: float, base: Path, csv: Path, old: dict, new: dict
) -> str:
    """One kill point: a fresh copy of the old state, a loading process killed `delay` seconds
    after `anchor` (start / package written / journal line), reopened, checked, re-run."""
    db = tmp_path / f"kill{i}" / "w.duckdb"
    shutil.copytree(base.parent, db.parent)
    proc = start_python(LOADER.format(db=str(db), csv=str(csv)))
    wait_for_line(proc, "start")
    if anchor != "start":
        _wait_for(db, anchor, proc)
    time.sleep(delay)
    phase = _events(db, 1)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    if proc.returncode != -signal.SIGKILL:
        where = "after exit"
    elif phase["journal"]:
        where = "after commit"  # journal written, or the checkpoint on close under way
    elif phase["package"]:
        where = "in the transaction"  # staging, merge, load log, commit
    else:
        where = "validating"
    with open_warehouse(db) as con:  # recovery: replays the WAL up to the last commit
        con.execute("select 1")
    state = _state(db, old, new)
    if phase["journal"]:
        assert state == "new"  # journaled only after COMMIT
    assert load_hourly(db, csv) in ("success", "unchanged")  # the re-run
    assert raw_content(db, HOURLY) == new
    assert not [c.name for c in run_checks(db) if not c.ok]
    return f"{anchor}+{delay:.2f}s ({where}): {state}"


LOADER = (
    "from pathlib import Path; from reliability_helpers import load_hourly; "
    "load_hourly(Path({db!r}), Path({csv!r}), signal=True)"
)


@pytest.mark.slow
def test_sigkill_during_a_load_leaves_the_old_or_the_whole_new_state(tmp_path: Path) -> None:
    """A real process lands KILL_ROWS synthetic hourly rows (every row of the previous load
    updated) and is killed with SIGKILL at 10 points spread over validation, the transaction
    (staging, merge, commit) and after it (journal, checkpoint on close). Reopened: the old
    state or the whole new one, never half; a re-run converges."""
    old_csv, new_csv = tmp_path / "old.csv", tmp_path / "new.csv"
    old_csv.write_bytes(hourly_csv(KILL_ROWS, 1))
    new_csv.write_bytes(hourly_csv(KILL_ROWS, 2))
    base = tmp_path / "base" / "w.duckdb"
    assert load_hourly(base, old_csv) == "success"
    old = raw_content(base, HOURLY)

    # Calibration: an unkilled run, timing its phases as seen from outside.
    calib = tmp_path / "calib" / "w.duckdb"
    shutil.copytree(base.parent, calib.parent)
    proc = start_python(LOADER.format(db=str(calib), csv=str(new_csv)))
    wait_for_line(proc, "start")
    t0 = time.monotonic()
    seen: dict[str, float] = {}
    while proc.poll() is None:
        for name, happened in _events(calib, 1).items():
            if happened and name not in seen:
                seen[name] = time.monotonic() - t0
        time.sleep(0.002)
    seen["exit"] = time.monotonic() - t0
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    new = raw_content(calib, HOURLY)
    assert new != old and new[HOURLY[0]][0] == old[HOURLY[0]][0]
    package_at = seen.get("package", seen["exit"] * 0.8)
    journal_at = seen.get("journal", seen["exit"])
    in_tx = max(journal_at - package_at, 0.05)
    after = max(seen["exit"] - journal_at, 0.05)
    points = [("start", package_at * f) for f in (0.2, 0.7)]
    points += [("package", in_tx * f) for f in (0.0, 0.2, 0.4, 0.6, 0.85)]
    points += [("journal", after * f) for f in (0.0, 0.3, 0.7)]

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:  # two kill points at a time
        outcomes = list(
            pool.map(
                lambda a: _kill_at(tmp_path, a[0], *a[1], base, new_csv, old, new),
                enumerate(points),
            )
        )
    KILL_POINTS.extend(outcomes)
    print("kill points:", "; ".join(outcomes))
    assert len(outcomes) == 10
    assert {o.rsplit(": ", 1)[1] for o in outcomes} <= {"old", "new"}


# Case 7 ---------------------------------------------------------------------------------------


@pytest.fixture()
def small_disk(tmp_path: Path):
    """A 4 MB tmpfs (we run as root in CI); skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_fails_naming_the_file_and_the_previous_state_stays(
    small_disk: Path, tmp_path: Path
) -> None:
    db = small_disk / "w.duckdb"
    settings = get_settings(warehouse=db, raw_dir=tmp_path / "raw")
    small = tmp_path / "small.csv"
    small.write_bytes(hourly_csv(200, 1))
    assert load_hourly(db, small) == "success"
    # load_hourly uses the default raw folder beside the warehouse: it fits on the small disk.
    before = raw_content(db)
    big = archive_payload(
        "synthetic", "synthetic/big.csv", hourly_csv(100_000, 2), settings=settings
    )
    errors: list[str] = []
    try:
        with open_warehouse(settings=settings) as con:
            ingest_payload(
                con,
                big,
                "raw_grid_intensity_hourly",
                read_csv_text,
                batch_scope="s",
                settings=settings,
            )
    except Exception as err:  # the load, or the checkpoint on close
        errors.append(str(err))
    assert errors, "the load fitted on a 4 MB disk"
    message = errors[0]
    assert "No space left on device" in message and str(db) in message, message
    assert db.exists() and raw_content(db) == before  # reopened: the previous state, whole
    # More room (what an operator does), and the same load converges.
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    with open_warehouse(settings=settings) as con:
        result = ingest_payload(
            con, big, "raw_grid_intensity_hourly", read_csv_text, batch_scope="s", settings=settings
        )
    assert result.status == "success" and result.inserted + result.updated == 100_000


def test_a_full_raw_area_fails_naming_the_file_before_anything_lands(
    small_disk: Path, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    settings = get_settings(warehouse=db, raw_dir=small_disk)
    with pytest.raises(OSError, match="No space left on device") as failure:
        archive_payload("synthetic", "synthetic/big.csv", os.urandom(6_000_000), settings=settings)
    assert str(small_disk / "synthetic") in str(failure.value)
    assert not [p for p in small_disk.rglob("*") if p.is_file() and p.name.endswith(".tmp")]


def test_a_corrupt_wal_is_named_never_deleted_and_rebuild_or_restore_recovers(
    warehouse: Path, tmp_path: Path
) -> None:
    original = leaderboard(warehouse)
    backup = backup_warehouse(get_settings(warehouse=warehouse), tmp_path / "backup.duckdb")
    # A process commits a load (so it is journaled) and dies before any checkpoint: the commit
    # lives only in the WAL.
    text = (get_settings().snapshot_dir / "assumptions.csv").read_text()
    changed = text.replace("1.2,", "1.25,", 1)
    (tmp_path / "a.csv").write_text(changed)
    proc = start_python(
        "import os; from pathlib import Path\n"
        "from tasks.core.settings import get_settings\n"
        "from tasks.load.archive import archive_payload\n"
        "from tasks.load.ingest import read_csv_text\n"
        "from tasks.load.land import ingest_payload\n"
        "from tasks.load.warehouse import connect\n"
        f"s = get_settings(warehouse=Path({str(warehouse)!r}))\n"
        "con = connect(settings=s)\n"
        "con.execute(\"set checkpoint_threshold = '1GB'\")\n"
        f"p = archive_payload('snapshot', 'snapshot/assumptions.csv', "
        f"Path({str(tmp_path / 'a.csv')!r}).read_bytes(), settings=s)\n"
        "ingest_payload(con, p, 'raw_assumptions', read_csv_text, "
        "batch_scope='snapshot:assumptions.csv', settings=s)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    proc.wait(timeout=120)
    wal = Path(f"{warehouse}.wal")
    assert wal.exists() and wal.stat().st_size > 0
    data = bytearray(wal.read_bytes())
    for i in range(len(data) // 2, len(data)):
        data[i] = 0xAB
    wal.write_bytes(bytes(data))

    with pytest.raises(WarehouseCorruptError) as failure:
        connect(warehouse, read_only=True)
    assert str(wal) in str(failure.value) and "footprints rebuild" in str(failure.value)
    assert wal.exists()  # never a silent deletion
    checks = {c.name: c for c in run_checks(warehouse)}
    assert not checks["opens"].ok and str(wal) in checks["opens"].detail

    # Recovery 1: rebuild from raw. The damaged file and its WAL are kept, and the load that
    # only the WAL held is back, because it was journaled with its package.
    result = rebuild_warehouse(warehouse, warehouse.parent / "raw")
    assert result.backup and result.backup.exists() and Path(f"{result.backup}.wal").exists()
    with open_warehouse(warehouse, read_only=True) as con:
        pue = con.execute("select central from raw_assumptions where key = 'pue'").fetchall()
    assert pue == [(1.25,)]
    assert all(c.ok for c in run_checks(warehouse) if c.name != "tokens")

    # Recovery 2: restore the backup (the damaged WAL moved aside first, never replayed onto it).
    restored = tmp_path / "restored" / "w.duckdb"
    restored.parent.mkdir()
    shutil.copyfile(backup, restored)
    assert leaderboard(restored) == original


def test_a_load_cut_off_before_its_journal_line_is_journaled_by_the_rerun(
    tmp_path: Path,
) -> None:
    """Case 6, the narrowest kill point, made deterministic: the load committed and its package
    is there, but the process died before the journal line. The warehouse holds the new state;
    `doctor` says it cannot be rebuilt; re-running the unchanged source writes the line, and a
    rebuild from raw alone then gives the same rows."""
    db = tmp_path / "w.duckdb"
    old_csv, new_csv = tmp_path / "old.csv", tmp_path / "new.csv"
    old_csv.write_bytes(hourly_csv(200, 1))
    new_csv.write_bytes(hourly_csv(200, 2))
    assert load_hourly(db, old_csv) == "success"
    assert load_hourly(db, new_csv) == "success"
    journal = db.parent / "raw" / PACKAGES_DIR / JOURNAL_FILE
    lines = journal_lines(db)
    journal.write_text("\n".join(lines[:-1]) + "\n")  # the line the kill cut off
    assert [c.name for c in run_checks(db) if not c.ok] == ["load packages"]

    assert load_hourly(db, new_csv) == "unchanged"
    assert len(journal_lines(db)) == len(lines)
    assert not [c.name for c in run_checks(db) if not c.ok]
    assert load_hourly(db, new_csv) == "unchanged"
    assert len(journal_lines(db)) == len(lines)  # written once, not on every rerun

    rebuilt = tmp_path / "rebuilt" / "w.duckdb"
    rebuild_warehouse(rebuilt, db.parent / "raw")
    assert raw_content(rebuilt, HOURLY) == raw_content(db, HOURLY)

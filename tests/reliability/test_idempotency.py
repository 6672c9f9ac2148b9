"""Cases 1-4: a load can run twice, in parallel, or with revised upstream values."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from reliability_helpers import (
    SMALL_TABLES,
    duplicate_keys,
    leaderboard,
    raw_content,
    refresh_plain,
    run_cli,
    start_python,
    table_checksums,
    wait_for_line,
)

from tasks.core.settings import get_settings
from tasks.load.archive import archive_payload
from tasks.load.ingest import read_csv_text
from tasks.load.land import ingest_payload
from tasks.load.warehouse import open_warehouse

HEADER = "key,low,central,high,unit,source,note\n"
# A writer process: a (small) refresh that keeps the warehouse open until told to finish.
HOLDER = (
    "from pathlib import Path; from reliability_helpers import refresh_plain; "
    "refresh_plain(Path({db!r}), signal=True, hold_until=Path({release!r}), small=True)"
)


def land_assumptions(db: Path, text: str, *, force: bool = False):
    settings = get_settings(warehouse=db)
    payload = archive_payload("test", "test/assumptions.csv", text.encode(), settings=settings)
    with open_warehouse(settings=settings) as con:
        return ingest_payload(
            con,
            payload,
            "raw_assumptions",
            read_csv_text,
            batch_scope="test:assumptions",
            settings=settings,
            force=force,
        )


# Case 1 ---------------------------------------------------------------------------------------


def test_the_same_refresh_twice_changes_nothing(warehouse: Path) -> None:
    before = table_checksums(warehouse)
    statuses = refresh_plain(warehouse)
    assert set(statuses) == {"unchanged"}
    assert table_checksums(warehouse) == before
    assert not any(duplicate_keys(warehouse).values())


def test_a_retried_load_changes_no_row(tmp_path: Path) -> None:
    """A task retry re-lands the same payload (force skips the unchanged check): same rows, same
    row hashes, no duplicate key; only the load log gains the retry."""
    db = tmp_path / "w.duckdb"
    text = HEADER + "pue,1.1,1.2,1.56,ratio,Morrison,\nmfu,0.2,0.35,0.5,ratio,PaLM,\n"
    first = land_assumptions(db, text)
    before = raw_content(db)
    retry = land_assumptions(db, text, force=True)
    assert (first.inserted, retry.inserted, retry.updated, retry.deleted) == (2, 0, 0, 0)
    assert raw_content(db) == before
    assert not any(duplicate_keys(db).values())


# Case 2 ---------------------------------------------------------------------------------------


def test_duplicate_keys_in_one_batch_latest_wins_and_the_other_is_named(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    text = HEADER + "".join(f"k{i},1,2,3,ratio,s,\n" for i in range(8))
    text += "pue,1.1,1.2,1.5,ratio,first,\npue,1.1,1.3,1.5,ratio,second,\n"
    result = land_assumptions(db, text)
    assert (result.status, result.inserted, result.quarantined) == ("success", 9, 1)
    with open_warehouse(db, read_only=True) as con:
        assert con.execute(
            "select central, source from raw_assumptions where key = 'pue'"
        ).fetchall() == [(1.3, "second")]
        row_number, reason = con.execute(
            "select row_number, reason from meta_quarantine"
        ).fetchall()[0]
    assert row_number == 9 and "duplicate key (key=pue)" in reason


# Case 3 ---------------------------------------------------------------------------------------


def test_two_refreshes_in_threads_one_waits_and_the_end_state_is_one_run(
    refreshed: Path, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    results: dict[str, list[str]] = {}
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            results[name] = refresh_plain(db)
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    # One landed everything, the other waited for the writer lock and then found it unchanged.
    assert sorted(set(r) == {"unchanged"} for r in results.values()) == [False, True]
    assert raw_content(db) == raw_content(refreshed)
    assert leaderboard(db) == leaderboard(refreshed)
    with open_warehouse(db, read_only=True) as con:
        loads = con.execute("select count(*) from meta_load_log").fetchall()[0][0]
    with open_warehouse(refreshed, read_only=True) as con:
        assert loads == con.execute("select count(*) from meta_load_log").fetchall()[0][0]


def test_two_refresh_processes_the_second_fails_naming_the_lock_holder(
    refreshed: Path, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    release = tmp_path / "release"
    first = start_python(HOLDER.format(db=str(db), release=str(release)))
    try:
        pid = int(wait_for_line(first, "opened").split()[1])
        second = start_python(
            "from pathlib import Path; from reliability_helpers import refresh_plain; "
            f"refresh_plain(Path({str(db)!r}), small=True)"
        )
        _, err = second.communicate(timeout=120)
        assert second.returncode != 0
        assert "WarehouseLockedError" in err and f"process {pid}" in err, err
        release.touch()
        assert first.wait(timeout=300) == 0, first.stderr.read() if first.stderr else ""
    finally:
        release.touch()
        first.kill() if first.poll() is None else None
    assert raw_content(db, SMALL_TABLES) == raw_content(refreshed, SMALL_TABLES)


@pytest.mark.slow
def test_the_real_cli_refresh_fails_fast_naming_the_writer(refreshed: Path, tmp_path: Path) -> None:
    """`footprints run` (a Prefect server and the real flows) while another process writes: it
    fails naming that process; the writer's run is the end state."""
    db = tmp_path / "w.duckdb"
    release = tmp_path / "release"
    first = start_python(HOLDER.format(db=str(db), release=str(release)))
    try:
        pid = int(wait_for_line(first, "opened").split()[1])
        cli = run_cli("run", "--warehouse", str(db), **{"PREFECT_LOGGING_LEVEL": "WARNING"})
        assert cli.returncode == 1, cli.stdout + cli.stderr
        assert "refresh failed" in cli.stderr
        assert f"process {pid}" in cli.stderr, cli.stderr[-3000:]
        release.touch()
        assert first.wait(timeout=300) == 0
    finally:
        release.touch()
        first.kill() if first.poll() is None else None
    assert raw_content(db, SMALL_TABLES) == raw_content(refreshed, SMALL_TABLES)


# Case 4 ---------------------------------------------------------------------------------------


def test_an_upstream_revision_updates_that_row_only(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    rows = [f"k{i},1,2,3,ratio,s,\n" for i in range(5)]
    land_assumptions(db, HEADER + "".join(rows))
    with open_warehouse(db, read_only=True) as con:
        before = dict(
            (k, (h, load))
            for k, h, load in con.execute(
                "select key, _row_hash, _load_id from raw_assumptions"
            ).fetchall()
        )
    rows[2] = "k2,1,2.5,3,ratio,s,\n"
    revised = land_assumptions(db, HEADER + "".join(rows))
    assert (revised.inserted, revised.updated, revised.deleted) == (0, 1, 0)
    with open_warehouse(db, read_only=True) as con:
        after = dict(
            (k, (h, load))
            for k, h, load in con.execute(
                "select key, _row_hash, _load_id from raw_assumptions"
            ).fetchall()
        )
        central = con.execute("select central from raw_assumptions where key = 'k2'").fetchall()
    assert central == [(2.5,)]
    assert after["k2"][0] != before["k2"][0] and after["k2"][1] == revised.load_id
    assert {k: v for k, v in after.items() if k != "k2"} == {
        k: v for k, v in before.items() if k != "k2"
    }

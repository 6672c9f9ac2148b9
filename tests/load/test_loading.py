"""The one loading path: validate, quarantine, merge by key, skip unchanged, reject bad batches."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.core.settings import get_settings
from tasks.load.archive import archive_payload
from tasks.load.ingest import read_csv_text
from tasks.load.land import ingest_payload
from tasks.load.validate import ValidationFailed
from tasks.load.warehouse import open_warehouse

HEADER = "key,low,central,high,unit,source,note\n"
GOOD = HEADER + "pue,1.1,1.2,1.56,ratio,Morrison et al.,\nmfu,0.2,0.35,0.5,ratio,PaLM,\n"


@pytest.fixture()
def settings(tmp_path: Path):
    return get_settings(warehouse=tmp_path / "w.duckdb")


def land(con, settings, text: str, scope: str = "test:assumptions"):
    payload = archive_payload("test", "test/assumptions.csv", text.encode(), settings=settings)
    return ingest_payload(
        con, payload, "raw_assumptions", read_csv_text, batch_scope=scope, settings=settings
    )


def rows(con) -> list[tuple]:
    return con.execute(
        "select key, low, central, high from raw_assumptions order by key"
    ).fetchall()


def test_land_then_unchanged_then_revised(settings) -> None:
    with open_warehouse(settings=settings) as con:
        first = land(con, settings, GOOD)
        assert (first.status, first.inserted, first.quarantined) == ("success", 2, 0)
        assert first.expectations_evaluated > 0 and first.expectations_failed == 0
        loaded_at = con.execute(
            "select _loaded_at, _load_id from raw_assumptions where key='mfu'"
        ).fetchall()

        second = land(con, settings, GOOD)
        assert second.status == "unchanged"
        assert con.execute("select count(*) from meta_load_log").fetchall()[0][0] == 1

        revised = (
            GOOD.replace("mfu,0.2,0.35,0.5", "mfu,0.2,0.4,0.5") + "dev_ratio,0.5,0.8,1.5,ratio,x,\n"
        )
        third = land(con, settings, revised)
        assert (third.inserted, third.updated, third.deleted) == (1, 1, 0)
        assert ("mfu", 0.2, 0.4, 0.5) in rows(con)
        # the untouched row keeps the load that last changed it
        assert (
            con.execute(
                "select _loaded_at, _load_id from raw_assumptions where key='pue'"
            ).fetchall()[0][1]
            == loaded_at[0][1]
        )

        dropped = HEADER + "pue,1.1,1.2,1.56,ratio,Morrison et al.,\n"
        fourth = land(con, settings, dropped)
        assert fourth.deleted == 2
        assert [r[0] for r in rows(con)] == ["pue"]


def test_bad_rows_quarantined_good_rows_land(settings) -> None:
    text = GOOD + "".join(f"k{i},1,2,3,ratio,s,\n" for i in range(8)) + "bad,abc,1,2,ratio,s,\n"
    with open_warehouse(settings=settings) as con:
        result = land(con, settings, text)
        assert result.status == "success"
        assert result.quarantined == 1
        q = con.execute("select row_number, row_key, reason from meta_quarantine").fetchall()
        assert q[0][0] == 11 and q[0][1] == "key=bad"
        assert "'abc' is not a valid double" in q[0][2]
        assert len(rows(con)) == 10


def test_duplicate_key_in_batch_latest_wins(settings) -> None:
    text = (
        GOOD
        + "".join(f"k{i},1,2,3,ratio,s,\n" for i in range(8))
        + "pue,1.0,1.3,1.6,ratio,later,\n"
    )
    with open_warehouse(settings=settings) as con:
        land(con, settings, text)
        assert ("pue", 1.0, 1.3, 1.6) in rows(con)
        reason = con.execute("select reason from meta_quarantine").fetchall()[0][0]
        assert "duplicate key (key=pue)" in reason


def test_batch_over_threshold_rejected_and_nothing_lost(settings) -> None:
    with open_warehouse(settings=settings) as con:
        land(con, settings, GOOD)
        before = rows(con)
        broken = HEADER + "pue,x,y,z,ratio,s,\nmfu,1,2,3,ratio,s,\n"
        with pytest.raises(ValidationFailed, match="over the 20% threshold"):
            land(con, settings, broken)
        assert rows(con) == before
        status = con.execute(
            "select status from meta_load_log order by finished_at desc limit 1"
        ).fetchall()[0][0]
        assert status == "rejected"
        # the raw payload is kept for replay even though it was rejected
        assert len(list((settings.raw_path / "test").iterdir())) == 2


def test_missing_column_rejected_naming_it(settings) -> None:
    with open_warehouse(settings=settings) as con, pytest.raises(ValidationFailed, match="central"):
        land(con, settings, "key,low,high,unit,source,note\npue,1,2,ratio,s,\n")


def test_empty_batch_rejected(settings) -> None:
    with open_warehouse(settings=settings) as con, pytest.raises(ValidationFailed):
        land(con, settings, HEADER)


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_published_file_takes_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    """Exports and the report are written through a private temp file, then given the mode any
    new file would have: 0666 less the umask (issue 16: the report was 0600 whatever the umask)."""
    import os

    from tasks.load.archive import atomic_write_bytes, published_mode

    before = os.umask(umask)
    try:
        target = tmp_path / "out.csv"
        atomic_write_bytes(target, b"a\n", mode=published_mode())
    finally:
        os.umask(before)
    assert target.stat().st_mode & 0o777 == mode


def _snapshot(tmp_path: Path, text: str):
    """A one-file snapshot (assumptions.csv) and the settings that read it."""
    from tasks.load.ingest import SnapshotFile

    folder = tmp_path / "snapshot"
    folder.mkdir(exist_ok=True)
    (folder / "assumptions.csv").write_text(text)
    settings = get_settings(warehouse=tmp_path / "w.duckdb", snapshot_dir=folder)
    return settings, [SnapshotFile("assumptions.csv", "raw_assumptions")]


def test_validated_ahead_only_what_changed(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from tasks.load.ingest import ingest_snapshot_files, validate_ahead

    settings, files = _snapshot(tmp_path, GOOD)
    with open_warehouse(settings=settings) as con, ThreadPoolExecutor(1) as pool:
        ahead = validate_ahead(pool, con, files, settings)
        assert list(ahead) == ["assumptions.csv"]
        prepared = ahead["assumptions.csv"].result()
        assert prepared.outcome.good.height == 2 and prepared.outcome.rejected_reason is None
        [landed] = ingest_snapshot_files(con, files, settings=settings)
        assert (landed.status, landed.inserted) == ("success", 2)
        # a rerun with nothing new parses and validates nothing ahead
        assert validate_ahead(pool, con, files, settings) == {}


def test_a_file_changed_after_its_validation_ahead_is_validated_again(tmp_path: Path) -> None:
    from concurrent.futures import Future

    from tasks.load.archive import sha256_bytes
    from tasks.load.land import land_file
    from tasks.load.prepare import prepare_payload

    settings, _files = _snapshot(tmp_path, GOOD)
    stale: Future = Future()
    stale.set_result(
        prepare_payload(
            "snapshot",
            "snapshot/assumptions.csv",
            GOOD.encode(),
            sha256_bytes(GOOD.encode()),
            "raw_assumptions",
            read_csv_text,
            threshold=settings.quarantine_threshold,
        )
    )
    revised = GOOD.replace("mfu,0.2,0.35,0.5", "mfu,0.2,0.4,0.5")
    (settings.snapshot_dir / "assumptions.csv").write_text(revised)
    with open_warehouse(settings=settings) as con:
        land_file(
            con,
            settings.snapshot_dir / "assumptions.csv",
            "raw_assumptions",
            source="snapshot",
            url="snapshot/assumptions.csv",
            batch_scope="snapshot:assumptions.csv",
            settings=settings,
            parser=read_csv_text,
            ahead=stale,
        )
        assert ("mfu", 0.2, 0.4, 0.5) in rows(con)  # the bytes landed, not the stale validation


def test_validated_early_then_taken_by_the_landing(tmp_path: Path) -> None:
    from tasks.load import ingest

    settings, files = _snapshot(tmp_path, GOOD)
    ingest.validate_early(files, settings)  # a new warehouse: every file
    key = (str(settings.snapshot_dir / "assumptions.csv"), "raw_assumptions")
    early = ingest._EARLY[key]
    assert early.result(timeout=60).outcome.good.height == 2
    with open_warehouse(settings=settings) as con:
        [landed] = ingest.ingest_snapshot_files(con, files, settings=settings)
    assert (landed.status, landed.inserted) == ("success", 2)
    assert key not in ingest._EARLY  # taken, not validated a second time
    ingest.validate_early(files, settings)  # landed now: nothing changed, nothing to validate
    assert key not in ingest._EARLY


def test_the_lower_memory_limit_only_for_a_table_without_a_key(settings) -> None:
    from tasks.load.scan import LOAD_SETTINGS, STREAMING_MEMORY_LIMIT, load_settings_for

    with open_warehouse(settings=settings) as con:
        # the hourly table streams; the disclosures' key index must fit beside the new rows
        hourly = load_settings_for(con, "raw_grid_intensity_hourly")
        disclosures = load_settings_for(con, "raw_model_disclosures")
    assert hourly["memory_limit"] == STREAMING_MEMORY_LIMIT
    assert disclosures == LOAD_SETTINGS and disclosures["memory_limit"] != STREAMING_MEMORY_LIMIT


def test_an_archived_payload_is_written_once_whatever_a_killed_run_left(tmp_path: Path) -> None:
    """`archive_bytes` names its temp file by the target, the process and the thread: a temp
    file of that name left by a killed run does not stop the payload from being archived, the
    folder is created when missing, and a second archive of the same bytes is the same file."""
    import hashlib
    import os
    import threading

    from tasks.load.archive import archive_bytes

    folder = tmp_path / "user_cards"
    data = b"model: Tiny 1B\n"
    digest = hashlib.sha256(data).hexdigest()
    assert archive_bytes(folder, data, digest, fsync=False).read_bytes() == data  # no folder yet
    other = b"model: Other 2B\n"
    other_digest = hashlib.sha256(other).hexdigest()
    left = folder / f".{other_digest}.{os.getpid()}-{threading.get_ident()}.tmp"
    left.write_bytes(b"half a fi")
    target = archive_bytes(folder, other, other_digest)
    assert target.read_bytes() == other and target.stat().st_mode & 0o777 == 0o600
    assert archive_bytes(folder, other, other_digest) == target
    assert sorted(p.name for p in folder.iterdir()) == sorted([digest, other_digest, left.name])

"""Cases 22-23: a failing expectation or an empty suite fails the flow; row failures under the
threshold are quarantined with reasons, over it the batch is rejected whole."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from reliability_helpers import table_checksums

import tasks.load.validate as validate_module
from tasks.core.settings import get_settings
from tasks.load.archive import archive_payload
from tasks.load.ingest import read_csv_text
from tasks.load.land import ingest_payload
from tasks.load.validate import ValidationFailed
from tasks.load.warehouse import open_warehouse

HEADER = "key,low,central,high,unit,source,note\n"


def snapshot_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    snapshot = tmp_path / "snapshot"
    shutil.copytree(get_settings().snapshot_dir, snapshot)
    monkeypatch.setenv("FOOTPRINTS_SNAPSHOT_DIR", str(snapshot))
    return snapshot


def without_meta_manifest(checksums: dict) -> dict:
    return {t: v for t, v in checksums.items() if t != "meta_raw_manifest"}


# Case 22 --------------------------------------------------------------------------------------


def test_case_22_a_failing_table_expectation_fails_the_flow(
    prefect_harness, warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.ingest_gpu_specs import ingest_gpu_specs

    snapshot = snapshot_copy(tmp_path, monkeypatch)
    specs = snapshot / "gpus" / "gpu_specs.csv"
    specs.write_text(specs.read_text().splitlines()[0] + "\n")  # header only: zero rows
    before = table_checksums(warehouse)
    state = ingest_gpu_specs(str(warehouse), return_state=True)
    assert state.is_failed()
    assert "gpu_specs.csv" in str(state.message)
    assert "expect_table_row_count_to_be_between" in str(state.message)
    after = table_checksums(warehouse)
    # The rejection is recorded (load log, validation results); no raw row changed.
    assert after["raw_gpu_specs"] == before["raw_gpu_specs"]
    with open_warehouse(warehouse, read_only=True) as con:
        rejected = con.execute(
            "select count(*) from meta_load_log where status = 'rejected' "
            "and table_name = 'raw_gpu_specs'"
        ).fetchall()
    assert rejected == [(1,)]


def test_case_22_a_suite_that_evaluated_nothing_fails_the_flow(
    prefect_harness, warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.build_leaderboard import build_leaderboard

    snapshot = snapshot_copy(tmp_path, monkeypatch)
    csv = snapshot / "assumptions.csv"
    csv.write_text(csv.read_text().replace("1.2,", "1.25,", 1))  # changed: it must be validated
    monkeypatch.setattr(validate_module, "_row_suite", lambda contract, columns: [])
    monkeypatch.setattr(validate_module, "_table_suite", lambda contract, columns: [])
    before = table_checksums(warehouse)
    state = build_leaderboard(str(warehouse), return_state=True)
    assert state.is_failed()
    assert "evaluated no expectations" in str(state.message)
    after = table_checksums(warehouse)
    for table in ("raw_assumptions", "rpt_leaderboard", "meta_build_log"):
        assert after[table] == before[table]


# Case 23 --------------------------------------------------------------------------------------


def land(db: Path, text: str):
    settings = get_settings(warehouse=db)
    payload = archive_payload("test", "test/assumptions.csv", text.encode(), settings=settings)
    with open_warehouse(settings=settings) as con:
        return ingest_payload(
            con, payload, "raw_assumptions", read_csv_text, batch_scope="t", settings=settings
        )


def test_case_23_under_the_threshold_bad_rows_are_quarantined_with_reasons(
    tmp_path: Path,
) -> None:
    db = tmp_path / "w.duckdb"
    rows = [f"k{i},1,2,3,ratio,s,\n" for i in range(9)] + ["bad,1,two,3,ratio,s,\n"]
    result = land(db, HEADER + "".join(rows))  # 1 of 10 = 10% < 20%
    assert (result.status, result.inserted, result.quarantined) == ("success", 9, 1)
    with open_warehouse(db, read_only=True) as con:
        q = con.execute(
            "select row_number, row_key, reason, row_json from meta_quarantine"
        ).fetchall()
    assert q[0][:2] == (10, "key=bad") and "'two' is not a valid double" in q[0][2]
    assert '"key":"bad"' in q[0][3].replace(" ", "")


def test_case_23_over_the_threshold_the_batch_is_rejected_whole(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    good = HEADER + "".join(f"k{i},1,2,3,ratio,s,\n" for i in range(10))
    land(db, good)
    before = without_meta_manifest(table_checksums(db))
    rows = [f"k{i},1,2.5,3,ratio,s,\n" for i in range(7)] + [
        f"bad{i},1,2,3000000000000000000000000x,ratio,s,\n" for i in range(3)
    ]
    with pytest.raises(ValidationFailed, match="3 of 10 rows failed validation"):
        land(db, HEADER + "".join(rows))  # 30% > 20%
    after = without_meta_manifest(table_checksums(db))
    assert after["raw_assumptions"] == before["raw_assumptions"]  # nothing of it landed
    with open_warehouse(db, read_only=True) as con:
        reasons = con.execute(
            "select row_key, reason from meta_quarantine order by row_number"
        ).fetchall()
        status = con.execute(
            "select status, message from meta_load_log order by finished_at desc limit 1"
        ).fetchall()
    assert [k for k, _ in reasons] == ["key=bad0", "key=bad1", "key=bad2"]
    assert all("is not a valid double" in r for _, r in reasons)
    assert status[0][0] == "rejected" and "threshold" in status[0][1]

"""Reading the raw area's append-only logs: a torn line (a crash mid-append) is skipped and
counted, never fatal, and a missing log reads as empty."""

from __future__ import annotations

from pathlib import Path

from tasks.load.journal import JOURNAL_FILE, PACKAGES_DIR
from tasks.ops.raw_area import journal_path, read_jsonl


def test_torn_and_non_object_lines_are_counted_not_fatal(tmp_path: Path) -> None:
    log = tmp_path / "manifest.jsonl"
    log.write_bytes(b'{"a": 1}\n\n[1, 2]\n{"b": 2}\n{"c": 3, "trunc')
    lines = read_jsonl(log)
    assert lines.records == [{"a": 1}, {"b": 2}]
    assert lines.torn == [3, 5]  # the list on line 3, the cut-off object on line 5


def test_a_missing_log_reads_as_empty(tmp_path: Path) -> None:
    lines = read_jsonl(tmp_path / "nothing.jsonl")
    assert lines.records == [] and lines.torn == []


def test_the_journal_lives_beside_the_load_packages(tmp_path: Path) -> None:
    assert journal_path(tmp_path) == tmp_path / PACKAGES_DIR / JOURNAL_FILE

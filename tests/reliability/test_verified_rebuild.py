"""A rebuild is a verified restore (issue 17): it checks every file it replays against its name or
its journal line, refuses a journal that does not cover the raw area, and on any refusal leaves the
current warehouse exactly as it was, naming the file in one line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from reliability_helpers import leaderboard
from typer.testing import CliRunner

from footprints.cli import app
from tasks.load.journal import JOURNAL_FILE, PACKAGES_DIR, read_load_package

runner = CliRunner()


def _raw(warehouse: Path) -> Path:
    return warehouse.parent / "raw"


def _journal(warehouse: Path) -> Path:
    return _raw(warehouse) / PACKAGES_DIR / JOURNAL_FILE


def _entries(warehouse: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in _journal(warehouse).read_text().splitlines()]


def _flip_a_byte(path: Path) -> Path:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    return path


def _snapshot_csv(warehouse: Path) -> Path:
    """An archived CSV whose load package holds its rows (epoch_facts.csv, the largest)."""
    entry = next(
        e for e in _entries(warehouse) if e["source_url"] == "snapshot/models/epoch_facts.csv"
    )
    return _flip_a_byte(_raw(warehouse) / "snapshot" / str(entry["payload_sha256"]))


def _hourly_parquet(warehouse: Path) -> Path:
    """The archived hourly Parquet, whose rows a rebuild scans again (a bulk load)."""
    for entry in _entries(warehouse):
        package = read_load_package(_raw(warehouse) / PACKAGES_DIR / str(entry["package"]))
        if package.header.get("kind") == "bulk":
            return _flip_a_byte(_raw(warehouse) / str(package.header["raw_file"]))
    raise AssertionError("no bulk load in the refreshed warehouse")


def _package(warehouse: Path) -> Path:
    return _flip_a_byte(_raw(warehouse) / PACKAGES_DIR / str(_entries(warehouse)[0]["package"]))


def _emptied(warehouse: Path) -> Path:
    _journal(warehouse).write_bytes(b"")
    return _journal(warehouse)


def _cut_mid_line(warehouse: Path) -> Path:
    data = _journal(warehouse).read_bytes()
    _journal(warehouse).write_bytes(data[: len(data) // 2])
    return _journal(warehouse)


def _cut_at_a_line(warehouse: Path) -> Path:
    lines = _journal(warehouse).read_bytes().splitlines(keepends=True)
    _journal(warehouse).write_bytes(b"".join(lines[:5]))
    return _journal(warehouse)


def _last_load_unjournaled(warehouse: Path) -> Path:
    # The manifest's lengths still match (the last payload was archived before its load was
    # journaled); the current warehouse's load log is what shows the load is missing.
    lines = _journal(warehouse).read_bytes().splitlines(keepends=True)
    _journal(warehouse).write_bytes(b"".join(lines[:-1]))
    return _journal(warehouse)


DAMAGE: dict[str, Callable[[Path], Path]] = {
    "a byte of an archived snapshot CSV": _snapshot_csv,
    "a byte of the archived hourly Parquet (replayed by scanning it)": _hourly_parquet,
    "a byte of a load package": _package,
    "the journal emptied": _emptied,
    "the journal cut mid-line": _cut_mid_line,
    "the journal cut at a line": _cut_at_a_line,
    "the last load missing from the journal": _last_load_unjournaled,
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_rebuild_over_a_damaged_raw_area_is_refused_and_changes_nothing(
    warehouse: Path, damage: str
) -> None:
    before = warehouse.read_bytes()
    named = DAMAGE[damage](warehouse)
    done = runner.invoke(app, ["rebuild", "--warehouse", str(warehouse)])
    assert done.exit_code == 1, done.output
    lines = done.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("footprints: rebuild refused: "), lines
    assert str(named) in lines[0] and f"{warehouse} is untouched" in lines[0]
    assert "Traceback" not in done.output
    assert warehouse.read_bytes() == before
    leftovers = sorted(p.name for p in warehouse.parent.iterdir())
    assert leftovers == ["footprints.duckdb", "raw"]  # no .bak, no temp file


def test_a_journal_from_before_hashes_still_rebuilds_and_says_so(warehouse: Path) -> None:
    """Journals written before lines carried the package's sha256 (and manifests before lines
    carried the journal's length): replayed, each package checked by its header, and counted."""
    before = leaderboard(warehouse)
    entries = _entries(warehouse)
    for entry in entries:
        entry.pop("package_sha256")
    _journal(warehouse).write_text("".join(json.dumps(e) + "\n" for e in entries))
    manifest = _raw(warehouse) / "manifest.jsonl"
    rows = [json.loads(line) for line in manifest.read_text().splitlines()]
    manifest.write_text("".join(json.dumps({**r, "journal_bytes": None}) + "\n" for r in rows))
    done = runner.invoke(app, ["rebuild", "--warehouse", str(warehouse)])
    assert done.exit_code == 0, done.output
    assert f"{len(entries)} load package(s) journaled before journal hashes" in done.output
    assert leaderboard(warehouse) == before


def test_every_journal_line_carries_its_packages_sha256(refreshed: Path) -> None:
    import hashlib

    for entry in _entries(refreshed):
        package = _raw(refreshed) / PACKAGES_DIR / str(entry["package"])
        assert hashlib.sha256(package.read_bytes()).hexdigest() == entry["package_sha256"]


@pytest.mark.parametrize("damage", ["a byte of a load package", "the journal cut mid-line"])
def test_doctor_names_what_a_rebuild_would_refuse(warehouse: Path, damage: str) -> None:
    from tasks.ops.doctor import run_checks

    load_id = str(_entries(warehouse)[0]["load_id"])
    DAMAGE[damage](warehouse)
    checks = {c.name: c for c in run_checks(warehouse)}
    assert not checks["load packages"].ok
    detail = checks["load packages"].detail
    assert load_id in detail if damage.startswith("a byte") else "1 torn journal line(s)" in detail

"""The raw area's append-only logs as the maintenance commands read them.

The raw area is the source of truth and the DuckDB file a cache of it (RELIABILITY.md, design 1
and case 7): every payload is archived content-addressed with a line in `raw/manifest.jsonl`,
and every load leaves a load package and a line in `raw/_packages/journal.jsonl`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tasks.load.archive import sha256_file
from tasks.load.journal import JOURNAL_FILE, PACKAGES_DIR


class MaintenanceError(RuntimeError):
    """A rebuild or backup that cannot go ahead; the message says why and what to do."""


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


@dataclass
class ArchiveCheck:
    """Archived payloads checked against their names (content-addressed sha256)."""

    checked: int = 0
    missing: list[str] = field(default_factory=list)  # source/sha256
    mismatched: list[str] = field(default_factory=list)  # paths whose content is not their name


def check_archive(raw_dir: Path, payloads: Iterable[tuple[str, str, str | None]]) -> ArchiveCheck:
    """Each distinct (source, sha256, recorded path) archived under `raw_dir/<source>/<sha256>`
    (or at its recorded path) whose content hashes to its name."""
    out = ArchiveCheck()
    for source, sha, recorded in sorted(set(payloads)):
        candidates = [raw_dir / source / sha, *([Path(recorded)] if recorded else [])]
        path = next((p for p in candidates if p.is_file()), None)
        out.checked += 1
        if path is None:
            out.missing.append(f"{source}/{sha}")
        elif sha256_file(path) != sha:
            out.mismatched.append(str(path))
    return out


def journal_path(raw_dir: Path) -> Path:
    return raw_dir / PACKAGES_DIR / JOURNAL_FILE

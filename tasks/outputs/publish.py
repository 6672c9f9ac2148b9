"""The outputs a refresh owns, written by the refresh itself: the leaderboard and audit CSVs (each
with its Frictionless descriptor) and the static report, under the exports folder.

Each file is written through a temp file and a rename, from one read-only view of the build, so a
reader never sees half a file or a CSV from one build beside a report from another build's rows.
A refresh that built nothing new leaves files that are already there untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from tasks.outputs.datapackage import write_datapackage
from tasks.outputs.export import EXPORTS, export_table
from tasks.outputs.report import build_report

REPORT_DIR = "report"


@dataclass(frozen=True)
class Published:
    paths: tuple[Path, ...]  # what was written, in order; empty when everything was current


def output_paths(exports_dir: Path) -> tuple[Path, ...]:
    """Every file a refresh owns under `exports_dir`."""
    csvs = tuple(exports_dir / file for _sql, file in EXPORTS.values())
    return (*csvs, exports_dir / REPORT_DIR / "index.html")


def publish_outputs(
    con: duckdb.DuckDBPyConnection, exports_dir: Path, *, rebuilt: bool
) -> Published:
    """Write every output when the build changed or one of them is missing."""
    if not rebuilt and all(p.exists() for p in output_paths(exports_dir)):
        return Published(())
    written: list[Path] = []
    for name, (_sql, file) in EXPORTS.items():
        result = export_table(con, name, exports_dir / file)
        write_datapackage(result.path, name, con)
        written.append(result.path)
    written.append(build_report(con, exports_dir / REPORT_DIR))
    return Published(tuple(written))

"""Exports: CSV files written from one consistent read, via a temp file and a rename."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from tasks.load.archive import atomic_write_bytes, published_mode
from tasks.load.warehouse import read_sql

# Spreadsheets run a cell that starts with one of these as a formula (OWASP 'CSV injection').
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

EXPORTS = {
    "leaderboard": ("reports/select_leaderboard_export.sql", "leaderboard.csv"),
    "audit": ("reports/select_audit_export.sql", "disclosure_audit.csv"),
    "not-estimable": ("reports/select_not_estimable_export.sql", "not_estimable.csv"),
    "scorecard": ("reports/select_scorecard_export.sql", "disclosure_scorecard.csv"),
}


class ExportPathError(ValueError):
    """An export path that is a folder, or (from data or a deployment parameter) one that leaves
    the export folder."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that a spreadsheet would evaluate with a single quote."""
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype == pl.String:
            col = pl.col(name)
            risky = pl.any_horizontal([col.str.starts_with(p) for p in _FORMULA_PREFIXES])
            exprs.append(pl.when(risky).then(pl.lit("'") + col).otherwise(col).alias(name))
    return frame.with_columns(exprs) if exprs else frame


def resolve_export_path(
    out: Path | str | None, exports_dir: Path, default_name: str, *, trusted: bool
) -> Path:
    """Where an export goes. A path the CLI user typed (trusted) may go anywhere; one that came
    from data or a deployment parameter must stay inside the export folder (no `..`, no absolute
    path elsewhere, no symlink out)."""
    if out is None:
        return exports_dir / default_name
    candidate = Path(out)
    if candidate.is_dir():
        raise ExportPathError(
            f"--out {out} is a folder; give the file to write, e.g. {candidate / default_name}"
        )
    blocking = next((p for p in candidate.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise ExportPathError(f"--out {out}: {blocking} is a file, not a folder")
    if trusted:
        return candidate
    base = exports_dir.resolve()
    target = (base / candidate).resolve() if not candidate.is_absolute() else candidate.resolve()
    if target != base and base not in target.parents:
        raise ExportPathError(f"export path {out!s} leaves the export folder {base}")
    return target


def export_query(con: duckdb.DuckDBPyConnection, sql: str, target: Path) -> ExportResult:
    """Run one query (one consistent snapshot) and write its CSV atomically."""
    frame = con.sql(sql).pl()
    buffer = io.BytesIO()
    neutralise_formulas(frame).write_csv(buffer)
    atomic_write_bytes(target, buffer.getvalue(), mode=published_mode())
    return ExportResult(target, frame.height)


def export_table(con: duckdb.DuckDBPyConnection, name: str, target: Path) -> ExportResult:
    sql_file, _ = EXPORTS[name]
    return export_query(con, read_sql(sql_file), target)

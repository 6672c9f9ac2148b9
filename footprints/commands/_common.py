"""Option types and the error exit shared by the report, card and schema commands.

Kept out of footprints/cli.py so a command module never imports cli.py (which imports the
command modules to register them).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

WarehouseOpt = Annotated[
    Path | None,
    typer.Option(
        "--warehouse",
        help="DuckDB file [default: $FOOTPRINTS_WAREHOUSE or warehouse/footprints.duckdb]",
        show_default=False,
    ),
]


def fail(message: str, code: int = 1) -> NoReturn:
    """Print `footprints: message` to stderr and exit non-zero (like cli.py's commands)."""
    typer.echo(f"footprints: {message}", err=True)
    raise typer.Exit(code)


def cell(value: Any) -> str:
    """A value as a terminal table shows it: thousands separators, 4 significant figures."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.4g}"
    return str(value)


def render(columns: list[str], rows: list[tuple[Any, ...]], fmt: str) -> str:
    """Rows as `table` (rich, no wrapping), `csv` or `json` text."""
    if fmt == "json":
        return json.dumps([dict(zip(columns, r, strict=True)) for r in rows], default=str, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return buf.getvalue().rstrip("\n")
    table = Table(show_lines=False)
    for c in columns:
        table.add_column(c, no_wrap=True)
    for r in rows:
        table.add_row(*(cell(v) for v in r))
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(table)
    return console.export_text().rstrip("\n")

"""Option types and the error exit shared by the report, card and schema commands.

Kept out of footprints/cli.py so a command module never imports cli.py (which imports the
command modules to register them).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

WarehouseOpt = Annotated[
    Path | None,
    typer.Option(
        "--warehouse",
        help="DuckDB file [default: $FOOTPRINTS_WAREHOUSE or warehouse/footprints.duckdb]",
        show_default=False,
    ),
]


# C0 controls (ESC, BEL, CR, ...), DEL and C1 controls: what a terminal acts on.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def fail(message: str | BaseException, code: int | None = None) -> NoReturn:
    """Print `footprints: message` to stderr, control characters made inert, and exit non-zero
    (like cli.py's commands): `code`, else an error's own `exit_code` (2 for a user error such
    as a warehouse path no run could create), else 1."""
    if code is None:
        code = getattr(message, "exit_code", 1) if isinstance(message, BaseException) else 1
    typer.echo(f"footprints: {clean_text(str(message))}", err=True)
    raise typer.Exit(code)


def one_line(err: BaseException) -> str:
    """An error as one line: its message with line breaks and control characters flattened
    (DuckDB's messages can span lines), or its type when it has none."""
    return one_line_text(str(err)) or type(err).__name__


def read_failure(err: Exception) -> str:
    """A failed read of the warehouse as one line: a missing table means it was never built."""
    first = one_line_text(str(err).split("\n")[0])
    if type(err).__name__ == "CatalogException":  # duckdb's, not imported here (startup time)
        return f"the warehouse has no leaderboard yet ({first}): run `footprints run` first"
    return f"reading the warehouse failed: {first}"


def os_failure(err: OSError) -> str:
    """An OSError as one line naming the cause and the file (`File too large: /x/y.csv`)."""
    cause = err.strerror or type(err).__name__
    name = err.filename
    return one_line_text(cause if not name or str(name) in cause else f"{cause}: {name}")


def one_line_text(text: str) -> str:
    return " ".join(clean_text(text).split())


def clean_text(text: str) -> str:
    """Text with every control character (ANSI/OSC escapes, bells, carriage returns, C1) made
    inert: a terminal prints it, never interprets it. Tabs and line breaks become spaces."""
    return _CONTROL.sub(_visible, text)


def say(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Echo text that holds data (names, file names, reasons), each line's control characters
    made inert; the line breaks themselves are kept."""
    typer.echo("\n".join(clean_text(line) for line in text.split("\n")), err=err, nl=nl)


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    return " " if char in "\t\n\r" else f"\\x{ord(char):02x}"


def cell(value: Any) -> str:
    """A value as a terminal table shows it: thousands separators, 4 significant figures, text
    with its control characters made inert."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.4g}"
    return clean_text(str(value))


def render(columns: list[str], rows: list[tuple[Any, ...]], fmt: str) -> str:
    """Rows as `table` (rich, no wrapping), `csv` or `json` text. Data is printed literally:
    table cells are rich `Text` (never markup: `[bold]` or `[/]` in a name is just text), and
    no cell carries a control character a terminal would act on (JSON escapes them itself)."""
    if fmt == "json":
        return json.dumps([dict(zip(columns, r, strict=True)) for r in rows], default=str, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([clean_text(c) for c in columns])
        writer.writerows([clean_text(v) if isinstance(v, str) else v for v in r] for r in rows)
        return buf.getvalue().rstrip("\n")
    table = Table(show_lines=False)
    for c in columns:
        table.add_column(Text(clean_text(c)), no_wrap=True)
    for r in rows:
        table.add_row(*(Text(cell(v)) for v in r))
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(table)
    return console.export_text().rstrip("\n")

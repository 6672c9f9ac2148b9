"""Option types and the error exit shared by the report, card and schema commands.

Kept out of footprints/cli.py so a command module never imports cli.py (which imports the
command modules to register them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

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

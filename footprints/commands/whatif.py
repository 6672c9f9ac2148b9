"""`footprints whatif`: the same training run in another grid zone, on other GPUs, at another PUE.

Register on the Typer app in footprints/cli.py with `app.command("whatif")(whatif)`.
"""

from __future__ import annotations

import csv
import io
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from footprints.settings import get_settings


class WhatIfFormat(StrEnum):
    table = "table"
    csv = "csv"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.4g}"
    return str(value)


def render(columns: list[str], rows: list[tuple[Any, ...]], fmt: WhatIfFormat) -> str:
    if fmt is WhatIfFormat.csv:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return buf.getvalue().rstrip("\n")
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for c in columns:
        table.add_column(c, no_wrap=True)
    for r in rows:
        table.add_row(*(_cell(v) for v in r))
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(table)
    return console.export_text().rstrip("\n")


def whatif(
    model: Annotated[str, typer.Option("--model", help="model name as on the leaderboard")],
    zone: Annotated[
        list[str] | None,
        typer.Option(
            "--zone",
            help="grid zone, country, ISO code, balancing authority or cloud region (repeatable)",
        ),
    ] = None,
    gpu: Annotated[
        str | None, typer.Option("--gpu", help="train on this accelerator instead (any alias)")
    ] = None,
    pue: Annotated[
        float | None, typer.Option("--pue", help="data-centre PUE instead of the one used")
    ] = None,
    fmt: Annotated[
        WhatIfFormat, typer.Option("--format", help="output format")
    ] = WhatIfFormat.table,
    warehouse: Annotated[
        Path | None,
        typer.Option(
            "--warehouse",
            help="DuckDB file [default: $FOOTPRINTS_WAREHOUSE or warehouse/footprints.duckdb]",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The same final training run moved to other grid zones, GPUs or PUE (t CO2e with range)."""
    from tasks.warehouse import WarehouseError, open_warehouse
    from tasks.whatif import COLUMNS, WhatIfError, run_whatif

    settings = get_settings(warehouse=warehouse)
    try:
        with open_warehouse(settings=settings, read_only=True) as con:
            rows = run_whatif(con, model, list(zone or []), gpu=gpu, pue=pue)
    except (WarehouseError, WhatIfError) as err:
        typer.echo(f"footprints: {err}", err=True)
        raise typer.Exit(1) from err
    typer.echo(render(list(COLUMNS), [tuple(r.as_dict().values()) for r in rows], fmt))

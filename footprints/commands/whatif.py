"""`footprints whatif`: the same training run in another grid zone, on other GPUs, at another PUE.

Registered on the Typer app in footprints/cli.py. The warehouse and the what-if model are
imported (deferred) when the command runs, so `footprints --help` starts without DuckDB.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from footprints.commands._common import fail, read_failure, render
from tasks.core.settings import get_settings
from tasks.load.sql import WarehouseError


class WhatIfFormat(StrEnum):
    table = "table"
    csv = "csv"


def whatif(
    model: Annotated[
        str,
        typer.Option(
            "--model",
            help="model name as on the leaderboard, or a family one disclosure covers "
            "('Llama 3.1': its 8B, 70B and 405B summed)",
        ),
    ],
    zone: Annotated[
        list[str] | None,
        typer.Option(
            "--zone",
            help="grid zone, country, ISO code, balancing authority or cloud region (repeatable)",
        ),
    ] = None,
    intensity: Annotated[
        list[float] | None,
        typer.Option(
            "--intensity",
            help="carbon intensity in kg CO2e/kWh, e.g. 0.013 for 13 g/kWh (repeatable)",
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
    """The same final training run (or a family's) moved to other grid zones or intensities, GPUs
    or PUE (t CO2e with range)."""
    import duckdb

    from tasks.load.warehouse import open_warehouse
    from tasks.model.whatif import COLUMNS, WhatIfError, run_whatif

    settings = get_settings(warehouse=warehouse)
    try:
        with open_warehouse(settings=settings, read_only=True) as con:
            rows = run_whatif(
                con, model, list(zone or []), gpu=gpu, pue=pue, intensities=list(intensity or [])
            )
    except (WarehouseError, WhatIfError) as err:
        fail(err)
    except duckdb.Error as err:
        fail(read_failure(err))
    typer.echo(render(list(COLUMNS), [tuple(r.as_dict().values()) for r in rows], fmt.value))

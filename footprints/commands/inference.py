"""`footprints inference`: serving one model, per request, and when it catches up with training.

Registered on the Typer app in footprints/cli.py. The warehouse and the serving model are
imported (deferred) when the command runs, so `footprints --help` starts without DuckDB.
"""

from __future__ import annotations

import json
import math
from enum import StrEnum
from typing import Annotated, Any

import typer

from footprints.commands._common import WarehouseOpt, fail, render
from tasks.core.settings import get_settings
from tasks.load.sql import WarehouseError


class InferenceFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _positive(name: str, value: float | None) -> None:
    if value is not None and not (math.isfinite(value) and value > 0):
        fail(f"{name} must be a positive number, not {value}", 2)


def _check(
    requests: float | None,
    per_day: float | None,
    days: float | None,
    zone: str | None,
    intensity: float | None,
) -> None:
    """User errors, one line each, exit 2."""
    if requests is not None and (per_day is not None or days is not None):
        fail("give --requests N or --requests-per-day N --days D, not both", 2)
    if days is not None and per_day is None:
        fail("--days needs --requests-per-day", 2)
    if zone is not None and intensity is not None:
        fail("give --zone or --intensity, not both", 2)
    for name, value in (
        ("--requests", requests),
        ("--requests-per-day", per_day),
        ("--days", days),
    ):
        _positive(name, value)


def inference(
    model: Annotated[str, typer.Option("--model", help="model name as on the leaderboard")],
    requests: Annotated[
        float | None, typer.Option("--requests", help="requests served in total")
    ] = None,
    requests_per_day: Annotated[
        float | None, typer.Option("--requests-per-day", help="requests served per day")
    ] = None,
    days: Annotated[float | None, typer.Option("--days", help="days at --requests-per-day")] = None,
    zone: Annotated[
        str | None,
        typer.Option("--zone", help="serve in this grid zone, country or cloud region"),
    ] = None,
    intensity: Annotated[
        float | None, typer.Option("--intensity", help="serve at this grid intensity, kg CO2e/kWh")
    ] = None,
    gpu: Annotated[
        str | None, typer.Option("--gpu", help="serve on this accelerator (any alias)")
    ] = None,
    precision: Annotated[
        str | None,
        typer.Option("--precision", help="serve at this weight precision (bf16, fp8...)"),
    ] = None,
    fmt: Annotated[
        InferenceFormat, typer.Option("--format", help="output format")
    ] = InferenceFormat.table,
    warehouse: WarehouseOpt = None,
) -> None:
    """Energy, CO2e and water per 1,000 requests of a language model (measured or estimated,
    with ranges), the requests to breakeven with its training, and the days at a stated traffic."""
    _check(requests, requests_per_day, days, zone, intensity)
    # deferred: DuckDB and numpy only when the command runs (`footprints --help` stays instant)
    from tasks.load.warehouse import open_warehouse
    from tasks.model.inference import InferenceError
    from tasks.model.serving import Traffic, serving_figures, traffic_figures
    from tasks.model.whatif import WhatIfError

    settings = get_settings(warehouse=warehouse)
    try:
        with open_warehouse(settings=settings, read_only=True) as con:
            row = serving_figures(
                con, model, zone=zone, intensity=intensity, gpu=gpu, precision=precision
            )
    except (WhatIfError, InferenceError) as err:
        fail(str(err), 2)
    except WarehouseError as err:
        fail(err)
    figures = {k: v for k, v in row.items() if v is not None}
    if fmt is InferenceFormat.json:
        # One flat object, keys as on the leaderboard; the traffic figures are in table and csv.
        typer.echo(json.dumps(_plain(figures), indent=2))
        return
    traffic = traffic_figures(row, Traffic(requests, requests_per_day, days))
    shown = figures | {k: v for k, v in traffic.items() if v is not None}
    typer.echo(render(["column", "value"], list(shown.items()), fmt.value))


def _plain(figures: dict[str, Any]) -> dict[str, float | int | str]:
    """JSON numbers or strings only (DuckDB may hand back decimals or numpy scalars)."""
    return {
        k: v if isinstance(v, int | float | str) and not isinstance(v, bool) else str(v)
        for k, v in figures.items()
    }


__all__ = ["inference"]

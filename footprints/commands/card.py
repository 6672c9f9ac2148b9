"""`footprints card MODEL`: a ready-to-paste 'Environmental impact' section for a model card.

The section is built by tasks/outputs/card.py; this command finds the model and prints it.
DuckDB and the warehouse are imported (deferred) when the command runs, so `footprints --help`
starts without them.
"""

from __future__ import annotations

from typing import Annotated

import typer

from footprints.commands._common import WarehouseOpt, fail, say
from tasks.core.settings import get_settings
from tasks.load.sql import WarehouseError


def card(
    model: Annotated[str, typer.Argument(help="model name as on the leaderboard (or an alias)")],
    warehouse: WarehouseOpt = None,
) -> None:
    """Print a model card's 'Environmental impact' section and its co2_eq_emissions YAML."""
    # deferred: see the module docstring
    import duckdb

    from tasks.load.warehouse import open_warehouse
    from tasks.outputs.card import UnknownModelError, find_model, render_card

    settings = get_settings(warehouse=warehouse)
    try:
        with open_warehouse(settings=settings, read_only=True) as con:
            row = find_model(con, model)
    except (WarehouseError, UnknownModelError) as err:
        fail(err)
    except duckdb.CatalogException:
        fail("the warehouse has no leaderboard yet: run `footprints run` first")
    say(render_card(row), nl=False)

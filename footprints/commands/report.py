"""`footprints report [--out DIR]`: the static HTML report (works offline, data embedded).

The report's imports (DuckDB) are deferred until the command runs, so `footprints --help`
starts without them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from footprints.commands._common import WarehouseOpt, fail, os_failure
from tasks.core.settings import get_settings
from tasks.load.sql import WarehouseError


def report(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="folder for index.html [default: warehouse/exports/report]",
            show_default=False,
        ),
    ] = None,
    warehouse: WarehouseOpt = None,
    top: Annotated[
        int, typer.Option("--top", min=1, help="models shown in the carbon chart at first")
    ] = 30,
) -> None:
    """Write the report: the whole leaderboard (sortable, filterable), charts, sources."""
    from tasks.load.warehouse import open_warehouse
    from tasks.outputs.report import build_report

    settings = get_settings(warehouse=warehouse)
    # A folder the CLI user typed is trusted, like `export --out` (tasks/outputs/export.py).
    out_dir = out if out is not None else settings.exports_path / "report"
    try:
        with open_warehouse(settings=settings, read_only=True) as con:
            path = build_report(con, out_dir, top_n=top)
    except (WarehouseError, LookupError) as err:
        fail(err)
        return
    except OSError as err:  # --out under a file, no permission, a full disk
        fail(f"cannot write the report: {os_failure(err)}")
    typer.echo(f"wrote {path}")

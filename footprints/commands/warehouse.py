"""`footprints query`, `footprints leaderboard` and `footprints export ...`: reading the warehouse.

Each opens the warehouse read-only; DuckDB and the export writers are imported (deferred) when a
command runs, so `footprints --help` starts without them.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from footprints.commands._common import WarehouseOpt, fail, os_failure, read_failure, render
from tasks.core.settings import get_settings
from tasks.load.sql import WarehouseError


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", help="output format")]


def query(
    sql: Annotated[str, typer.Argument(help="SQL to run on the warehouse (read-only)")],
    warehouse: WarehouseOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Run SQL on the warehouse, opened read-only: a write statement fails and changes nothing."""
    # deferred: see the module docstring
    import duckdb

    from tasks.load.warehouse import open_warehouse

    settings = get_settings(warehouse=warehouse)
    try:
        with open_warehouse(settings=settings, read_only=True) as con:
            cursor = con.execute(sql)
            columns = [d[0] for d in (cursor.description or [])]
            rows = cursor.fetchall() if columns else []
    except WarehouseError as err:
        fail(err)
    except duckdb.Error as err:
        text = str(err)
        if "read-only" in text.lower() or "read only" in text.lower():
            fail(f"the warehouse is opened read-only for queries; nothing was changed ({text})")
        fail(f"query failed: {text}")
    typer.echo(render(columns, rows, fmt.value))


def leaderboard(
    warehouse: WarehouseOpt = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="rows to show")] = 15,
    fmt: FormatOpt = Format.table,
) -> None:
    """Print the top of the leaderboard (total t CO2e with its low-high range)."""
    # deferred: see the module docstring
    import duckdb

    from tasks.load.warehouse import open_warehouse, read_sql

    settings = get_settings(warehouse=warehouse)
    try:
        with open_warehouse(settings=settings, read_only=True) as con:
            cursor = con.execute(read_sql("reports/select_leaderboard_top.sql"), [limit])
            columns = [d[0] for d in cursor.description or []]
            rows = cursor.fetchall()
    except WarehouseError as err:
        fail(err)
    except duckdb.Error as err:
        fail(read_failure(err))
    typer.echo(render(columns, rows, fmt.value))


def export_leaderboard(
    warehouse: WarehouseOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="CSV path [default: warehouse/exports/leaderboard.csv]", show_default=False
        ),
    ] = None,
) -> None:
    """Write the leaderboard CSV (one row per model, by total CO2e)."""
    _export("leaderboard", warehouse, out)


def export_audit(
    warehouse: WarehouseOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="CSV path [default: warehouse/exports/disclosure_audit.csv]", show_default=False
        ),
    ] = None,
) -> None:
    """Write the disclosure audit CSV (one row per model and finding)."""
    _export("audit", warehouse, out)


def export_not_estimable(
    warehouse: WarehouseOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="CSV path [default: warehouse/exports/not_estimable.csv]", show_default=False
        ),
    ] = None,
) -> None:
    """Write the not-estimable CSV (listed models whose footprint cannot be estimated)."""
    _export("not-estimable", warehouse, out)


def export_scorecard(
    warehouse: WarehouseOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="CSV path [default: warehouse/exports/disclosure_scorecard.csv]",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write the disclosure scorecard CSV (one row per organisation)."""
    _export("scorecard", warehouse, out)


def _export(name: str, warehouse: Path | None, out: Path | None) -> None:
    # deferred: see the module docstring
    import duckdb

    from tasks.load.warehouse import open_warehouse
    from tasks.outputs.datapackage import write_datapackage
    from tasks.outputs.export import EXPORTS, ExportPathError, export_table, resolve_export_path

    settings = get_settings(warehouse=warehouse)
    # `--out` is the CLI user's own choice, so it may point anywhere (RELIABILITY.md case 20).
    try:
        target = resolve_export_path(out, settings.exports_path, EXPORTS[name][1], trusted=True)
    except ExportPathError as err:
        fail(str(err), code=2)
    try:
        with open_warehouse(settings=settings, read_only=True) as con:
            result = export_table(con, name, target)
            write_datapackage(result.path, name, con)  # every CSV describes itself
    except WarehouseError as err:
        fail(err)
    except duckdb.Error as err:
        fail(read_failure(err))
    except OSError as err:  # a folder that cannot be made, no permission, a full disk
        fail(f"cannot write the {name} export: {os_failure(err)}")
    typer.echo(f"wrote {result.rows} rows to {result.path}")

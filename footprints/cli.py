"""The `footprints` command line: run the refresh, query the warehouse, export the leaderboard."""

from __future__ import annotations

import gc
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from footprints.commands._common import render
from tasks.core.settings import get_settings

app = typer.Typer(
    help="What did it cost - in energy, carbon, water and money - to create an AI model?",
    no_args_is_help=True,
    add_completion=False,
)
export_app = typer.Typer(help="Write exports (CSV) from the warehouse.", no_args_is_help=True)
app.add_typer(export_app, name="export")

WarehouseOpt = Annotated[
    Path | None,
    typer.Option(
        "--warehouse",
        help="DuckDB file [default: $FOOTPRINTS_WAREHOUSE or warehouse/footprints.duckdb]",
        show_default=False,
    ),
]


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class TaskRunner(StrEnum):
    thread = "thread"
    dask = "dask"


class SourceKind(StrEnum):
    snapshot = "snapshot"
    live = "live"


def _prefect_env() -> None:
    # Offline-safe Prefect (DEVELOPERS.md): no telemetry, which errors without a network.
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"footprints: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def run(
    warehouse: WarehouseOpt = None,
    cards: Annotated[
        Path | None,
        typer.Option(
            "--cards",
            help="also ingest every model card (*.md) and disclosure file (*.yaml) in DIR",
            exists=True,
            file_okay=False,
            dir_okay=True,
        ),
    ] = None,
    source: Annotated[
        SourceKind,
        typer.Option("--source", help="snapshot: the bundled data; live: the sources' APIs"),
    ] = SourceKind.snapshot,
    codecarbon: Annotated[
        Path | None,
        typer.Option(
            "--codecarbon",
            help="import CodeCarbon emissions.csv file(s) (a file or a folder) as measured runs",
            exists=True,
        ),
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="the model the --codecarbon runs trained")
    ] = None,
    task_runner: Annotated[
        TaskRunner,
        typer.Option("--task-runner", help="where fan-out work (parsing cards) runs"),
    ] = TaskRunner.thread,
    dask_address: Annotated[
        str | None,
        typer.Option("--dask-address", help="a Dask scheduler (default: a local cluster)"),
    ] = None,
) -> None:
    """Run the full refresh (the `refresh` Prefect flow), on the bundled snapshot by default."""
    if codecarbon is not None and not model:
        _fail("--codecarbon needs --model NAME (the model those runs trained)", code=2)
    _prefect_env()
    settings = get_settings(warehouse=warehouse)
    from contextlib import nullcontext

    from flows._startup import start_server_while

    def prepare() -> None:
        # While Prefect's temporary server starts: the refresh's own imports (DuckDB, polars,
        # pyarrow, the tasks) and, when anything will be validated, Great Expectations (~3 s).
        # A refresh with nothing new skips both that import and the validation.
        import flows.refresh  # noqa: F401  (its imports now; the flow is called below)
        from flows._startup import snapshot_refresh_lands_anything
        from tasks.load.validate import warm_up

        if (
            source is SourceKind.live
            or cards is not None
            or codecarbon is not None
            or snapshot_refresh_lands_anything(settings.warehouse)
        ):
            warm_up()

    start_server_while(prepare)
    from flows.refresh import refresh
    from tasks.sources.models.user_cards_fanout import prefect_api_for_workers

    # Dask worker processes need a Prefect API they can all reach (one shared server).
    shared_api = prefect_api_for_workers() if task_runner is TaskRunner.dask else nullcontext()
    with shared_api:
        state = refresh(
            str(settings.warehouse),
            str(cards.resolve()) if cards else None,
            source.value,
            str(codecarbon.resolve()) if codecarbon else None,
            model,
            task_runner.value,
            dask_address,
            return_state=True,
        )
    # What is left is printing and exiting. With Great Expectations, pandas and Prefect loaded,
    # the interpreter's exit spends ~0.7 s in the garbage collector's last passes over objects
    # that die with the process anyway; frozen, they are skipped (atexit handlers still run).
    gc.freeze()
    if state.is_failed():
        _fail(f"refresh failed: {state.message}")
    result = state.result()
    loads = [r for rs in result["loads"].values() for r in rs]
    for load in loads:
        for file, reason in load.get("quarantined_files", []):
            typer.echo(f"quarantined: {file}: {reason}", err=True)
    changed = sum(r["inserted"] + r["updated"] + r["deleted"] for r in loads)
    quarantined = sum(r["quarantined"] for r in loads)
    build = result["build"]
    warnings = sum(len(load.get("warnings", [])) for load in loads)
    if warnings:
        typer.echo(f"{warnings} card warnings (unparsed cells, contradictions)", err=True)
    if build.get("unresolved_gpus") or build.get("unresolved_locations"):
        typer.echo(
            f"names not resolved: {build['unresolved_gpus']} GPU names, "
            f"{build['unresolved_locations']} locations (listed in int_names_resolved; their "
            "runs use defaults)",
            err=True,
        )
    typer.echo(
        f"refresh complete: {len(loads)} loads, {changed} rows changed, {quarantined} quarantined; "
        f"leaderboard {build['status']} with {build['models']} models -> {settings.warehouse}"
    )


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="SQL to run on the warehouse (read-only)")],
    warehouse: WarehouseOpt = None,
    fmt: Annotated[Format, typer.Option("--format", help="output format")] = Format.table,
) -> None:
    """Run SQL on the warehouse, opened read-only: a write statement fails and changes nothing."""
    import duckdb

    from tasks.load.warehouse import WarehouseError, open_warehouse

    settings = get_settings(warehouse=warehouse)
    try:
        with open_warehouse(settings=settings, read_only=True) as con:
            cursor = con.execute(sql)
            columns = [d[0] for d in (cursor.description or [])]
            rows = cursor.fetchall() if columns else []
    except WarehouseError as err:
        _fail(str(err))
    except duckdb.Error as err:
        text = str(err)
        if "read-only" in text.lower() or "read only" in text.lower():
            _fail(f"the warehouse is opened read-only for queries; nothing was changed ({text})")
        _fail(f"query failed: {text}")
    typer.echo(render(columns, rows, fmt.value))


@app.command()
def leaderboard(
    warehouse: WarehouseOpt = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="rows to show")] = 15,
    fmt: Annotated[Format, typer.Option("--format", help="output format")] = Format.table,
) -> None:
    """Print the top of the leaderboard (total t CO2e with its low-high range)."""
    from tasks.load.warehouse import WarehouseError, open_warehouse, read_sql

    settings = get_settings(warehouse=warehouse)
    try:
        with open_warehouse(settings=settings, read_only=True) as con:
            cursor = con.execute(read_sql("reports/select_leaderboard_top.sql"), [limit])
            columns = [d[0] for d in cursor.description or []]
            rows = cursor.fetchall()
    except WarehouseError as err:
        _fail(str(err))
    typer.echo(render(columns, rows, fmt.value))


@export_app.command("leaderboard")
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


def _export(name: str, warehouse: Path | None, out: Path | None) -> None:
    from tasks.load.warehouse import WarehouseError, open_warehouse
    from tasks.outputs.export import EXPORTS, export_table, resolve_export_path

    settings = get_settings(warehouse=warehouse)
    # `--out` is the CLI user's own choice, so it may point anywhere (RELIABILITY.md case 20).
    target = resolve_export_path(out, settings.exports_path, EXPORTS[name][1], trusted=True)
    try:
        with open_warehouse(settings=settings, read_only=True) as con:
            result = export_table(con, name, target)
            # every CSV describes itself (Frictionless Data Package beside it)
            from tasks.outputs.datapackage import write_datapackage

            write_datapackage(result.path, name, con)
    except WarehouseError as err:
        _fail(str(err))
    typer.echo(f"wrote {result.rows} rows to {result.path}")


@export_app.command("audit")
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


def _register_commands() -> None:
    """Commands that live in their own modules (footprints/commands/)."""
    from footprints.commands.card import card
    from footprints.commands.maintenance import backup, doctor, rebuild
    from footprints.commands.report import report
    from footprints.commands.schema import schema
    from footprints.commands.whatif import whatif

    app.command("whatif")(whatif)
    app.command("report")(report)
    app.command("card")(card)
    app.command("schema")(schema)
    app.command("doctor")(doctor)
    app.command("backup")(backup)
    app.command("rebuild")(rebuild)


_register_commands()


def main() -> None:  # pragma: no cover - console entry
    app(prog_name="footprints")


if __name__ == "__main__":  # pragma: no cover
    main()

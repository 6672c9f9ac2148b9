"""`footprints run`: the whole refresh (the `refresh` Prefect flow), then a one-line summary.

The flow, DuckDB, polars and Great Expectations are imported (deferred) only when the command
runs (inside `_start`, while Prefect's temporary server starts), so `footprints --help` stays
instant.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from footprints.commands._common import WarehouseOpt, fail, one_line_text, say
from footprints.commands._run_errors import ErrorsToSummary
from tasks.core.settings import Settings, get_settings

if TYPE_CHECKING:
    from tasks.core.prefect_server import TemporaryServer


class TaskRunner(StrEnum):
    thread = "thread"
    dask = "dask"


class SourceKind(StrEnum):
    snapshot = "snapshot"
    live = "live"


CardsOpt = Annotated[
    Path | None,
    typer.Option(
        "--cards",
        help="also ingest every model card (*.md) and disclosure file (*.yaml) in DIR",
        exists=True,
        file_okay=False,
        dir_okay=True,
    ),
]
SourceOpt = Annotated[
    SourceKind,
    typer.Option("--source", help="snapshot: the bundled data; live: the sources' APIs"),
]
CodeCarbonOpt = Annotated[
    Path | None,
    typer.Option(
        "--codecarbon",
        help="import CodeCarbon emissions.csv file(s) (a file or a folder) as measured runs",
        exists=True,
    ),
]
ModelOpt = Annotated[
    str | None, typer.Option("--model", help="the model the --codecarbon runs trained")
]
TaskRunnerOpt = Annotated[
    TaskRunner, typer.Option("--task-runner", help="where fan-out work (parsing cards) runs")
]
DaskAddressOpt = Annotated[
    str | None, typer.Option("--dask-address", help="a Dask scheduler (default: a local cluster)")
]
VerboseOpt = Annotated[
    bool, typer.Option("--verbose", "-v", help="also print Prefect's and the libraries' INFO logs")
]

# Set by footprints.cli.main, the console entry: the process may end the moment the run has
# printed its summary or its error (see _exit_now). Never set in-process (tests, other callers).
EXIT_WHEN_DONE = False


def run(
    warehouse: WarehouseOpt = None,
    cards: CardsOpt = None,
    source: SourceOpt = SourceKind.snapshot,
    codecarbon: CodeCarbonOpt = None,
    model: ModelOpt = None,
    task_runner: TaskRunnerOpt = TaskRunner.thread,
    dask_address: DaskAddressOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Run the full refresh (the `refresh` Prefect flow), on the bundled snapshot by default."""
    try:
        _run(warehouse, cards, source, codecarbon, model, task_runner, dask_address, verbose)
    except typer.Exit as done:  # a failure that has printed its one line
        if EXIT_WHEN_DONE:
            _exit_now(done.exit_code)
        raise
    if EXIT_WHEN_DONE:
        _exit_now()


def _run(
    warehouse: Path | None,
    cards: Path | None,
    source: SourceKind,
    codecarbon: Path | None,
    model: str | None,
    task_runner: TaskRunner,
    dask_address: str | None,
    verbose: bool,
) -> None:
    if codecarbon is not None and not model:
        fail("--codecarbon needs --model NAME (the model those runs trained)", code=2)
    _prefect_env(verbose)  # before anything imports Prefect, which reads it at import
    server = _own_the_process()
    settings = get_settings(warehouse=warehouse)
    will_validate = source is SourceKind.live or cards is not None or codecarbon is not None
    errors = ErrorsToSummary(settings.warehouse.parent)
    try:
        api_url = _start(settings, will_validate, source, server)
        if not verbose:
            errors.install()
        # deferred: imported by _start while Prefect's server started; this is only the name
        from flows.refresh import refresh
        from tasks.core.prefect_server import using_api
        from tasks.sources.models.user_cards_fanout import prefect_api_for_workers

        # Dask worker processes need a Prefect API they can all reach (one shared server).
        shared_api = prefect_api_for_workers() if task_runner is TaskRunner.dask else nullcontext()
        with using_api(api_url), shared_api:
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
    except typer.Exit:  # a failure that has printed its one line (the server did not start)
        raise
    except Exception as err:  # Prefect's API or the server failing under the run (a full disk)
        if verbose:
            raise
        _fail_run(f"refresh failed: {errors.explain(err)}")
    if state.is_failed():
        _fail_run(
            f"refresh failed: {errors.explain(state.result(raise_on_failure=False))}"
            + ("" if verbose else " (-v: Prefect's log)")
        )
    _summarise(state.result(), settings)
    if cards is not None:
        _say_cards_apart(cards, settings)


def _own_the_process() -> TemporaryServer | None:
    """When the console entry owns the process: spawn Prefect's temporary server now, before
    Prefect is imported (it boots while the run imports and validates), and make a signal end
    the run and its children. In-process callers (tests) get neither: they often set an API
    in-process, and a server spawned before reading Prefect's settings would be stopped unused."""
    if not EXIT_WHEN_DONE:
        return None
    # deferred: stdlib only here; Prefect is imported by stop_on_signals, after the spawn
    from flows._startup import stop_on_signals
    from tasks.core.prefect_server import spawn_early

    server = spawn_early()
    stop_on_signals()
    return server


def _fail_run(message: str) -> NoReturn:
    """The run's one failure line on stderr, then exit 1 (`run` ends the process through
    _exit_now, like a run that succeeds: no interpreter teardown, no 'leaked' report)."""
    say(f"footprints: {one_line_text(message)}", err=True)
    raise typer.Exit(1)


def _exit_now(code: int = 0) -> NoReturn:
    """End the process now that everything is written and printed, after a success or a failure
    alike: the atexit handlers run (Prefect stops its temporary server, logging flushes), the
    interpreter's teardown does not. That teardown would spend ~0.7 s collecting what Great
    Expectations, pandas and Prefect built, and DuckDB's bindings report objects still alive at
    that point as 'leaked' (about 45 lines of noise). Closing every connection would not stop
    that report: a closed connection is still a live object while a failed run's traceback, kept
    in Prefect's state, holds the frames that opened it, and DuckDB's own type objects are
    counted too."""
    # What Py_Finalize does first, in its order: threads' exit hooks (Prefect drains its log and
    # event workers there), then the atexit handlers (Prefect stops its server).
    threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _prefect_env(verbose: bool = False) -> None:
    # Offline-safe Prefect (DEVELOPERS.md): no telemetry, which errors without a network.
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # A run prints its summary, warnings and errors; Prefect's per-task INFO lines only on -v
    # (an explicit PREFECT_LOGGING_LEVEL in the environment wins either way).
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    # The temporary server's own errors (its SQLite database on a full disk) are Prefect's
    # bookkeeping, not the run's: the run's failure line says what failed. -v shows them.
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING" if verbose else "CRITICAL")
    if not verbose:
        # A failed source or flow is the run's own last line ('refresh failed: <source>: <why>');
        # Prefect's flow- and task-run loggers would say it again, each time with a traceback.
        for logger in ("FLOW_RUNS", "TASK_RUNS"):
            os.environ.setdefault(f"PREFECT_LOGGING_LOGGERS_PREFECT_{logger}_LEVEL", "CRITICAL")


def _start(
    settings: Settings, will_validate: bool, source: SourceKind, server: TemporaryServer | None
) -> str | None:
    """Start Prefect's temporary server and, meanwhile, the refresh's own imports and (when
    anything will be validated) Great Expectations (~3 s), then the validation of the snapshot
    files that changed. A refresh with nothing new skips that import and the validation.
    Returns the temporary server's API URL (None when an API is configured)."""
    # deferred: the flow's imports (DuckDB, polars, pyarrow, Prefect) are the slow part of a run
    from flows._startup import (
        import_what_the_flow_call_imports,
        snapshot_refresh_lands_anything,
        start_server_while,
        validate_snapshot_early,
    )
    from tasks.core.prefect_server import ServerDidNotStart

    def prepare() -> None:
        import flows.refresh  # noqa: F401  (its imports now; the flow is called after)
        from tasks.load.validate import warm_up

        lands = snapshot_refresh_lands_anything(settings.warehouse)
        if will_validate or lands:
            warm_up()
        if lands and source is SourceKind.snapshot:
            validate_snapshot_early(settings.warehouse)
        import_what_the_flow_call_imports()

    try:
        return start_server_while(prepare, lambda line: typer.echo(line, err=True), server)
    except ServerDidNotStart as err:
        fail(str(err))


def _say_cards_apart(cards: Path, settings: Settings) -> None:
    """One line per user card whose model its developer discloses (shown apart, never in place
    of the developer's figures)."""
    from tasks.load.warehouse import open_warehouse
    from tasks.sources.models.user_cards import cards_shown_apart

    with open_warehouse(settings=settings, read_only=True) as con:
        apart = cards_shown_apart(con, cards)
    for file, model, shown in apart:
        say(
            one_line_text(
                f"user card: {file}: {model!r} is disclosed by its developer; your figures are "
                f"shown apart as {shown!r}, never in place of the developer's"
            ),
            err=True,
        )


def _summarise(result: dict[str, Any], settings: Settings) -> None:
    """The quarantined files and warnings on stderr, then one line of totals."""
    loads = [r for rs in result["loads"].values() for r in rs]
    for load in loads:
        for file, reason in load.get("quarantined_files", []):
            say(one_line_text(f"quarantined: {file}: {reason}"), err=True)
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
    outputs = f"; outputs in {settings.exports_path}" if build.get("outputs") else ""
    typer.echo(
        f"refresh complete: {len(loads)} loads, {changed} rows changed, {quarantined} quarantined; "
        f"leaderboard {build['status']} with {build['models']} models -> {settings.warehouse}"
        f"{outputs}"
    )

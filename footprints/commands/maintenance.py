"""`footprints doctor`, `footprints backup --out PATH`, `footprints rebuild [--from-raw DIR]`.

The logic is in tasks/ops/ (doctor.py, backup.py, rebuild.py); these functions only parse options
and print. Each imports its logic (deferred) when it runs, so `footprints --help` starts without
DuckDB.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from footprints.commands._common import (
    WarehouseOpt,
    fail,
    one_line,
    one_line_text,
    os_failure,
    say,
)
from tasks.core.settings import get_settings
from tasks.load.sql import WarehouseError


def doctor(warehouse: WarehouseOpt = None) -> None:
    """Check the warehouse, its lock, its raw archive, the settings and tokens; exit 1 on a
    problem, each with what to do."""
    from tasks.ops.doctor import run_checks  # deferred: see the module docstring

    checks = run_checks(warehouse)
    for check in checks:
        say(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {one_line_text(check.detail)}")
        if check.advice and not check.ok:
            say(f"     -> {check.advice}")
    failed = [c.name for c in checks if not c.ok]
    if failed:
        fail(f"{len(failed)} check(s) failed: {', '.join(failed)}")
    typer.echo(f"all {len(checks)} checks passed")


def backup(
    out: Annotated[
        Path,
        typer.Option("--out", help="file to write the copy to (temp file + rename)"),
    ],
    warehouse: WarehouseOpt = None,
) -> None:
    """A consistent copy of the warehouse: CHECKPOINT, then copy; refused while a refresh writes."""
    # deferred: see the module docstring
    from tasks.ops.backup import backup_warehouse
    from tasks.ops.raw_area import MaintenanceError

    settings = get_settings(warehouse=warehouse)
    try:
        path = backup_warehouse(settings, out)
    except (MaintenanceError, WarehouseError) as err:
        fail(err)
    except OSError as err:  # --out under a file, no permission, a full disk
        fail(f"backup not written: {os_failure(err)}")
    typer.echo(f"backed up {settings.warehouse} to {path}")


def rebuild(
    warehouse: WarehouseOpt = None,
    from_raw: Annotated[
        Path | None,
        typer.Option(
            "--from-raw",
            help="raw folder to replay [default: the warehouse's own raw/]",
            show_default=False,
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Recreate the whole warehouse from the raw area alone, verified first (the old file is kept
    as .bak; on any failure it is untouched)."""
    # deferred: see the module docstring
    import duckdb

    from tasks.ops.raw_area import MaintenanceError
    from tasks.ops.rebuild import rebuild_warehouse

    settings = get_settings(warehouse=warehouse)
    raw = from_raw or settings.raw_path
    try:
        result = rebuild_warehouse(settings.warehouse, raw)
    except (MaintenanceError, WarehouseError, OSError, duckdb.Error) as err:
        fail(f"rebuild refused: {one_line(err)}; {settings.warehouse} is untouched")
    kept = f"; the previous file is kept as {result.backup}" if result.backup else ""
    torn = f"; {result.skipped_lines} torn manifest line(s) skipped" if result.skipped_lines else ""
    unhashed = (
        f"; {result.unhashed} load package(s) journaled before journal hashes, checked by their "
        "header only"
        if result.unhashed
        else ""
    )
    typer.echo(
        f"rebuilt {result.path} from {raw}: {result.loads} loads replayed, their packages and "
        f"{result.archived} archived payloads verified, {result.manifest_rows} payloads in the "
        "manifest, "
        f"{result.models} models{kept}{torn}{unhashed}"
    )
    if Path(raw).absolute() != settings.raw_path.absolute():
        # Later loads journal into the warehouse's own raw folder; its history stays in `raw`.
        typer.echo(
            f"note: this warehouse's raw folder is {settings.raw_path}; set "
            f"FOOTPRINTS_RAW_DIR={raw} to keep using {raw} with it"
        )

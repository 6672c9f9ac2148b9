"""`footprints export ai-act | spdx | boamps --model NAME`: a model's filings from the warehouse.

Each prints to stdout, or writes `--out FILE` atomically (temp file and rename). The filings are
built by tasks/outputs/{filings,ai_act,spdx,boamps}.py; DuckDB and the warehouse are imported
(deferred) when a command runs, so `footprints --help` starts without them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from footprints.commands._common import WarehouseOpt, fail
from tasks.core.settings import get_settings
from tasks.load.sql import WarehouseError

if TYPE_CHECKING:
    from tasks.outputs.filings import Filing


class FilingFormat(StrEnum):
    json = "json"
    md = "md"


ModelOpt = Annotated[
    str, typer.Option("--model", help="model name as on the leaderboard (or an alias)")
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", help="file to write [default: print on stdout]", show_default=False),
]


def export_ai_act(
    model: ModelOpt,
    fmt: Annotated[FilingFormat, typer.Option("--format", help="output format")] = (
        FilingFormat.json
    ),
    out: OutOpt = None,
    warehouse: WarehouseOpt = None,
) -> None:
    """AI Act Annex XI 2(d)-(e) / Model Documentation Form: compute, time, energy, each sourced."""
    # deferred: see the module docstring
    from tasks.outputs.ai_act import ai_act_text

    _emit(model, warehouse, out, lambda filing: ai_act_text(filing, fmt.value))


def export_spdx(model: ModelOpt, out: OutOpt = None, warehouse: WarehouseOpt = None) -> None:
    """An SPDX 3.0.1 AI package (JSON-LD) with the model's energy consumption."""
    # deferred: see the module docstring
    from tasks.outputs.spdx import spdx_document

    _emit(model, warehouse, out, lambda filing: _json(spdx_document(filing)))


def export_boamps(model: ModelOpt, out: OutOpt = None, warehouse: WarehouseOpt = None) -> None:
    """A BoAmps 1.1.0 report (Boavizta's AI energy format) of the model's training run."""
    # deferred: see the module docstring
    from tasks.outputs.boamps import boamps_report

    _emit(model, warehouse, out, lambda filing: _json(boamps_report(filing)))


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _emit(
    model: str, warehouse: Path | None, out: Path | None, render: Callable[[Filing], str]
) -> None:
    """Read the model's filing, render it, and print it or write it to --out."""
    # deferred: see the module docstring
    import duckdb

    from tasks.load.archive import atomic_write_bytes, published_mode
    from tasks.load.warehouse import open_warehouse
    from tasks.outputs.boamps import BoampsUnavailableError
    from tasks.outputs.card import UnknownModelError
    from tasks.outputs.filings import read_filing

    if out is not None and out.is_dir():
        fail(f"--out {out} is a folder; give the file to write", code=2)
    settings = get_settings(warehouse=warehouse)
    try:
        with open_warehouse(settings=settings, read_only=True) as con:
            text = render(read_filing(con, model))
    except UnknownModelError as err:
        fail(str(err), code=2)
    except (WarehouseError, BoampsUnavailableError) as err:
        fail(err)
    except duckdb.CatalogException:
        fail("the warehouse has no leaderboard yet: run `footprints run` first")
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        atomic_write_bytes(out, text.encode("utf-8"), mode=published_mode())
    except OSError as err:
        fail(f"cannot write {out}: {err.strerror or err}", code=2)
    typer.echo(f"wrote {out}", err=True)

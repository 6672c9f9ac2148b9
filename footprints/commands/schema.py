"""`footprints schema [TABLE]`: the warehouse's own documentation (table and column comments).

DuckDB is imported (deferred) when a command runs, so `footprints --help` starts without it.
"""

from __future__ import annotations

import io
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from footprints.commands._common import WarehouseOpt, clean_text, fail
from tasks.core.settings import get_settings
from tasks.load.sql import WarehouseError


def _table(columns: list[str], rows: list[list[str]]) -> str:

    table = Table(show_lines=False, expand=False)
    for i, c in enumerate(columns):
        # Comments wrap; names and types do not (a wrapped column name is hard to copy).
        table.add_column(Text(c), no_wrap=i < len(columns) - 1, overflow="fold")
    for r in rows:
        table.add_row(*(Text(clean_text(v)) for v in r))  # comments are text, never markup
    console = Console(width=160, record=True, file=io.StringIO())
    console.print(table)
    return console.export_text().rstrip("\n")


def render_schema(con: object, table: str | None = None) -> str:
    """Text of the documented schema: every table, or one table's columns."""
    from tasks.outputs.schema_docs import describe_table, list_tables

    if table is None:
        docs = list_tables(con)  # type: ignore[arg-type]
        rows = [
            [d.name, d.kind, "" if d.rows is None else f"{d.rows:,}", d.comment or "(no comment)"]
            for d in docs
        ]
        footer = (
            "\n`footprints schema TABLE` lists a table's columns. Comments come from "
            "sql/ddl/comment_on_tables.sql."
        )
        return _table(["table", "kind", "rows (approx.)", "comment"], rows) + footer
    doc, columns = describe_table(con, table)  # type: ignore[arg-type]
    head = f"{doc.name} ({doc.kind})\n{doc.comment or '(no comment)'}\n"
    rows = [[c.name, c.data_type, c.comment or "(no comment)"] for c in columns]
    return head + _table(["column", "type", "comment"], rows)


def schema(
    tables: Annotated[
        list[str] | None, typer.Argument(help="tables or views; omit to list them all")
    ] = None,
    markdown: Annotated[
        bool,
        typer.Option(
            "--markdown",
            help="the column reference as Markdown (default: the shipped tables)",
        ),
    ] = False,
    warehouse: WarehouseOpt = None,
) -> None:
    """Print the documented schema: tables with their grain, or one table's columns and units."""
    from tasks.load.warehouse import open_warehouse
    from tasks.outputs.schema_docs import SHIPPED_TABLES, column_reference

    settings = get_settings(warehouse=warehouse)
    try:
        with open_warehouse(settings=settings, read_only=True) as con:
            if markdown:
                text = column_reference(con, tables or SHIPPED_TABLES).rstrip("\n")
            elif tables and len(tables) > 1:
                text = "\n\n".join(render_schema(con, t) for t in tables)
            else:
                text = render_schema(con, tables[0] if tables else None)
    except (WarehouseError, LookupError) as err:
        fail(err)
        return
    typer.echo(text)

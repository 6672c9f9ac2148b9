"""The warehouse that explains itself: table and column comments, applied and read back.

`sql/ddl/comment_on_tables.sql` holds a COMMENT ON statement for every table, view and column
(grain, units, source). The build recreates the derived tables, which drops their comments, so the
file is applied after every build, in one transaction; if a statement fails (a table another stage
renamed, or a column it dropped), it is applied one statement at a time instead, so that one is
reported rather than failing the whole refresh.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from tasks.load.warehouse import SQL_DIR

COMMENTS_SQL = SQL_DIR / "ddl" / "comment_on_tables.sql"
# A table whose columns pass through from another (a mart over an intermediate, a report over a
# mart) says so in one line, so each column's comment is written once.
_COLUMNS_AS = re.compile(r"^-- columns of (\w+): as (\w+)(?:, and:)?$")


def comment_statements() -> list[str]:
    """The statements of comment_on_tables.sql, one per line by construction, with each
    `-- columns of <table>: as <other>` line expanded to <other>'s column comments for <table>."""
    lines = COMMENTS_SQL.read_text(encoding="utf-8").splitlines()
    written = [line for line in lines if line.lower().startswith("comment on ")]
    statements = []
    for line in lines:
        inherited = _COLUMNS_AS.match(line)
        if inherited:
            table, other = inherited.groups()
            prefix = f"comment on column {other}."
            statements += [
                f"comment on column {table}.{s[len(prefix) :]}"
                for s in written
                if s.startswith(prefix)
            ]
        elif line.lower().startswith("comment on "):
            statements.append(line)
    return statements


def apply_comments(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every comment; returns the statements that failed, with DuckDB's reason.

    All in one transaction (~0.3 s for ~600 statements, against ~2 s committing each); if one
    fails (a table the build did not make), that transaction is rolled back and the statements
    are applied one by one, so every other comment still lands and each failure is named."""
    statements = comment_statements()
    try:
        con.begin()
        for statement in statements:
            con.execute(statement)
        con.commit()
        return []
    except duckdb.CatalogException:
        con.rollback()
    failed = []
    for statement in statements:
        try:
            con.execute(statement)
        except duckdb.CatalogException as err:
            failed.append(f"{statement[:80]}…: {err}")
    return failed


@dataclass(frozen=True)
class TableDoc:
    name: str
    kind: str  # table | view
    comment: str | None
    rows: int | None


@dataclass(frozen=True)
class ColumnDoc:
    name: str
    data_type: str
    nullable: bool
    comment: str | None


def list_tables(con: duckdb.DuckDBPyConnection) -> list[TableDoc]:
    """Every table and view of the main schema with its comment (and row count for tables)."""
    tables = con.execute(
        "select table_name, comment, estimated_size from duckdb_tables() "
        "where schema_name = 'main' and not internal and not temporary"
    ).fetchall()
    views = con.execute(
        "select view_name, comment from duckdb_views() "
        "where schema_name = 'main' and not internal and not temporary"
    ).fetchall()
    docs = [TableDoc(n, "table", c, s) for n, c, s in tables]
    docs += [TableDoc(n, "view", c, None) for n, c in views]
    return sorted(docs, key=lambda d: d.name)


def describe_table(con: duckdb.DuckDBPyConnection, table: str) -> tuple[TableDoc, list[ColumnDoc]]:
    """One table's or view's comment and columns; LookupError naming close names if unknown."""
    docs = {d.name: d for d in list_tables(con)}
    if table not in docs:
        close = difflib.get_close_matches(table, list(docs), n=5, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise LookupError(f"no table or view {table!r} in the warehouse{hint}")
    columns = [
        ColumnDoc(n, t, bool(nullable), c)
        for n, t, nullable, c in con.execute(
            "select column_name, data_type, is_nullable, comment from duckdb_columns() "
            "where schema_name = 'main' and table_name = ? order by column_index",
            [table],
        ).fetchall()
    ]
    return docs[table], columns


def undocumented(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables, views and columns (table.column) without a comment."""
    missing = [d.name for d in list_tables(con) if not d.comment]
    missing += [
        f"{t}.{c}"
        for t, c in con.execute(
            "select table_name, column_name from duckdb_columns() "
            "where schema_name = 'main' and not internal and comment is null "
            "order by table_name, column_index"
        ).fetchall()
    ]
    return missing


# The tables whose columns are shipped as files: the leaderboard, audit, not-estimable and
# disclosure-scorecard CSVs.
SHIPPED_TABLES = (
    "rpt_leaderboard",
    "rpt_disclosure_audit",
    "rpt_not_estimable",
    "rpt_disclosure_scorecard",
)


def column_reference(con: duckdb.DuckDBPyConnection, tables: Sequence[str] = SHIPPED_TABLES) -> str:
    """Markdown: each table's comment, then its columns with their type and meaning, from the
    warehouse's own comments (sql/ddl/comment_on_tables.sql), so the reference cannot drift."""
    parts = [
        "# Column reference",
        "",
        "Generated from the warehouse's comments (`sql/ddl/comment_on_tables.sql`) by",
        f"`footprints schema --markdown {' '.join(tables)} > docs/columns.md`; "
        "a test fails when it is out of date.",
    ]
    for table in tables:
        doc, columns = describe_table(con, table)
        parts += ["", f"## `{doc.name}`", "", _cell(doc.comment), ""]
        parts += ["| column | type | meaning |", "|---|---|---|"]
        parts += [f"| `{c.name}` | {c.data_type} | {_cell(c.comment)} |" for c in columns]
    return "\n".join(parts) + "\n"


def _cell(text: str | None) -> str:
    """Comment text safe in a Markdown table cell."""
    return (text or "(no comment)").replace("|", "\\|").replace("\n", " ")

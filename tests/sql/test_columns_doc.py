"""docs/columns.md is generated from the warehouse's comments and stays current: every column a
shipped file carries is documented there, with its meaning."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from trust_fixtures import trust_warehouse

from tasks.load.warehouse import read_sql
from tasks.outputs.export import EXPORTS
from tasks.outputs.schema_docs import apply_comments, column_reference

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "columns.md"


def _documented(tmp_path: Path) -> tuple[duckdb.DuckDBPyConnection, str]:
    db = tmp_path / "w.duckdb"
    shutil.copy(trust_warehouse(), db)
    con = duckdb.connect(str(db))
    assert apply_comments(con) == []
    return con, column_reference(con)


def test_the_column_reference_is_current(tmp_path: Path) -> None:
    con, generated = _documented(tmp_path)
    con.close()
    assert DOC.read_text(encoding="utf-8") == generated, (
        "docs/columns.md is out of date: regenerate it with "
        "`footprints schema --markdown > docs/columns.md` after `footprints run`"
    )


def test_every_shipped_column_is_documented(tmp_path: Path) -> None:
    con, generated = _documented(tmp_path)
    try:
        for name, (sql_file, _file) in EXPORTS.items():
            cursor = con.execute(f"select * from ({read_sql(sql_file)}) limit 0")
            columns = [d[0] for d in cursor.description or []]
            assert columns, name
            for column in columns:
                rows = [r for r in generated.splitlines() if r.startswith(f"| `{column}` |")]
                assert rows, f"{name}: column {column} is not in docs/columns.md"
                assert not any("(no comment)" in r for r in rows), f"{name}: {column} unexplained"
    finally:
        con.close()

"""Table and column comments: applied together, and a failing one does not lose the others."""

from __future__ import annotations

import duckdb
import pytest

from tasks.outputs import schema_docs


def _comment(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    return con.execute(
        "select comment from duckdb_tables() where table_name = ?", [table]
    ).fetchall()[0][0]


def test_all_comments_land_in_one_go(monkeypatch: pytest.MonkeyPatch) -> None:
    con = duckdb.connect()
    con.execute("create table a (x int); create table b (y int)")
    monkeypatch.setattr(
        schema_docs,
        "comment_statements",
        lambda: ["comment on table a is 'first'", "comment on column b.y is 'second'"],
    )
    assert schema_docs.apply_comments(con) == []
    assert _comment(con, "a") == "first"
    assert con.execute(
        "select comment from duckdb_columns() where table_name = 'b' and column_name = 'y'"
    ).fetchall() == [("second",)]


def test_a_failing_comment_is_named_and_the_others_still_land(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    con = duckdb.connect()
    con.execute("create table a (x int); create table c (z int)")
    monkeypatch.setattr(
        schema_docs,
        "comment_statements",
        lambda: [
            "comment on table a is 'kept'",
            "comment on table missing is 'no such table'",
            "comment on table c is 'also kept'",
        ],
    )
    failed = schema_docs.apply_comments(con)
    assert len(failed) == 1 and "missing" in failed[0]
    assert _comment(con, "a") == "kept"
    assert _comment(con, "c") == "also kept"

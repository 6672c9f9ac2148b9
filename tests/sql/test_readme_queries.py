"""Every example query of 'Querying the warehouse' runs on a built warehouse and returns rows;
and every table, view and column of that warehouse carries a comment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tasks.core.settings import get_settings
from tasks.load.archive import archive_payload
from tasks.load.ingest import ingest_snapshot_files, read_csv_text
from tasks.load.land import ingest_payload
from tasks.load.warehouse import open_warehouse
from tasks.model.transform import build_models
from tasks.outputs.schema_docs import apply_comments, comment_statements, undocumented
from tasks.sources.grid import snapshot as grid_intensity
from tasks.sources.hardware import snapshot as gpu_specs
from tasks.sources.models import snapshot as model_disclosures

REPO = Path(__file__).resolve().parents[2]
SECTION = "## Querying the warehouse"


def querying_section() -> tuple[str, str]:
    """The section from README.md once pasted there, else docs/querying.md."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    if SECTION in readme:
        start = readme.index(SECTION)
        nxt = readme.find("\n## ", start + len(SECTION))
        return "README.md", readme[start : nxt if nxt != -1 else None]
    return "docs/querying.md", (REPO / "docs" / "querying.md").read_text(encoding="utf-8")


def examples() -> list[tuple[str, str]]:
    """(question, sql) for each '### question' followed by a ```sql block."""
    _, text = querying_section()
    found = re.findall(r"^### (.+?)\n.*?```sql\n(.*?)```", text, flags=re.M | re.S)
    return [(q.strip(), sql.strip()) for q, sql in found]


EXAMPLES = examples()


def test_there_are_ten_questions() -> None:
    where, _ = querying_section()
    assert len(EXAMPLES) >= 10, f"{where} has {len(EXAMPLES)} example queries"
    assert len({q for q, _ in EXAMPLES}) == len(EXAMPLES)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled snapshot, built, with one quarantined row and the comments applied."""
    root = tmp_path_factory.mktemp("querying")
    settings = get_settings(warehouse=root / "w.duckdb")
    files = (
        *grid_intensity.SNAPSHOT_FILES,
        *gpu_specs.SNAPSHOT_FILES,
        *model_disclosures.SNAPSHOT_FILES,
        *model_disclosures.INFERENCE_FILES,
        *model_disclosures.ASSUMPTION_FILES,
    )
    with open_warehouse(settings=settings) as con:
        ingest_snapshot_files(con, files, settings=settings)
        build_models(con)
        # The snapshot is clean; a batch with one bad row gives the quarantine question an answer
        # (after the build, so the leaderboard does not see the extra coefficients).
        text = (
            "key,low,central,high,unit,source,note\n"
            + "".join(f"example_{i},1,2,3,ratio,test,\n" for i in range(6))
            + "example_bad,abc,2,3,ratio,test,\n"
        )
        payload = archive_payload("test", "test/bad.csv", text.encode(), settings=settings)
        ingest_payload(
            con, payload, "raw_assumptions", read_csv_text, batch_scope="test:bad",
            settings=settings,
        )  # fmt: skip
        failed = apply_comments(con)
        assert not failed, failed
    return settings.warehouse


@pytest.mark.parametrize(("question", "sql"), EXAMPLES, ids=[q for q, _ in EXAMPLES])
def test_example_query_returns_rows(warehouse: Path, question: str, sql: str) -> None:
    with open_warehouse(warehouse, read_only=True) as con:
        rows = con.execute(sql).fetchall()
    assert rows, f"{question!r} returned no rows"


def test_every_table_view_and_column_is_commented(warehouse: Path) -> None:
    with open_warehouse(warehouse, read_only=True) as con:
        missing = undocumented(con)
    assert not missing, "add COMMENT ON lines to sql/ddl/comment_on_tables.sql for: " + ", ".join(
        missing[:40]
    )


def test_comments_file_is_not_picked_up_by_apply_ddl() -> None:
    from tasks.load.warehouse import SQL_DIR

    ddl = [p.name for p in (SQL_DIR / "ddl").glob("create_*.sql")]
    assert "comment_on_tables.sql" not in ddl
    assert all(s.rstrip().endswith(";") for s in comment_statements())


def test_passed_through_columns_take_their_sources_comment() -> None:
    """`-- columns of fct_training_runs: as int_runs_estimated` writes each comment once."""
    statements = comment_statements()
    source = {
        s.split(" is ", 1)[0].split(".")[-1]: s.split(" is ", 1)[1]
        for s in statements
        if s.startswith("comment on column int_runs_estimated.")
    }
    passed = {
        s.split(" is ", 1)[0].split(".")[-1]: s.split(" is ", 1)[1]
        for s in statements
        if s.startswith("comment on column fct_training_runs.")
    }
    assert source and passed == source

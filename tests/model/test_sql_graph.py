"""The build order comes from the SQL files' own references: no list of models kept by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.load.warehouse import SQL_DIR
from tasks.model.graph import (
    LAYERS,
    PREFIXES,
    ModelGraphError,
    build_order,
    discover_models,
    referenced_models,
)
from tasks.model.transform import EXTERNAL_TABLES


def write_models(root: Path, files: dict[str, str]) -> Path:
    for relative, sql in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sql, encoding="utf-8")
    return root


def test_every_model_file_is_built_after_what_it_reads() -> None:
    order = build_order(discover_models(SQL_DIR), EXTERNAL_TABLES)
    names = [m.name for m in order]
    model_files = {
        p.stem
        for layer in LAYERS
        for p in (SQL_DIR / layer).glob("*.sql")
        if p.stem.startswith(PREFIXES[layer])
    }
    assert set(names) == model_files
    for position, model in enumerate(order):
        assert all(names.index(ref) < position for ref in model.depends_on if ref in names)
    layers = [LAYERS.index(m.layer) for m in order]
    assert layers == sorted(layers)  # staging, then intermediate, marts, reports
    assert {m.materialization for m in order if m.layer == "staging"} == {"view"}
    assert {m.materialization for m in order if m.layer != "staging"} == {"table"}


def test_the_order_is_the_same_whatever_the_files_list_order(tmp_path: Path) -> None:
    root = write_models(
        tmp_path,
        {
            "staging/stg_b.sql": "select 1 as x from raw_b",
            "staging/stg_a.sql": "select 1 as x from raw_a",
            "intermediate/int_z.sql": "select * from stg_a join stg_b using (x)",
            "intermediate/int_y.sql": "select * from int_z",
            "marts/fct_f.sql": "select * from int_y",
            "marts/dim_d.sql": "select * from stg_b",
        },
    )
    order = [m.name for m in build_order(discover_models(root), {})]
    assert order == ["stg_a", "stg_b", "int_z", "int_y", "dim_d", "fct_f"]


def test_references_in_comments_and_literals_do_not_count() -> None:
    sql = """-- reads int_old_name no longer
    /* nor dim_forgotten */
    select 'rpt_literal' as label, 'it''s stg_quoted' as other, * from int_real -- fct_gone
    join dim_zone using (zone_key)"""
    assert referenced_models(sql) == {"int_real", "dim_zone"}


def test_a_cycle_names_its_files(tmp_path: Path) -> None:
    root = write_models(
        tmp_path,
        {
            "intermediate/int_a.sql": "select * from int_b",
            "intermediate/int_b.sql": "select * from int_a",
        },
    )
    with pytest.raises(ModelGraphError, match="cycle") as err:
        build_order(discover_models(root), {})
    assert "intermediate/int_a.sql" in str(err.value)
    assert "intermediate/int_b.sql" in str(err.value)


def test_an_unknown_table_names_the_file_and_the_name(tmp_path: Path) -> None:
    root = write_models(tmp_path, {"marts/fct_f.sql": "select * from int_missing"})
    with pytest.raises(ModelGraphError, match=r"marts/fct_f\.sql reads int_missing, which no file"):
        build_order(discover_models(root), {})


def test_a_report_reading_an_intermediate_table_is_refused(tmp_path: Path) -> None:
    root = write_models(
        tmp_path,
        {
            "intermediate/int_a.sql": "select 1 as x",
            "reports/rpt_r.sql": "select * from int_a",
            "reports/select_export.sql": "select * from rpt_r order by x",
        },
    )
    with pytest.raises(ModelGraphError, match=r"reports/rpt_r\.sql reads int_a \(intermediate\)"):
        build_order(discover_models(root), {})


def test_a_model_in_the_wrong_layer_folder_is_refused(tmp_path: Path) -> None:
    root = write_models(tmp_path, {"marts/int_a.sql": "select 1 as x"})
    with pytest.raises(ModelGraphError, match=r"marts/int_a\.sql: .* belongs in sql/intermediate"):
        discover_models(root)


def test_queries_beside_the_reports_are_not_models() -> None:
    models = discover_models(SQL_DIR)
    assert "rpt_leaderboard" in models
    assert not any(name.startswith("select_") for name in models)

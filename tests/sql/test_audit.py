"""The disclosure audit: what developers' own numbers imply, and where they contradict."""

from __future__ import annotations

import duckdb
import pytest
from trust_fixtures import trust_warehouse

from tasks.load.warehouse import read_sql
from tasks.outputs.export import export_query

COLUMNS = [
    "model",
    "phase",
    "field",
    "finding",
    "disclosed_value",
    "recomputed_value",
    "unit",
    "ratio",
    "severity",
    "detail",
    "source_url",
]


@pytest.fixture(scope="session")
def con():
    c = duckdb.connect(str(trust_warehouse()), read_only=True)
    yield c
    c.close()


def findings(con, model: str, finding: str, field: str | None = None) -> list[dict]:
    cur = con.execute(
        "select * from rpt_disclosure_audit where model = ? and finding = ? "
        "and (? is null or field = ?)",
        [model, finding, field, field],
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def test_shape_and_severities(con) -> None:
    cols = [d[0] for d in con.execute("select * from rpt_disclosure_audit limit 0").description]
    assert cols == COLUMNS
    severities = {
        r[0] for r in con.execute("select distinct severity from rpt_disclosure_audit").fetchall()
    }
    assert severities <= {"info", "warning", "error"}
    kinds = {
        r[0] for r in con.execute("select distinct finding from rpt_disclosure_audit").fetchall()
    }
    assert {
        "implied_intensity",
        "emissions_vs_recomputed",
        "contradiction",
        "low_confidence_fact",
        "unit_flagged_fact",
    } <= kinds


def test_llama_33_table_contradicts_its_prose(con) -> None:
    co2e = findings(con, "Llama 3.3 70B", "contradiction", "co2e_t")
    assert len(co2e) == 1
    assert {co2e[0]["disclosed_value"], co2e[0]["recomputed_value"]} == {12.9, 11390.0}
    assert co2e[0]["severity"] == "error"  # nearly 900-fold: both cannot be true
    hours = findings(con, "Llama 3.3 70B", "contradiction", "gpu_hours")
    assert {hours[0]["disclosed_value"], hours[0]["recomputed_value"]} == {7.0e6, 39.3e6}
    assert hours[0]["severity"] in ("warning", "error")
    # and the table's 12.9 t over 4,900 MWh is no grid's intensity
    implied = findings(con, "Llama 3.3 70B", "implied_intensity")[0]
    assert implied["disclosed_value"] == pytest.approx(12.9 / 4900)
    assert implied["severity"] != "info"
    assert findings(con, "Llama 3.3 70B", "emissions_vs_recomputed")[0]["severity"] == "error"


def test_llama_31_405b_implied_intensity(con) -> None:
    row = findings(con, "Llama 3.1 405B", "implied_intensity")[0]
    # 8,930 t / (30.84M H100-hours x 700 W = 21,588 MWh)
    assert row["disclosed_value"] == pytest.approx(8930 / 21_588)
    assert row["unit"] == "kg/kWh"
    assert row["severity"] == "info"  # in line with the US grid it compares against
    assert "21588 MWh" in row["detail"]
    emis = findings(con, "Llama 3.1 405B", "emissions_vs_recomputed")[0]
    assert emis["disclosed_value"] == 8930
    assert emis["recomputed_value"] == pytest.approx(21_588 * row["recomputed_value"])


def test_low_confidence_and_flagged_facts_are_listed(con) -> None:
    low = con.execute(
        "select count(*) from stg_disclosures__facts where confidence = 'low'"
    ).fetchall()[0][0]
    listed = con.execute(
        "select count(*) from rpt_disclosure_audit "
        "where finding in ('low_confidence_fact', 'unit_flagged_fact') "
        "and detail like '%low confidence%'"
    ).fetchall()[0][0]
    assert listed == low
    flagged = con.execute(
        "select severity, count(*) from rpt_disclosure_audit "
        "where finding = 'unit_flagged_fact' group by 1"
    ).fetchall()
    assert flagged and {s for s, _ in flagged} == {"warning"}


def test_impossible_values_are_errors(con) -> None:
    rows = con.execute(
        "select severity, disclosed_value, recomputed_value, unit from rpt_disclosure_audit "
        "where finding = 'impossible_value'"
    ).fetchall()
    for severity, disclosed, recomputed, unit in rows:
        assert severity == "error"
        if unit == "W":
            assert disclosed > 2 * recomputed or disclosed < 0.1 * recomputed
        else:
            assert disclosed > 1.5 or disclosed < 0.001


def test_export_sql_orders_errors_first(con, tmp_path) -> None:
    result = export_query(con, read_sql("reports/select_audit_export.sql"), tmp_path / "a.csv")
    text = (tmp_path / "a.csv").read_text(encoding="utf-8").splitlines()
    assert text[0].split(",") == COLUMNS
    assert result.rows == len(text) - 1 > 0
    order = [
        r[0]
        for r in con.execute(
            f"select severity from ({read_sql('reports/select_audit_export.sql')})"
        ).fetchall()
    ]
    rank = {"error": 0, "warning": 1, "info": 2}
    assert [rank[s] for s in order] == sorted(rank[s] for s in order)


def test_lists_in_a_finding_are_in_a_fixed_order(con) -> None:
    # string_agg without `order by` listed facts and URLs in whatever order DuckDB's threads
    # finished, so the audit export differed from build to build.
    rows = con.execute(
        "select detail, source_url from rpt_disclosure_audit "
        "where detail like 'facts resolve differently: %'"
    ).fetchall()
    assert rows
    for detail, urls in rows:
        facts = detail.removeprefix("facts resolve differently: ").split(" vs ")
        assert facts == sorted(facts), detail
        listed = (urls or "").split(" ; ")
        assert listed == sorted(listed), urls

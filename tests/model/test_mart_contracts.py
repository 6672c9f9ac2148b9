"""Each mart's YAML twin (grain, unique key, not-null columns), and the check the build runs."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tasks.load.warehouse import SQL_DIR
from tasks.model.contracts import (
    MartContract,
    MartContractError,
    check_contracts,
    contract_failures,
    read_contract,
)


def contract(mart: str, key: tuple[str, ...], not_null: tuple[str, ...] = ()) -> MartContract:
    return MartContract(mart, Path(f"sql/marts/{mart}.yml"), "one row per thing", key, not_null)


def test_every_mart_declares_its_grain_beside_it() -> None:
    marts = sorted((SQL_DIR / "marts").glob("*.sql"))
    assert marts
    for path in marts:
        declared = read_contract(path)
        assert declared.description.startswith("one row per ")
        assert path.read_text(encoding="utf-8").startswith("-- grain: one row per ")


def test_a_repeated_key_names_the_mart_and_the_key() -> None:
    con = duckdb.connect()
    con.execute("create table fct_t as select * from (values ('a', 1), ('a', 1), ('b', 2)) v(m, n)")
    assert contract_failures(con, contract("fct_t", ("m",))) == [
        "mart fct_t: unique key (m) repeats: ('a',) is in 2 rows"
    ]
    assert contract_failures(con, contract("fct_t", ("m", "n"))) == [
        "mart fct_t: unique key (m, n) repeats: ('a', 1) is in 2 rows"
    ]


def test_nulls_and_unknown_columns_are_named() -> None:
    con = duckdb.connect()
    con.execute("create table dim_t as select * from (values ('a', null), ('b', 2)) v(k, n)")
    assert contract_failures(con, contract("dim_t", ("k",), ("k", "n"))) == [
        "mart dim_t: not-null column n is null in 1 rows"
    ]
    with pytest.raises(MartContractError, match=r"mart dim_t: dim_t\.yml names columns .*'nope'"):
        check_contracts(con, [contract("dim_t", ("nope",))])
    check_contracts(con, [contract("dim_t", ("k",), ("k",))])  # holds: no error


def test_a_missing_or_vague_twin_is_refused(tmp_path: Path) -> None:
    marts = tmp_path / "sql" / "marts"
    marts.mkdir(parents=True)
    sql = marts / "dim_x.sql"
    sql.write_text("select 1 as k", encoding="utf-8")
    with pytest.raises(MartContractError, match=r"marts/dim_x\.yml is missing"):
        read_contract(sql)
    (marts / "dim_x.yml").write_text(
        "description: the x table\nunique_key: [k]\nnot_null: [k]\n", encoding="utf-8"
    )
    with pytest.raises(MartContractError, match="one row per"):
        read_contract(sql)
    (marts / "dim_x.yml").write_text("description: one row per x\nunique_key: k\n")
    with pytest.raises(MartContractError, match="must have exactly"):
        read_contract(sql)
    (marts / "dim_x.yml").write_text("description: one row per x\nunique_key: k\nnot_null: [k]\n")
    with pytest.raises(MartContractError, match="unique_key is a list of column names"):
        read_contract(sql)

"""The grain and key tests of each mart, declared in a YAML twin beside it and checked by the build.

sql/marts/<mart>.yml (dbt jaffle-shop's habit) says in `description` what one row is ("one row
per ..."), which columns are its `unique_key` and which are `not_null`. The build checks every
mart against its twin inside the build's transaction, so a mart that breaks its grain fails the
build (naming the mart and the key) and readers keep the previous build.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from tasks.load.warehouse import WarehouseError
from tasks.model.graph import shown_path

_FIELDS = {"description", "unique_key", "not_null"}


class MartContractError(WarehouseError):
    """A mart's YAML twin is missing or malformed, or the built mart breaks it."""


@dataclass(frozen=True)
class MartContract:
    mart: str
    path: Path
    description: str
    unique_key: tuple[str, ...]
    not_null: tuple[str, ...]


def read_contract(sql_path: Path) -> MartContract:
    """The YAML twin of sql/marts/<mart>.sql, checked for its three fields."""
    path = sql_path.with_suffix(".yml")
    shown = shown_path(path)
    if not path.is_file():
        raise MartContractError(
            f"{shown} is missing: every mart declares its grain and unique key beside it"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise MartContractError(f"{shown} is not valid YAML: {err}") from None
    if not isinstance(data, dict) or set(data) != _FIELDS:
        raise MartContractError(f"{shown} must have exactly: {', '.join(sorted(_FIELDS))}")
    description, key, not_null = data["description"], data["unique_key"], data["not_null"]
    if not isinstance(description, str) or not description.lower().startswith("one row per "):
        raise MartContractError(f"{shown}: description states the grain ('one row per ...')")
    for field, columns in (("unique_key", key), ("not_null", not_null)):
        if (
            not isinstance(columns, list)
            or not columns
            or not all(isinstance(c, str) for c in columns)
        ):
            raise MartContractError(f"{shown}: {field} is a list of column names")
    return MartContract(sql_path.stem, path, description, tuple(key), tuple(not_null))


def contract_failures(con: duckdb.DuckDBPyConnection, contract: MartContract) -> list[str]:
    """What the built mart breaks of its contract: unknown columns, a repeated key, nulls."""
    columns = {
        row[0]
        for row in con.execute(
            "select column_name from duckdb_columns() where table_name = ?", [contract.mart]
        ).fetchall()
    }
    unknown = sorted(set(contract.unique_key + contract.not_null) - columns)
    if unknown:
        return [f"mart {contract.mart}: {contract.path.name} names columns it lacks: {unknown}"]
    key = ", ".join(f'"{c}"' for c in contract.unique_key)
    repeated = con.execute(
        f"select {key}, count(*) from {contract.mart} group by all having count(*) > 1 limit 1"
    ).fetchall()
    failures = []
    if repeated:
        *values, count = repeated[0]
        failures.append(
            f"mart {contract.mart}: unique key ({', '.join(contract.unique_key)}) repeats: "
            f"{tuple(values)} is in {count} rows"
        )
    for column in contract.not_null:
        nulls = con.execute(f'select count(*) from {contract.mart} where "{column}" is null')
        count = nulls.fetchall()[0][0]
        if count:
            failures.append(
                f"mart {contract.mart}: not-null column {column} is null in {count} rows"
            )
    return failures


def check_contracts(con: duckdb.DuckDBPyConnection, contracts: list[MartContract]) -> None:
    """Raise one error naming every mart (and key or column) that breaks its contract."""
    failures = [f for contract in contracts for f in contract_failures(con, contract)]
    if failures:
        raise MartContractError("; ".join(failures))

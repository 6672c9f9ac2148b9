"""Transforms: raw tables -> staging views -> intermediate, marts and reports tables.

One polars step resolves the names written in disclosures (GPUs, places) through the alias
tables, and one numpy step calibrates the inference estimator on the measured configurations
(tasks/model/inference.py); everything else is SQL in sql/, run in the order its references
give (tasks/model/graph.py) inside one transaction, with every mart checked against its YAML
twin (tasks/model/contracts.py)
before the commit, so a reader sees either the previous build or the whole new one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import polars as pl

from tasks.core.gpu_names import GpuResolver
from tasks.core.locations import LocationResolver
from tasks.load.archive import sha256_bytes
from tasks.load.warehouse import SQL_DIR, read_sql, rollback, table_fingerprint
from tasks.model.contracts import MartContract, check_contracts, read_contract
from tasks.model.graph import SqlModel, build_order, discover_models
from tasks.model.inference import build_calibration

NAMES_TABLE = "int_names_resolved"  # built here in polars; SQL models read it as intermediate
# Built here with numpy (tasks/model/inference.py); SQL models read them as intermediate.
CONFIGURATIONS_TABLE = "int_inference_configurations"
CALIBRATED_TABLE = "int_inference_calibrated"
EXTERNAL_TABLES = {
    NAMES_TABLE: "intermediate",
    CONFIGURATIONS_TABLE: "intermediate",
    CALIBRATED_TABLE: "intermediate",
}

NAMES_SCHEMA = {
    "kind": pl.String,
    "input": pl.String,
    "resolved": pl.String,
    "method": pl.String,
    "count": pl.Int64,
    "note": pl.String,
}


@dataclass(frozen=True)
class BuildResult:
    status: str  # built | unchanged
    models: int
    unresolved_gpus: int
    unresolved_locations: int
    inputs_hash: str


def _sql_hash() -> str:
    files = sorted([*SQL_DIR.rglob("*.sql"), *SQL_DIR.rglob("*.yml")])
    return sha256_bytes(b"".join(f.read_bytes() for f in files))


def plan_build() -> tuple[list[SqlModel], list[MartContract]]:
    """The models of sql/ in build order, and the contract of each mart: a bad file fails here,
    before anything is written."""
    models = build_order(discover_models(SQL_DIR), EXTERNAL_TABLES)
    return models, [read_contract(m.path) for m in models if m.layer == "marts"]


def _create_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    con.register("external_frame", frame.to_arrow())
    con.execute(f"create or replace table {table} as select * from external_frame")
    con.unregister("external_frame")


def _run_models(
    con: duckdb.DuckDBPyConnection, models: list[SqlModel], names: pl.DataFrame
) -> None:
    con.execute(read_sql("macros/footprint_macros.sql"))
    _create_table(con, NAMES_TABLE, names)
    # The calibration reads the macros (model_key), so it runs after them.
    configurations, calibrated = build_calibration(con)
    _create_table(con, CONFIGURATIONS_TABLE, configurations)
    _create_table(con, CALIBRATED_TABLE, calibrated)
    for model in models:
        sql = model.path.read_text(encoding="utf-8")
        con.execute(f"create or replace {model.materialization} {model.name} as {sql}")


def resolve_names(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every GPU and location name written in a disclosure, resolved through the alias tables."""
    gpu_aliases = con.execute("select alias, gpu_id from raw_gpu_aliases").fetchall()
    gpu_ids = [r[0] for r in con.execute("select gpu_id from raw_gpu_specs").fetchall()]
    loc_aliases = con.execute("select alias, zone_key from raw_location_aliases").fetchall()
    zone_countries = dict(
        con.execute(
            "select zone_key, country_iso2 from raw_zones where country_iso2 is not null"
        ).fetchall()
    )
    # organization_country values and the curated training sites are places too (issue 14).
    texts = con.execute(
        "select distinct case field when 'gpu' then 'gpu' else 'location' end, value "
        "from raw_model_disclosures "
        "where field in ('gpu', 'location', 'organization_country') "
        "union select 'location', location from raw_training_sites "
        "union select 'location', country from raw_organization_countries order by 1, 2"
    ).fetchall()
    gpus = GpuResolver(gpu_aliases, gpu_ids, strict=False)
    places = LocationResolver(loc_aliases, zone_countries)
    rows = []
    for field, value in texts:
        res = gpus.resolve(value) if field == "gpu" else places.resolve(value)
        rows.append(
            {
                "kind": field,
                "input": value,
                "resolved": res.resolved,
                "method": res.method,
                "count": res.count,
                "note": res.note,
            }
        )
    return pl.DataFrame(rows, schema=NAMES_SCHEMA)


def build_models(
    con: duckdb.DuckDBPyConnection, *, run_id: str | None = None, force: bool = False
) -> BuildResult:
    """(Re)build every derived table, or nothing when neither inputs nor SQL changed."""
    inputs_hash = sha256_bytes(f"{table_fingerprint(con)}|{_sql_hash()}".encode())
    last = con.execute(
        "select inputs_hash from meta_build_log where status = 'built' "
        "order by built_at desc, build_id desc limit 1"
    ).fetchall()
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'rpt_leaderboard'"
    ).fetchall()[0][0]
    if not force and exists and last and last[0][0] == inputs_hash:
        models = con.execute("select count(*) from rpt_leaderboard").fetchall()[0][0]
        return BuildResult("unchanged", models, 0, 0, inputs_hash)

    plan, contracts = plan_build()
    names = resolve_names(con)
    con.execute("begin transaction")
    try:
        _run_models(con, plan, names)
        check_contracts(con, contracts)
        models = con.execute("select count(*) from rpt_leaderboard").fetchall()[0][0]
        con.execute(
            "insert into meta_build_log values (?, ?, ?, ?, ?, 'built')",
            [uuid.uuid4().hex, run_id, datetime.now(UTC).replace(tzinfo=None), inputs_hash, models],
        )
        con.execute("commit")
    except BaseException:
        rollback(con)  # never hides the cause (a full disk) behind 'cannot rollback'
        raise
    unresolved = names.filter(pl.col("resolved").is_null())
    return BuildResult(
        "built",
        models,
        unresolved.filter(pl.col("kind") == "gpu").height,
        unresolved.filter(pl.col("kind") == "location").height,
        inputs_hash,
    )

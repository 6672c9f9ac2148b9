"""The scan strategy of `tasks.load.land`: a Parquet file into a raw table, with DuckDB doing the
row work (this module: typing, the checks as SQL, the merge; `tasks.load.scan_checks` runs them).

The in-memory strategy holds a batch in memory three times (polars, pandas for Great
Expectations, Arrow for the merge); at 10M hourly rows that is gigabytes and minutes. Here the
same contract (`tasks.load.contracts.CONTRACTS`) is enforced with the data left in DuckDB:

1. **Archive** the file content-addressed (`tasks.load.archive.archive_file`: streamed hash and
   copy, never read whole into Python), with its manifest row; a file identical to the last one
   landed for its scope is skipped.
2. **Type** it in SQL to the raw table's shape (`read_parquet`, cast per column as the DDL says;
   text is parsed like `tasks.load.validate.coerce_types` does, a value that does not parse is a
   quarantine reason). The typed relation is streamed from the file by every statement rather
   than materialised: a 10M-row temp table costs ~1.3 GB of memory for nothing.
3. **Row-level checks as SQL**, generated from the contract (not-null, ranges, value sets,
   regexes, the disclosures' per-field ranges) with identifiers taken only from the raw table's
   DDL and every bound or set passed as a parameter. Duplicate keys: the later row wins; found
   by sorting the 64-bit hashes of every key in NumPy (DuckDB's `group by` of 10M distinct keys
   costs five times as much) and resolved exactly in SQL among the rows whose hash repeats.
   One scan keeps every failing row, every duplicate candidate and GX's sample, with their
   flags, in a small temp table. Every failing row lands in `meta_quarantine` with every
   reason; the counts are exact. Only failing rows come back to Python, where the reason texts
   are written by the same functions `validate_batch` uses, so both paths quarantine the same
   rows with the same words.
4. **Great Expectations keeps the contract** on a bounded sample: the row suite runs on every
   failing row (up to `SAMPLE_BAD`) plus a seeded sample of about `SAMPLE_ROWS` rows (a row is
   in it when a hash of its row number and the seed falls under SAMPLE_ROWS / rows), and
   must flag exactly the sampled rows the SQL flagged (a disagreement means the SQL translation
   of the contract is wrong, and the batch is refused); the table suite (exact column set, at
   least one row, unique key) runs on the sample's good rows. The unexpected counts recorded in
   `meta_validation_results` are the SQL's, over the whole batch. A batch no larger than the
   sample is validated by GX whole, like `validate_batch` does. Why a sample and not batches:
   GX on pandas costs ~1 s per 100k rows, so batching 10M rows through it is minutes however it
   is cut; the SQL checks are exact and cost one scan.
5. **Land** in one transaction: rows MERGEd by natural key with a row hash computed in DuckDB,
   rows of the scope the file no longer has deleted, quarantine, validation results and the
   load log. Into a table holding no rows at all the merge is a plain insert (same result, no
   join). Over the threshold of bad rows, or on a failed table expectation, nothing merges and
   the rejection is recorded, as in `land_batch`. Before the transaction a load package is
   written (`raw/_packages/<load_id>.parquet`, as `land_batch` does, but naming the archived
   file and holding only the row numbers that did not land), and after COMMIT its journal
   line; `footprints rebuild` replays it with `replay_package`.

The row hash is DuckDB's 64-bit `hash` of the business columns, stored as a UBIGINT
(`row_hash_sql`, used by both paths): md5 of the row's JSON cost ~9 s per 10M rows on two cores,
`hash` ~0.3 s. A change detector needs no cryptographic hash. A row landed before the hash was a
number counts as updated once, on its first re-landing.
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa

from tasks.load.contracts import CONTRACTS
from tasks.load.validate import ValidationFailed, _row_suite, business_columns
from tasks.load.warehouse import RAW_TABLE_KEYS, WarehouseError, read_sql

_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
_INTEGER_TEXT = r"^[+-]?\d+$"
_OFFSET_TEXT = r"([+-]\d\d:?\d\d|Z)$"


def _q(column: str, table: str) -> str:
    """An identifier allowed into SQL: a column of the raw table's DDL, and plain."""
    if not _IDENT.match(column) or column not in business_columns(table):
        raise WarehouseError(f"refusing identifier {column!r} for {table}")
    return column


@dataclass(frozen=True)
class Check:
    """One row-level check: a boolean SQL predicate (true = the row fails) and its GX twin."""

    name: str  # flag column in the checked table
    column: str
    expectation: str  # the GX expectation type it mirrors
    predicate: str


@dataclass(frozen=True)
class ScanPlan:
    """The SQL for one table and one file's column types."""

    table: str
    typed_select: str  # the file's rows typed to the table's shape, plus _row_number
    type_checks: list[str]  # columns whose text may fail to parse
    checks: list[Check]
    params: dict[str, Any]


def _typed_expr(column: str, duck_type: str, source_type: str) -> tuple[str, bool]:
    """SQL typing `src.<column>` to the DDL type, and whether a value can fail to parse."""
    src = f"src.{column}"
    if source_type == duck_type:
        return src, False
    text = f"nullif(trim(cast({src} as varchar)), '')"
    if duck_type == "VARCHAR":
        return f"cast({src} as varchar)", False
    if duck_type == "TIMESTAMP":
        if source_type.startswith("TIMESTAMP WITH TIME ZONE"):
            return f"timezone('UTC', {src})", False
        if source_type.startswith("TIMESTAMP"):
            return f"cast({src} as timestamp)", False
        # Text, like validate._to_utc_naive: with an offset or Z converted to UTC, else UTC.
        return (
            f"case when regexp_matches({text}, '{_OFFSET_TEXT}') "
            f"then timezone('UTC', try_cast({text} as timestamptz)) "
            f"else try_cast({text} as timestamp) end",
            True,
        )
    if duck_type == "BOOLEAN":
        low = f"lower({text})"
        return (
            f"case when {low} in ('true', '1', 'yes') then true "
            f"when {low} in ('false', '0', 'no') then false end",
            source_type != "BOOLEAN",
        )
    if duck_type == "DATE":
        return f"cast(try_strptime({text}, '%Y-%m-%d') as date)", True
    if duck_type in ("INTEGER", "BIGINT") and source_type == "VARCHAR":
        # polars reads '1.5' as no integer; DuckDB would round it: refuse it the same way.
        return (
            f"case when regexp_matches({text}, '{_INTEGER_TEXT}') "
            f"then try_cast({text} as {duck_type}) end",
            True,
        )
    return f"try_cast({src} as {duck_type})", True


def plan_for(table: str, source_types: dict[str, str]) -> ScanPlan:
    """Typing and checks for `table` from a file whose columns have `source_types`."""
    contract = CONTRACTS[table]
    types = business_columns(table)
    missing = [c for c in types if c not in source_types]
    if missing:
        raise ValidationFailed(f"{table}: batch lacks column(s) {', '.join(missing)}")
    selects, type_checks = [], []
    for col, duck_type in types.items():
        expr, can_fail = _typed_expr(_q(col, table), duck_type, source_types[col])
        selects.append(f"{expr} as {col}")
        if can_fail:
            type_checks.append(col)
            selects.append(f"nullif(trim(cast(src.{col} as varchar)), '') as _text_{col}")
    for meta in ("_source_url", "_source_sha256"):
        selects.append(f"src.{meta} as {meta}" if meta in source_types else f"${meta} as {meta}")
    typed = (
        "select src.file_row_number + 1 as _row_number, "
        + ", ".join(selects)
        + " from read_parquet($path, file_row_number = true) as src"
    )
    checks: list[Check] = []
    params: dict[str, Any] = {}
    for i, gx_exp in enumerate(_row_suite(contract, list(types))):
        col = _q(gx_exp.column, table)
        ref = f"typed.{col}"
        kind = type(gx_exp).__name__
        name = f"_chk{i}"
        if kind == "ExpectColumnValuesToNotBeNull":
            pred = f"{ref} is null"
        elif kind == "ExpectColumnValuesToBeBetween":
            parts = []
            if gx_exp.min_value is not None:
                params[f"{name}_lo"] = gx_exp.min_value
                parts.append(f"{ref} < ${name}_lo")
            if gx_exp.max_value is not None:
                params[f"{name}_hi"] = gx_exp.max_value
                parts.append(f"{ref} > ${name}_hi")
            pred = f"{ref} is not null and ({' or '.join(parts) or 'false'})"
        elif kind == "ExpectColumnValuesToBeInSet":
            params[name] = list(gx_exp.value_set)
            pred = f"{ref} is not null and not list_contains(${name}, {ref})"
        elif kind == "ExpectColumnValuesToMatchRegex":
            params[name] = gx_exp.regex
            pred = f"{ref} is not null and not regexp_matches({ref}, ${name})"
        else:  # a new kind of expectation must be translated before this path may use it
            raise WarehouseError(f"{table}: no SQL translation of {kind}")
        checks.append(Check(name, col, gx_exp.expectation_type, pred))
    return ScanPlan(table, typed, type_checks, checks, params)


# Seconds per phase of the last land_parquet in this process (the bench prints them).
LAST_PHASES: dict[str, float] = {}


@contextmanager
def phase(name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        LAST_PHASES[name] = LAST_PHASES.get(name, 0.0) + time.perf_counter() - start


def run_sql(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any], label: str | None = None
) -> Any:
    """Execute with the named parameters the statement uses (DuckDB refuses extra ones)."""
    used = set(re.findall(r"\$([a-z_][a-z0-9_]*)", sql))
    with phase(label or _label(sql)):
        return con.execute(sql, {k: v for k, v in params.items() if k in used})


def _label(sql: str) -> str:
    return " ".join(sql.split()[:5])[:48]


def query_frame(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict[str, Any] | None = None,
    label: str | None = None,
) -> pl.DataFrame:
    """A query's rows as a polars frame (through Arrow, without the DB-API copy)."""
    used = set(re.findall(r"\$([a-z_][a-z0-9_]*)", sql))
    with phase(label or _label(sql)):
        return con.sql(sql, params={k: v for k, v in (params or {}).items() if k in used}).pl()


def source_types(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    rows = con.execute("describe select * from read_parquet($path)", {"path": str(path)})
    return {name: dtype for name, dtype, *_ in rows.fetchall()}


@contextmanager
def load_settings(con: duckdb.DuckDBPyConnection, values: dict[str, str]) -> Iterator[None]:
    """DuckDB settings for the duration of one load, restored after (the connection is the
    process's only writer, so nothing else sees them)."""
    before = {
        name: con.execute("select current_setting(?)", [name]).fetchall()[0][0] for name in values
    }
    for name, value in values.items():
        con.execute(f"set {_q_setting(name)} = ?", [value])
    try:
        yield
    finally:
        for name, value in before.items():
            con.execute(f"set {_q_setting(name)} = ?", [value])


def _q_setting(name: str) -> str:
    if name not in LOAD_SETTINGS:
        raise WarehouseError(f"refusing setting {name!r}")
    return name


# A raw table's physical row order means nothing (every read orders or aggregates), and keeping
# it costs DuckDB a third of the insert time at 10M rows. The memory limit bounds what DuckDB
# holds for a load (it spills to its temp directory above it), but a key index and the
# transaction's new rows do not spill: into a table with a key (the disclosures, which the user
# cards land into: ~500 MB for 966,674 facts) a load keeps the 1.5 GB it needs.
LOAD_SETTINGS = {"preserve_insertion_order": "false", "memory_limit": "1500MB"}
# Into a table without a key (raw_grid_intensity_hourly) the insert streams from the file and the
# anti join's build side is the few bad rows: 500 MB costs no CPU there (6.7-6.9 CPU-s for the
# 10M-row landing at 500 MB and at 1.5 GB, measured) and keeps the process's peak at ~690 MB
# instead of ~830 (issue 20's goal: 800).
STREAMING_MEMORY_LIMIT = "500MB"


def load_settings_for(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """LOAD_SETTINGS for a load into `table`: the lower memory limit when it has no key index
    (a warehouse created before the hourly table lost its key keeps it: DuckDB cannot drop it)."""
    keyed = con.execute(read_sql("load/table_has_index.sql"), [table]).fetchall()[0][0]
    return LOAD_SETTINGS if keyed else {**LOAD_SETTINGS, "memory_limit": STREAMING_MEMORY_LIMIT}


# --- landing -------------------------------------------------------------------------------------


def row_hash_sql(table: str, alias: str = "") -> str:
    """The row hash of `table`'s business columns as SQL: DuckDB's 64-bit `hash` of the row as a
    struct, each column cast to its DDL type first, so the scan and the in-memory path hash the
    same row alike. Stored as a UBIGINT: the 16-hex-digit text of it cost ~3 CPU-s more per 10M
    rows (the base-36 text of 62 bits, ~1.1 CPU-s more); a change detector needs no more."""
    fields = ", ".join(
        f"{_q(col, table)} := cast({alias}{col} as {duck_type})"
        for col, duck_type in business_columns(table).items()
    )
    return f"hash(struct_pack({fields}))"


def merge_file(
    con: duckdb.DuckDBPyConnection,
    plan: ScanPlan,
    params: dict[str, Any],
    batch_scope: str,
    load_id: str,
    started: datetime,
    excluded: str,
) -> tuple[int, int, int]:
    """The file's rows but the `excluded` row numbers into the raw table: insert when it holds
    nothing, else MERGE."""
    table = plan.table
    business = list(business_columns(table))
    cols = ", ".join(business)
    row_hash = row_hash_sql(table)
    good = (
        f"with typed as ({plan.typed_select}) "
        f"select {cols}, _source_url, _source_sha256, {row_hash} as _row_hash, "
        f"$scope as _batch_scope, $load_id as _load_id, $loaded_at::timestamp as _loaded_at "
        f"from typed anti join ({excluded}) using (_row_number)"
    )
    merge_params = {
        **params,
        **plan.params,
        "scope": batch_scope,
        "load_id": load_id,
        "loaded_at": started,
    }
    empty = con.execute(read_sql("load/raw_table_is_empty.sql", table=table)).fetchall()[0][0]
    if empty:
        n = run_sql(con, f"insert into {table} by name {good}", merge_params, "insert").fetchall()
        return int(n[0][0]), 0, 0
    con.execute(read_sql("load/create_stage.sql", table=table))
    run_sql(con, f"insert into stage by name {good}", merge_params, "stage")
    with warnings.catch_warnings():  # the Arrow copy of one small column is what we want
        warnings.simplefilter("ignore", UserWarning)
        actions: pa.Table = con.execute(
            read_sql("load/merge_into_raw.sql", table=table, key_join=key_join(table)),
            [batch_scope],
        ).to_arrow_table()
    con.execute("drop table if exists stage")
    counts = {"INSERT": 0, "UPDATE": 0, "DELETE": 0}
    if actions.num_rows:
        for item in actions.column(0).value_counts().to_pylist():
            counts[str(item["values"])] = int(item["counts"])
    return counts["INSERT"], counts["UPDATE"], counts["DELETE"]


def key_join(table: str) -> str:
    """The MERGE's join of a staged batch to its raw table, on the natural key."""
    return " and ".join(f"t.{c} = s.{c}" for c in RAW_TABLE_KEYS[table])

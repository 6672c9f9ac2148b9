"""The large-batch loading path: a Parquet file into a raw table, with DuckDB doing the row work.

`tasks.load.ingest.ingest_payload` holds a batch in memory three times (polars, pandas for Great
Expectations, Arrow for the merge); at 10M hourly rows that is gigabytes and minutes. Here the
same contract (`tasks.load.validate.CONTRACTS`) is enforced with the data left in DuckDB:

1. **Archive** the file content-addressed (streamed hash and copy, never read whole into Python),
   with its manifest row; a file identical to the last one landed for its scope is skipped.
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

The row hash is DuckDB's 64-bit `hash` of the business columns (hex), not `land_batch`'s
`md5(to_json(row))`: md5 of JSON costs ~9 s per 10M rows on two cores, `hash` ~0.3 s. A change
detector needs no cryptographic hash; the price is that a row landed by one path and re-landed
unchanged by the other counts as updated once.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa

from tasks.core.facts import FIELDS
from tasks.core.settings import Settings
from tasks.load.validate import (
    CONTRACTS,
    FACT_RANGES,
    QUARANTINE_SCHEMA,
    ValidationFailed,
    _fact_range_reasons,
    _row_key,
    _row_suite,
    _run_suite,
    business_columns,
    finish_with_table_suite,
)
from tasks.load.warehouse import (
    MANIFEST_FILE,
    PACKAGES_DIR,
    RAW_TABLE_KEYS,
    LoadPackage,
    LoadResult,
    WarehouseError,
    _rollback,
    append_line,
    insert_manifest_row,
    journal_load,
    new_load_id,
    read_sql,
    record_load,
    to_json_row,
    unchanged_since_last_load,
    write_load_package,
)

# GX sees at most this many rows of a batch (plus its failing rows): enough to catch a contract
# that the SQL translates wrongly, small enough to stay well under a second.
SAMPLE_ROWS = 10_000
SAMPLE_BAD = 1_000
SAMPLE_SEED = 42
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
class BulkPlan:
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


def plan_for(table: str, source_types: dict[str, str]) -> BulkPlan:
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
    return BulkPlan(table, typed, type_checks, checks, params)


# Seconds per phase of the last land_parquet in this process (the bench prints them).
LAST_PHASES: dict[str, float] = {}


@contextmanager
def _phase(name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        LAST_PHASES[name] = LAST_PHASES.get(name, 0.0) + time.perf_counter() - start


def _run(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any], label: str | None = None
) -> Any:
    """Execute with the named parameters the statement uses (DuckDB refuses extra ones)."""
    used = set(re.findall(r"\$([a-z_][a-z0-9_]*)", sql))
    with _phase(label or _label(sql)):
        return con.execute(sql, {k: v for k, v in params.items() if k in used})


def _label(sql: str) -> str:
    return " ".join(sql.split()[:5])[:48]


def _frame(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict[str, Any] | None = None,
    label: str | None = None,
) -> pl.DataFrame:
    """A query's rows as a polars frame (through Arrow, without the DB-API copy)."""
    used = set(re.findall(r"\$([a-z_][a-z0-9_]*)", sql))
    with _phase(label or _label(sql)):
        return con.sql(sql, params={k: v for k, v in (params or {}).items() if k in used}).pl()


# --- the file ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchivedFile:
    source: str
    url: str
    sha256: str
    raw_path: Path
    size: int
    fetched_at: datetime  # as in its manifest line, which `footprints rebuild` replays


def archive_file(source: str, url: str, path: Path, *, settings: Settings) -> ArchivedFile:
    """Like `warehouse.archive_payload`, for a file too big to hold in memory: streamed hash,
    content-addressed copy (temp file + rename), manifest line."""
    if not re.fullmatch(r"[a-z0-9_]+", source):
        raise WarehouseError(f"bad source id {source!r}")
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(8 * 1024 * 1024), b""):
            digest.update(block)
    sha = digest.hexdigest()
    target = settings.raw_path / source / sha
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{sha}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out, path.open("rb") as src:
                shutil.copyfileobj(src, out, 8 * 1024 * 1024)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    archived = ArchivedFile(source, url, sha, target, path.stat().st_size, _now())
    append_line(settings.raw_path / MANIFEST_FILE, to_json_row(_manifest_row(archived)))
    return archived


def _manifest_row(f: ArchivedFile) -> dict[str, object]:
    return {
        "sha256": f.sha256,
        "source": f.source,
        "url": f.url,
        "etag": None,
        "last_modified": None,
        "http_status": None,
        "content_type": "application/vnd.apache.parquet",
        "bytes": f.size,
        "fetched_at": f.fetched_at.isoformat(),
        "raw_path": str(f.raw_path),
    }


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# --- validation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkValidation:
    rows_in: int
    bad: int
    quarantine: pl.DataFrame  # QUARANTINE_SCHEMA
    results: pl.DataFrame  # RESULTS_SCHEMA
    rejected_reason: str | None


def _source_types(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    rows = con.execute("describe select * from read_parquet($path)", {"path": str(path)})
    return {name: dtype for name, dtype, *_ in rows.fetchall()}


def _fact_rules(con: duckdb.DuckDBPyConnection) -> None:
    """The disclosures' per-field units and ranges as a temp table the SQL can join."""
    rules = pl.DataFrame(
        [
            {
                "field": fld,
                "unit": unit,
                "is_date": unit == "date",
                "lo": FACT_RANGES.get(fld, (None, None))[0],
                "hi": FACT_RANGES.get(fld, (None, None))[1],
                "ranged": fld in FACT_RANGES,
            }
            for fld, (_phases, unit) in FIELDS.items()
        ],
        schema={
            "field": pl.String,
            "unit": pl.String,
            "is_date": pl.Boolean,
            "lo": pl.Float64,
            "hi": pl.Float64,
            "ranged": pl.Boolean,
        },
    )
    con.register("bulk_fact_rules_in", rules.to_arrow())
    try:
        con.execute(
            "create or replace temp table bulk_fact_rules as select * from bulk_fact_rules_in"
        )
    finally:
        con.unregister("bulk_fact_rules_in")


# A disclosure's value against its field (tasks.load.validate._fact_range_reasons, as SQL).
_FACT_CHECK = """
    (r.field is not null and typed.value is not null and (
        (typed.unit is not null and typed.unit <> r.unit)
        or (r.is_date and try_strptime(typed.value, '%Y-%m-%d') is null)
        or (not r.is_date and r.ranged and (
            try_cast(typed.value as double) is null
            or not try_cast(typed.value as double) between r.lo and r.hi))))
"""


def _duplicate_key_hashes(
    con: duckdb.DuckDBPyConnection, plan: BulkPlan, key: list[str], params: dict[str, Any]
) -> np.ndarray:
    """The 64-bit hashes of the keys that occur more than once in the file: the candidates the
    SQL then resolves exactly (a hash collision is a candidate that turns out unique). One scan
    into a NumPy array and a sort: at 10M rows ~0.7 CPU-s, where DuckDB's `group by` of 10M
    distinct keys costs ~3.5 (its hash table of 10M groups does not fit any cache)."""
    hashes = _frame(
        con,
        f"with typed as ({plan.typed_select}) select hash({', '.join(key)}) as h from typed",
        params,
        "key hashes (scan)",
    )["h"].to_numpy()
    with _phase("duplicate keys (sort)"):
        ordered = np.sort(hashes)
        repeated = ordered[1:][ordered[1:] == ordered[:-1]]
        return np.unique(repeated)


def check_batch(
    con: duckdb.DuckDBPyConnection, plan: BulkPlan, params: dict[str, Any], *, threshold: float
) -> BulkValidation:
    """Run the SQL checks over the whole file and GX on a sample; returns the quarantine rows
    (reasons written like `validate_batch`'s), the validation results and any rejection.

    Two scans of the file: the key hashes (duplicate candidates), then one pass that keeps, in
    `bulk_checked`, every row that fails a check, every row whose key hash repeats, and GX's
    seeded sample, each with its flags. Everything after works on that small table."""
    table, contract = plan.table, CONTRACTS[plan.table]
    key = list(RAW_TABLE_KEYS[table])
    business = list(business_columns(table))
    all_params = {**params, **plan.params}
    counted = con.execute("select count(*) from read_parquet($path)", {"path": params["path"]})
    rows_in = int(counted.fetchall()[0][0])
    type_flags = [
        f"(typed._text_{c} is not null and typed.{c} is null) as _type_{c}"
        for c in plan.type_checks
    ]
    check_flags = [f"coalesce({c.predicate}, false) as {c.name}" for c in plan.checks]
    fact = table == "raw_model_disclosures"
    if fact:
        _fact_rules(con)
    row_flag_names = [
        *(f"_type_{c}" for c in plan.type_checks),
        *(["_fact"] if fact else []),
        *(c.name for c in plan.checks),
    ]
    flags = [
        *type_flags,
        *([f"coalesce({_FACT_CHECK}, false) as _fact"] if fact else []),
        *check_flags,
    ]
    dup_hashes = _duplicate_key_hashes(con, plan, key, all_params)
    key_hash = f"hash({', '.join(f'typed.{k}' for k in key)})"
    if dup_hashes.size:
        con.register("bulk_dup_hashes_in", pa.table({"h": pa.array(dup_hashes, pa.uint64())}))
        try:
            con.execute(
                "create or replace temp table bulk_dup_hashes as select h from bulk_dup_hashes_in"
            )
        finally:
            con.unregister("bulk_dup_hashes_in")
        candidate = f"{key_hash} in (select h from bulk_dup_hashes)"
    else:
        candidate = "false"
    # GX's sample: rows whose seeded hash of the row number falls under SAMPLE_ROWS / rows_in,
    # about SAMPLE_ROWS rows spread over the file, drawn in the same scan (a reservoir sample
    # would cost a scan of its own); a batch no larger than SAMPLE_ROWS is sampled whole.
    sampled = f"hash(typed._row_number, {SAMPLE_SEED}) % {max(rows_in, 1)} < {SAMPLE_ROWS}"
    fact_join = "left join bulk_fact_rules as r on r.field = typed.field" if fact else ""
    _run(
        con,
        f"create or replace temp table bulk_scan as "
        f"with typed as ({plan.typed_select}), flagged as ("
        f"  select typed.*, {', '.join([*flags, f'{candidate} as _candidate'])}, "
        f"  {sampled} as _sampled from typed {fact_join}) "
        f"select * from flagged where {' or '.join([*row_flag_names, '_candidate', '_sampled'])}",
        all_params,
        "checks (scan)",
    )
    # Duplicate keys, exactly: rows sharing a key share its hash, so they are all candidates
    # and all in bulk_scan; the later row wins (`partition by` groups NULL keys together, as
    # `validate_batch` does).
    _run(
        con,
        "create or replace temp table bulk_checked as "
        "select *, _dup or " + " or ".join([*row_flag_names, "false"]) + " as _bad from ("
        "  select *, _candidate and _row_number <> "
        f"  max(_row_number) over (partition by {', '.join(key)}) as _dup from bulk_scan)",
        {},
        "duplicate keys (exact)",
    )
    con.execute("drop table if exists bulk_scan")
    counts = con.execute(
        "select count(*), "
        + ", ".join(f"count_if({c.name})" for c in plan.checks)
        + " from bulk_checked where _bad"
    ).fetchall()[0]
    bad_count = int(counts[0])
    unexpected = {c.name: int(n or 0) for c, n in zip(plan.checks, counts[1:], strict=True)}

    with _phase("quarantine rows"):
        quarantine = _quarantine_rows(con, plan, table, key, business, fact)
    # GX on a sample: every failing row (bounded) and the seeded sample drawn above.
    sample = _frame(
        con,
        f"select * from bulk_checked where _sampled or _row_number in ("
        f"  select _row_number from bulk_checked where _bad order by _row_number "
        f"  limit {SAMPLE_BAD}) order by _row_number",
    )
    records: list[tuple[str, str | None, bool, int]] = []
    with _phase("gx row suite on sample"):
        checked_in_gx = _gx_row_suite(table, plan, sample, business, con)
    for check in checked_in_gx:
        n = unexpected[check.name]
        records.append((check.expectation, check.column, n == 0, n))

    rejected: str | None = None
    if rows_in and bad_count / rows_in > threshold:
        first = quarantine.row(0, named=True)
        rejected = (
            f"{table}: {bad_count} of {rows_in} rows failed validation "
            f"(over the {threshold:.0%} threshold); first: row {first['row_number']}: "
            f"{first['reason'].split('; ')[0]}"
        )
    good_sample = sample.filter(~pl.col("_bad")).select(business)
    if good_sample.height == 0 and bad_count < rows_in:
        good_sample = _frame(
            con,
            f"with typed as ({plan.typed_select}) select {', '.join(business)} from typed "
            f"anti join (select _row_number from bulk_checked where _bad) using (_row_number) "
            f"limit 1",
            all_params,
        )
    with _phase("gx table suite on sample"):
        results, rejected = finish_with_table_suite(
            table, contract, business, good_sample, records, rejected
        )
    return BulkValidation(rows_in, bad_count, quarantine, results, rejected)


def _gx_row_suite(
    table: str, plan: BulkPlan, sample: pl.DataFrame, business: list[str], con: Any
) -> list[Check]:
    """The contract's row suite on the sample; its verdict per row must equal the SQL's.
    Returns the checks in the order GX reports them."""
    contract = CONTRACTS[table]
    result = _run_suite(table, _row_suite(contract, business), sample.select(business))
    rows = sample["_row_number"].to_list()
    flags = (
        con.execute(
            "select _row_number, "
            + ", ".join(c.name for c in plan.checks)
            + " from bulk_checked where _row_number in (select unnest($rows))",
            {"rows": rows},
        ).fetchall()
        if plan.checks
        else []
    )
    by_gx = {(c.expectation, c.column): (i, c) for i, c in enumerate(plan.checks)}
    ordered: list[Check] = []
    for res in result.results:
        cfg = res.expectation_config
        i, check = by_gx[(cfg.type, cfg.kwargs.get("column"))]
        gx_rows = {rows[int(j)] for j in res.result.get("unexpected_index_list") or []}
        sql_rows = {r[0] for r in flags if r[i + 1]}
        if gx_rows != sql_rows:
            raise ValidationFailed(
                f"{table}: the SQL check {check.expectation} on {check.column} disagrees with "
                f"Great Expectations on {len(gx_rows ^ sql_rows)} sampled row(s)"
            )
        ordered.append(check)
    return ordered


def _quarantine_rows(
    con: duckdb.DuckDBPyConnection,
    plan: BulkPlan,
    table: str,
    key: list[str],
    business: list[str],
    fact: bool,
) -> pl.DataFrame:
    """The failing rows with their reasons, worded as `validate_batch` words them."""
    bad = _frame(con, "select * from bulk_checked where _bad order by _row_number")
    if bad.height == 0:
        return pl.DataFrame(schema=QUARANTINE_SCHEMA)
    fact_reasons = _fact_range_reasons(bad.select(business)) if fact else {}
    rows = bad.select(business).to_dicts()
    out = []
    for i, flags in enumerate(bad.iter_rows(named=True)):
        reasons: list[str] = []
        for col in plan.type_checks:
            if flags[f"_type_{col}"]:
                duck_type = business_columns(table)[col]
                reasons.append(
                    f"{col}: {flags[f'_text_{col}']!r} is not a valid {duck_type.lower()}"
                )
        if flags["_dup"]:
            reasons.append(
                f"duplicate key ({_row_key(rows[i], tuple(key))}): a later row in the same "
                "batch wins"
            )
        reasons.extend(fact_reasons.get(i, []))
        for check in plan.checks:
            if flags[check.name]:
                desc = check.expectation.removeprefix("expect_column_values_to_").replace("_", " ")
                detail = ""
                if f"{check.name}_lo" in plan.params or f"{check.name}_hi" in plan.params:
                    detail = (
                        f" [{plan.params.get(f'{check.name}_lo')}, "
                        f"{plan.params.get(f'{check.name}_hi')}]"
                    )
                reasons.append(
                    f"{check.column}={rows[i][check.column]!r}: expected to {desc}{detail}"
                )
        out.append(
            {
                "row_number": flags["_row_number"],
                "row_key": _row_key(rows[i], tuple(key)),
                "reason": "; ".join(reasons) or "failed a value check",
                "row_json": to_json_row(rows[i]),
            }
        )
    return pl.DataFrame(out, schema=QUARANTINE_SCHEMA)


@contextmanager
def _settings(con: duckdb.DuckDBPyConnection, values: dict[str, str]) -> Iterator[None]:
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
# it costs DuckDB a third of the insert time at 10M rows. The memory limit keeps a 10M-row load
# under the bench's 2 GB peak (DuckDB spills to its temp directory above it).
LOAD_SETTINGS = {"preserve_insertion_order": "false", "memory_limit": "1500MB"}


# --- landing -------------------------------------------------------------------------------------

# printf, not format('{:016x}'): the same text at less than half the cost.
_ROW_HASH = "printf('%016x', hash(struct_pack({cols})))"


def land_parquet(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    *,
    source: str,
    url: str,
    batch_scope: str,
    settings: Settings,
    run_id: str | None = None,
    force: bool = False,
    extra_quarantine: pl.DataFrame | None = None,
) -> LoadResult:
    """Land one Parquet file into one raw table (see the module docstring). Raises
    ValidationFailed when the batch is rejected, after recording why. `extra_quarantine`
    (QUARANTINE_SCHEMA) is recorded with the load: problems found before the file was written,
    such as card files that could not be parsed."""
    if table not in RAW_TABLE_KEYS:
        raise WarehouseError(f"unknown raw table {table!r}")
    LAST_PHASES.clear()
    with _phase("archive"):
        archived = archive_file(source, url, Path(path), settings=settings)
    insert_manifest_row(con, _manifest_row(archived))
    if not force and unchanged_since_last_load(con, table, batch_scope, archived.sha256, settings):
        return LoadResult(table, batch_scope, "", "unchanged", message="payload unchanged")
    with _settings(con, LOAD_SETTINGS):
        return _land(con, archived, table, url, batch_scope, settings, run_id, extra_quarantine)


def _land(
    con: duckdb.DuckDBPyConnection,
    archived: ArchivedFile,
    table: str,
    url: str,
    batch_scope: str,
    settings: Settings,
    run_id: str | None,
    extra_quarantine: pl.DataFrame | None,
) -> LoadResult:
    started = _now()
    load_id = new_load_id()
    plan = plan_for(table, _source_types(con, archived.raw_path))
    params: dict[str, Any] = {
        "path": str(archived.raw_path),
        "_source_url": url,
        "_source_sha256": archived.sha256,
    }
    try:
        checked = check_batch(con, plan, params, threshold=settings.quarantine_threshold)
        file_rows_out = checked.quarantine.height
        excluded = checked.quarantine.select(pl.col("row_number").alias("_row_number"))
        if extra_quarantine is not None and extra_quarantine.height:
            checked = replace(checked, quarantine=pl.concat([extra_quarantine, checked.quarantine]))
        packages = settings.raw_path / PACKAGES_DIR
        header = _package_header(
            archived, table, batch_scope, load_id, run_id, started, checked, settings
        )
        write_load_package(
            packages / f"{load_id}.parquet", header, excluded, checked.quarantine, checked.results
        )
        inserted = updated = deleted = 0
        con.execute("begin transaction")
        try:
            if checked.rejected_reason is None:
                inserted, updated, deleted = _merge(
                    con, plan, params, batch_scope, load_id, started, _CHECKED_BAD
                )
            _record(
                con,
                table,
                archived,
                batch_scope,
                load_id,
                run_id,
                started,
                checked,
                inserted,
                updated,
                deleted,
            )
            with _phase("commit"):
                con.execute("commit")
        except BaseException:
            _rollback(con)
            raise
        status = "rejected" if checked.rejected_reason else "success"
        good_rows = 0 if checked.rejected_reason else checked.rows_in - file_rows_out
        journal_load(
            packages,
            load_id,
            table=table,
            batch_scope=batch_scope,
            payload_sha256=archived.sha256,
            source_url=url,
            status=status,
            rows=good_rows,
            rows_in=checked.rows_in,
            quarantined=checked.quarantine.height,
        )
    finally:
        for name in ("bulk_dup_hashes", "bulk_scan", "bulk_checked", "bulk_fact_rules"):
            con.execute(f"drop table if exists {name}")
    if checked.rejected_reason:
        raise ValidationFailed(f"{url}: {checked.rejected_reason}")
    failed = checked.results.filter(~pl.col("success")).height if checked.results.height else 0
    return LoadResult(
        table,
        batch_scope,
        load_id,
        "success",
        checked.rows_in,
        inserted,
        updated,
        deleted,
        checked.quarantine.height,
        checked.results.height,
        failed,
        "",
    )


# The file's rows that do not land: the failing rows of check_batch, or a replayed package's.
_CHECKED_BAD = "select _row_number from bulk_checked where _bad"
_REPLAY_EXCLUDED = "select _row_number from bulk_excluded"


def _package_header(
    archived: ArchivedFile,
    table: str,
    batch_scope: str,
    load_id: str,
    run_id: str | None,
    started: datetime,
    checked: BulkValidation,
    settings: Settings,
) -> dict[str, object]:
    """The load package of a bulk load: what land_batch's holds, except the rows. Its body is
    the row numbers of the file that did not land; the rows are the archived file's, which
    `raw_file` (relative to the raw folder) names, so a 10M-row load does not copy them."""
    return {
        "kind": "bulk",
        "load_id": load_id,
        "table": table,
        "batch_scope": batch_scope,
        "payload_sha256": archived.sha256,
        "source_url": archived.url,
        "raw_file": archived.raw_path.relative_to(settings.raw_path).as_posix(),
        "rows_in": checked.rows_in,
        "run_id": run_id,
        "started_at": started.isoformat(),
        "rejected_reason": checked.rejected_reason,
    }


def replay_package(con: duckdb.DuckDBPyConnection, package: LoadPackage, raw_dir: Path) -> None:
    """Land a bulk load again from its package and archived file (`footprints rebuild`): the
    same rows, row hashes, load id, quarantine, validation results and log, without checking
    the file again (the package records what the checks found) and without a new package."""
    h = package.header
    table = str(h["table"])
    if table not in RAW_TABLE_KEYS:
        raise WarehouseError(f"unknown raw table {table!r} in load package {h.get('load_id')}")
    raw = raw_dir / str(h["raw_file"])
    if not raw.is_file():
        raise WarehouseError(
            f"archived file {raw} of load {h['load_id']} ({table}, {h['batch_scope']}) is "
            "missing: the raw area cannot replay it"
        )
    started = datetime.fromisoformat(str(h["started_at"]))
    rejected = h.get("rejected_reason")
    params: dict[str, Any] = {
        "path": str(raw),
        "_source_url": h["source_url"],
        "_source_sha256": h["payload_sha256"],
    }
    excluded = package.good.select(pl.col("_row_number").cast(pl.Int64))
    with _settings(con, LOAD_SETTINGS):
        plan = plan_for(table, _source_types(con, raw))
        con.register("bulk_excluded_in", excluded.to_arrow())
        try:
            con.execute("create or replace temp table bulk_excluded as from bulk_excluded_in")
        finally:
            con.unregister("bulk_excluded_in")
        try:
            changed = (0, 0, 0)
            con.execute("begin transaction")
            try:
                if rejected is None:
                    changed = _merge(
                        con,
                        plan,
                        params,
                        str(h["batch_scope"]),
                        str(h["load_id"]),
                        started,
                        _REPLAY_EXCLUDED,
                    )
                record_load(
                    con,
                    table,
                    load_id=str(h["load_id"]),
                    run_id=h.get("run_id"),  # type: ignore[arg-type]
                    batch_scope=str(h["batch_scope"]),
                    source_url=str(h["source_url"]),
                    payload_sha256=str(h["payload_sha256"]),
                    started_at=started,
                    rows_in=int(h["rows_in"]),  # type: ignore[call-overload]
                    changed=changed,
                    quarantine=package.quarantine,
                    validation=package.validation,
                    rejected_reason=rejected,  # type: ignore[arg-type]
                )
                con.execute("commit")
            except BaseException:
                _rollback(con)
                raise
        finally:
            con.execute("drop table if exists bulk_excluded")


def _merge(
    con: duckdb.DuckDBPyConnection,
    plan: BulkPlan,
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
    row_hash = _ROW_HASH.format(cols=", ".join(f"{c} := {c}" for c in business))
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
    empty = con.execute(f"select count(*) = 0 from {table}").fetchall()[0][0]
    if empty:
        n = _run(con, f"insert into {table} by name {good}", merge_params, "insert").fetchall()
        return int(n[0][0]), 0, 0
    con.execute(read_sql("load/create_stage.sql", table=table))
    _run(con, f"insert into stage by name {good}", merge_params, "stage")
    key_join = " and ".join(f"t.{c} = s.{c}" for c in RAW_TABLE_KEYS[table])
    with warnings.catch_warnings():  # the Arrow copy of one small column is what we want
        warnings.simplefilter("ignore", UserWarning)
        actions: pa.Table = con.execute(
            read_sql("load/merge_into_raw.sql", table=table, key_join=key_join), [batch_scope]
        ).to_arrow_table()
    con.execute("drop table if exists stage")
    counts = {"INSERT": 0, "UPDATE": 0, "DELETE": 0}
    if actions.num_rows:
        for item in actions.column(0).value_counts().to_pylist():
            counts[str(item["values"])] = int(item["counts"])
    return counts["INSERT"], counts["UPDATE"], counts["DELETE"]


def _record(
    con: duckdb.DuckDBPyConnection,
    table: str,
    archived: ArchivedFile,
    batch_scope: str,
    load_id: str,
    run_id: str | None,
    started: datetime,
    checked: BulkValidation,
    inserted: int,
    updated: int,
    deleted: int,
) -> None:
    """Quarantine, validation results and the load log (inside the caller's transaction)."""
    record_load(
        con,
        table,
        load_id=load_id,
        run_id=run_id,
        batch_scope=batch_scope,
        source_url=archived.url,
        payload_sha256=archived.sha256,
        started_at=started,
        rows_in=checked.rows_in,
        changed=(inserted, updated, deleted),
        quarantine=checked.quarantine,
        validation=checked.results,
        rejected_reason=checked.rejected_reason,
    )


def land_parquet_file(
    path: str,
    table: str,
    *,
    warehouse: str | None = None,
    source: str = "bulk",
    batch_scope: str | None = None,
    run_id: str | None = None,
) -> LoadResult:
    """Open the warehouse (the one writer), land one Parquet file, close it."""
    from tasks.core.settings import get_settings
    from tasks.load.warehouse import open_warehouse

    settings = get_settings(warehouse=Path(warehouse) if warehouse else None)
    file = Path(path).resolve()
    with open_warehouse(settings=settings) as con:
        return land_parquet(
            con,
            file,
            table,
            source=source,
            url=file.as_uri(),
            batch_scope=batch_scope or f"{source}:{file.name}",
            settings=settings,
            run_id=run_id,
        )

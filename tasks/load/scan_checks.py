"""The checks of the scan strategy, over a whole file in DuckDB: every failing row with every
reason, exact counts, and Great Expectations on a bounded sample (see `tasks.load.scan`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa

from tasks.core.facts import FIELDS
from tasks.load.quarantine import QUARANTINE_SCHEMA, quarantine_frame, row_key
from tasks.load.scan import Check, ScanPlan, phase, query_frame, run_sql
from tasks.load.validate import (
    CONTRACTS,
    FACT_RANGES,
    ValidationFailed,
    _fact_range_reasons,
    _row_suite,
    _run_suite,
    business_columns,
    finish_with_table_suite,
)
from tasks.load.warehouse import RAW_TABLE_KEYS

# GX sees at most this many rows of a batch (plus its failing rows): enough to catch a contract
# that the SQL translates wrongly, small enough to stay well under a second.
SAMPLE_ROWS = 10_000
SAMPLE_BAD = 1_000
SAMPLE_SEED = 42


@dataclass(frozen=True)
class ScanValidation:
    rows_in: int
    bad: int
    quarantine: pl.DataFrame  # QUARANTINE_SCHEMA
    results: pl.DataFrame  # RESULTS_SCHEMA
    rejected_reason: str | None


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
    con: duckdb.DuckDBPyConnection, plan: ScanPlan, key: list[str], params: dict[str, Any]
) -> np.ndarray:
    """The 64-bit hashes of the keys that occur more than once in the file: the candidates the
    SQL then resolves exactly (a hash collision is a candidate that turns out unique). One scan
    into a NumPy array and a sort: at 10M rows ~0.7 CPU-s, where DuckDB's `group by` of 10M
    distinct keys costs ~3.5 (its hash table of 10M groups does not fit any cache)."""
    hashes = query_frame(
        con,
        f"with typed as ({plan.typed_select}) select hash({', '.join(key)}) as h from typed",
        params,
        "key hashes (scan)",
    )["h"]
    with phase("duplicate keys (sort)"):
        # polars sorts on both cores: ~0.5 s at 10M where NumPy's sort took ~1.2 s on one
        ordered = hashes.sort().to_numpy()
        repeated = ordered[1:][ordered[1:] == ordered[:-1]]
        return np.unique(repeated)


def _duplicate_candidates(
    con: duckdb.DuckDBPyConnection, plan: ScanPlan, key: list[str], params: dict[str, Any]
) -> str:
    """A predicate on `typed` true for the rows whose key hash repeats in the file."""
    dup_hashes = _duplicate_key_hashes(con, plan, key, params)
    if not dup_hashes.size:
        return "false"
    con.register("bulk_dup_hashes_in", pa.table({"h": pa.array(dup_hashes, pa.uint64())}))
    try:
        con.execute(
            "create or replace temp table bulk_dup_hashes as select h from bulk_dup_hashes_in"
        )
    finally:
        con.unregister("bulk_dup_hashes_in")
    key_hash = f"hash({', '.join(f'typed.{k}' for k in key)})"
    return f"{key_hash} in (select h from bulk_dup_hashes)"


def _flag_rows(
    con: duckdb.DuckDBPyConnection, plan: ScanPlan, params: dict[str, Any], rows_in: int
) -> bool:
    """Fill `bulk_checked`: every failing row, duplicate candidate and sampled row, with its
    flags and `_bad`. Returns whether the fact checks ran (raw_model_disclosures)."""
    key = list(RAW_TABLE_KEYS[plan.table])
    fact = plan.table == "raw_model_disclosures"
    if fact:
        _fact_rules(con)
    row_flag_names = [
        *(f"_type_{c}" for c in plan.type_checks),
        *(["_fact"] if fact else []),
        *(c.name for c in plan.checks),
    ]
    flags = [
        *(
            f"(typed._text_{c} is not null and typed.{c} is null) as _type_{c}"
            for c in plan.type_checks
        ),
        *([f"coalesce({_FACT_CHECK}, false) as _fact"] if fact else []),
        *(f"coalesce({c.predicate}, false) as {c.name}" for c in plan.checks),
    ]
    candidate = _duplicate_candidates(con, plan, key, params)
    # GX's sample: rows whose seeded hash of the row number falls under SAMPLE_ROWS / rows_in,
    # about SAMPLE_ROWS rows spread over the file, drawn in the same scan (a reservoir sample
    # would cost a scan of its own); a batch no larger than SAMPLE_ROWS is sampled whole.
    sampled = f"hash(typed._row_number, {SAMPLE_SEED}) % {max(rows_in, 1)} < {SAMPLE_ROWS}"
    fact_join = "left join bulk_fact_rules as r on r.field = typed.field" if fact else ""
    run_sql(
        con,
        f"create or replace temp table bulk_scan as "
        f"with typed as ({plan.typed_select}), flagged as ("
        f"  select typed.*, {', '.join([*flags, f'{candidate} as _candidate'])}, "
        f"  {sampled} as _sampled from typed {fact_join}) "
        f"select * from flagged where {' or '.join([*row_flag_names, '_candidate', '_sampled'])}",
        params,
        "checks (scan)",
    )
    # Duplicate keys, exactly: rows sharing a key share its hash, so they are all candidates
    # and all in bulk_scan; the later row wins (`partition by` groups NULL keys together, as
    # `validate_batch` does).
    run_sql(
        con,
        "create or replace temp table bulk_checked as "
        "select *, _dup or " + " or ".join([*row_flag_names, "false"]) + " as _bad from ("
        "  select *, _candidate and _row_number <> "
        f"  max(_row_number) over (partition by {', '.join(key)}) as _dup from bulk_scan)",
        {},
        "duplicate keys (exact)",
    )
    con.execute("drop table if exists bulk_scan")
    return fact


def check_batch(
    con: duckdb.DuckDBPyConnection, plan: ScanPlan, params: dict[str, Any], *, threshold: float
) -> ScanValidation:
    """Run the SQL checks over the whole file and GX on a sample; returns the quarantine rows
    (reasons written like `validate_batch`'s), the validation results and any rejection.

    Two scans of the file: the key hashes (duplicate candidates), then one pass that keeps, in
    `bulk_checked`, every row that fails a check, every row whose key hash repeats, and GX's
    seeded sample, each with its flags. Everything after works on that small table."""
    table = plan.table
    business = list(business_columns(table))
    all_params = {**params, **plan.params}
    counted = con.execute("select count(*) from read_parquet($path)", {"path": params["path"]})
    rows_in = int(counted.fetchall()[0][0])
    fact = _flag_rows(con, plan, all_params, rows_in)
    counts = con.execute(
        "select count(*), "
        + ", ".join(f"count_if({c.name})" for c in plan.checks)
        + " from bulk_checked where _bad"
    ).fetchall()[0]
    bad_count = int(counts[0])
    unexpected = {c.name: int(n or 0) for c, n in zip(plan.checks, counts[1:], strict=True)}
    with phase("quarantine rows"):
        quarantine = _quarantine_rows(con, plan, table, list(RAW_TABLE_KEYS[table]), business, fact)
    rejected: str | None = None
    if rows_in and bad_count / rows_in > threshold:
        first = quarantine.row(0, named=True)
        rejected = (
            f"{table}: {bad_count} of {rows_in} rows failed validation "
            f"(over the {threshold:.0%} threshold); first: row {first['row_number']}: "
            f"{first['reason'].split('; ')[0]}"
        )
    results, rejected = _gx_on_sample(
        con, plan, all_params, unexpected, bad_count < rows_in, rejected
    )
    return ScanValidation(rows_in, bad_count, quarantine, results, rejected)


def _gx_on_sample(
    con: duckdb.DuckDBPyConnection,
    plan: ScanPlan,
    params: dict[str, Any],
    unexpected: dict[str, int],
    some_good: bool,
    rejected: str | None,
) -> tuple[pl.DataFrame, str | None]:
    """GX on a sample: the row suite on every failing row (bounded) and the seeded sample,
    which must agree with the SQL; the table suite on the sample's good rows. Returns the
    validation results (the SQL's counts) and why the batch is rejected, if it is."""
    table = plan.table
    business = list(business_columns(table))
    sample = query_frame(
        con,
        f"select * from bulk_checked where _sampled or _row_number in ("
        f"  select _row_number from bulk_checked where _bad order by _row_number "
        f"  limit {SAMPLE_BAD}) order by _row_number",
    )
    records: list[tuple[str, str | None, bool, int]] = []
    with phase("gx row suite on sample"):
        checked_in_gx = _gx_row_suite(table, plan, sample, business, con)
    for check in checked_in_gx:
        n = unexpected[check.name]
        records.append((check.expectation, check.column, n == 0, n))
    good_sample = sample.filter(~pl.col("_bad")).select(business)
    if good_sample.height == 0 and some_good:
        good_sample = query_frame(
            con,
            f"with typed as ({plan.typed_select}) select {', '.join(business)} from typed "
            f"anti join (select _row_number from bulk_checked where _bad) using (_row_number) "
            f"limit 1",
            params,
        )
    with phase("gx table suite on sample"):
        return finish_with_table_suite(
            table, CONTRACTS[table], business, good_sample, records, rejected
        )


def _gx_row_suite(
    table: str, plan: ScanPlan, sample: pl.DataFrame, business: list[str], con: Any
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


def _check_reasons(plan: ScanPlan, flags: dict[str, Any], row: dict[str, Any]) -> list[str]:
    """The reasons of one failing row's value checks, worded as `validate_batch` words them."""
    reasons = []
    for check in plan.checks:
        if flags[check.name]:
            desc = check.expectation.removeprefix("expect_column_values_to_").replace("_", " ")
            detail = ""
            if f"{check.name}_lo" in plan.params or f"{check.name}_hi" in plan.params:
                detail = (
                    f" [{plan.params.get(f'{check.name}_lo')}, "
                    f"{plan.params.get(f'{check.name}_hi')}]"
                )
            reasons.append(f"{check.column}={row[check.column]!r}: expected to {desc}{detail}")
    return reasons


def _quarantine_rows(
    con: duckdb.DuckDBPyConnection,
    plan: ScanPlan,
    table: str,
    key: list[str],
    business: list[str],
    fact: bool,
) -> pl.DataFrame:
    """The failing rows with their reasons, worded as `validate_batch` words them."""
    bad = query_frame(con, "select * from bulk_checked where _bad order by _row_number")
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
                f"duplicate key ({row_key(rows[i], key)}): a later row in the same batch wins"
            )
        reasons.extend(fact_reasons.get(i, []))
        reasons.extend(_check_reasons(plan, flags, rows[i]))
        out.append((flags["_row_number"], rows[i], reasons))
    return quarantine_frame(out, key)

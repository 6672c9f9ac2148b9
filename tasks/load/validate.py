"""Validation of every batch before it lands: types, keys, units and ranges.

The row-level contract runs as a Great Expectations suite (one per raw table, built in code) on
the batch as a pandas frame; failing rows are quarantined with their reasons, the rest land.
Table-level expectations (keys unique, at least one row) reject the whole batch, and so does a
share of bad rows above the threshold, or a suite that evaluated nothing.

Large tables never go through pandas whole. `tasks.load.scan` (Parquet files, 10M rows and more)
pushes the row-level checks into DuckDB as SQL generated from these same `CONTRACTS`, with exact
counts, and keeps GX for the contract: the row suite on every failing row plus a bounded, seeded
sample (it must flag exactly the sampled rows the SQL flagged), the table suite on the sample's
good rows. Batching through GX was the alternative and was rejected: GX on pandas costs about a
second per 100k rows, so 10M rows are minutes however they are cut (docs/scaling.md).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import duckdb
import polars as pl

from tasks.core.facts import FIELD_VALUES, FIELDS
from tasks.load.contracts import CONTRACTS, FACT_RANGES, TableContract
from tasks.load.quarantine import quarantine_frame, record_frame, row_key
from tasks.load.warehouse import META_COLUMNS, raw_table_types


class ValidationFailed(RuntimeError):
    """The batch breaks the contract as a whole; nothing of it may land."""


@dataclass(frozen=True)
class ValidationOutcome:
    good: pl.DataFrame  # typed rows that pass, with _source_url/_source_sha256
    quarantine: pl.DataFrame  # row_number, row_key, reason, row_json
    results: pl.DataFrame  # expectation, column_name, success, unexpected_count
    rows_in: int
    rejected_reason: str | None

    @property
    def evaluated(self) -> int:
        return self.results.height


RESULTS_SCHEMA = {
    "expectation": pl.String,
    "column_name": pl.String,
    "success": pl.Boolean,
    "unexpected_count": pl.Int64,
}

_DUCK_TO_POLARS: dict[str, Any] = {
    "VARCHAR": pl.String,
    "DOUBLE": pl.Float64,
    "INTEGER": pl.Int32,
    "BIGINT": pl.Int64,
    "BOOLEAN": pl.Boolean,
    "DATE": pl.Date,
    "TIMESTAMP": pl.Datetime("us"),
}


def business_columns(table: str) -> dict[str, str]:
    return {c: t for c, t in raw_table_types(table).items() if c not in META_COLUMNS}


def _to_utc_naive(series: pl.Series) -> pl.Series:
    """Timestamps as naive UTC (the warehouse's convention), from datetimes or ISO 8601 text
    with or without an offset (`2022-01-01T05:00:00Z`, `2022-01-01 05:00+01:00`)."""
    if isinstance(series.dtype, pl.Datetime):
        if series.dtype.time_zone is not None:
            series = series.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        return series.dt.cast_time_unit("us")
    text = series.cast(pl.String, strict=False).str.strip_chars().str.replace(r"Z$", "+00:00")
    has_offset = text.str.contains(r"[+-]\d\d:?\d\d$").fill_null(False)
    out = pl.Series(series.name, [None] * len(text), dtype=pl.Datetime("us"))
    for mask in (has_offset, ~has_offset):
        idx = mask.arg_true()
        if len(idx) == 0:
            continue
        parsed = text.filter(mask).str.to_datetime(strict=False, time_unit="us")
        if isinstance(parsed.dtype, pl.Datetime) and parsed.dtype.time_zone is not None:
            parsed = parsed.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        out = out.scatter(idx, parsed)
    return out


def _cast_column(series: pl.Series, duck_type: str) -> pl.Series:
    target = _DUCK_TO_POLARS[duck_type]
    if duck_type == "TIMESTAMP":
        return _to_utc_naive(series)
    text = series.cast(pl.String, strict=False)
    stripped = text.str.strip_chars()
    blank = stripped.is_null() | (stripped == "")
    if target == pl.String:
        return text
    if target == pl.Boolean:
        low = stripped.str.to_lowercase()
        return (
            pl.select(
                pl.when(low.is_in(["true", "1", "yes"]))
                .then(True)
                .when(low.is_in(["false", "0", "no"]))
                .then(False)
                .otherwise(None)
            )
            .to_series()
            .alias(series.name)
        )
    if target == pl.Date:
        return stripped.str.to_date("%Y-%m-%d", strict=False).alias(series.name)
    cleaned = pl.select(pl.when(blank).then(None).otherwise(stripped)).to_series()
    return cleaned.cast(target, strict=False).alias(series.name)


def coerce_types(table: str, frame: pl.DataFrame) -> tuple[pl.DataFrame, dict[int, list[str]]]:
    """Cast a text-or-typed frame to the raw table's types; returns the typed frame and, per row
    index, the reasons a value could not be read (a non-number in a number column, say)."""
    types = business_columns(table)
    missing = [c for c in types if c not in frame.columns]
    if missing:
        raise ValidationFailed(f"{table}: batch lacks column(s) {', '.join(missing)}")
    reasons: dict[int, list[str]] = {}
    out = []
    for col, duck_type in types.items():
        original = frame[col]
        typed = _cast_column(original, duck_type)
        if duck_type != "VARCHAR":
            text = original.cast(pl.String, strict=False).str.strip_chars()
            bad = (text.is_not_null() & (text != "") & typed.is_null()).to_list()
            for i, flag in enumerate(bad):
                if flag:
                    reasons.setdefault(i, []).append(
                        f"{col}: {text[i]!r} is not a valid {duck_type.lower()}"
                    )
        out.append(typed)
    extra = [c for c in ("_source_url", "_source_sha256") if c in frame.columns]
    return pl.DataFrame(out).hstack([frame[c] for c in extra]), reasons


@cache
def _gx_context() -> Any:
    # deferred: ~3 s to import, paid only when a batch is validated
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # Its INFO line about a temporary docs folder says nothing a user of ours can act on (the
    # module sets its own logger to INFO when imported, so it is lowered here, after the import).
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return ctx


_GX_LOCK = threading.Lock()


def _row_suite(contract: TableContract, columns: list[str]) -> list[Any]:
    import great_expectations as gx  # ~3 s: deferred to the first batch validated

    exps: list[Any] = []
    for col in contract.not_null:
        exps.append(gx.expectations.ExpectColumnValuesToNotBeNull(column=col))
    for col, (lo, hi) in contract.ranges.items():
        exps.append(
            gx.expectations.ExpectColumnValuesToBeBetween(column=col, min_value=lo, max_value=hi)
        )
    for col, values in contract.value_sets.items():
        exps.append(
            gx.expectations.ExpectColumnValuesToBeInSet(column=col, value_set=sorted(values))
        )
    for col, pattern in contract.regexes.items():
        exps.append(gx.expectations.ExpectColumnValuesToMatchRegex(column=col, regex=pattern))
    return [e for e in exps if getattr(e, "column", None) in columns]


def _table_suite(contract: TableContract, columns: list[str]) -> list[Any]:
    import great_expectations as gx  # ~3 s: deferred to the first batch validated

    return [
        gx.expectations.ExpectTableColumnsToMatchSet(column_set=columns, exact_match=True),
        gx.expectations.ExpectTableRowCountToBeBetween(min_value=1),
        gx.expectations.ExpectCompoundColumnsToBeUnique(column_list=list(contract.key))
        if len(contract.key) > 1
        else gx.expectations.ExpectColumnValuesToBeUnique(column=contract.key[0]),
    ]


@cache
def _batch_definition() -> Any:
    """One pandas data source, asset and whole-frame batch definition for every validation of
    the process. Suites are not registered in the context: registering a suite, a source and a
    validation definition per table costs GX ~60 ms each (it re-serialises its whole config as
    YAML on every add), more than validating most batches does."""
    source = _gx_context().data_sources.add_pandas("footprints")
    return source.add_dataframe_asset("batch").add_batch_definition_whole_dataframe("all")


def warm_up() -> None:
    """Import Great Expectations and build its context now (~3 s), e.g. while Prefect's server
    starts, rather than in the first batch's validation."""
    with _GX_LOCK:
        _batch_definition()


def _run_suite(
    name: str, expectations: list[Any], frame: pl.DataFrame, result_format: str = "COMPLETE"
) -> Any:
    """Validate `frame` against `expectations`. COMPLETE lists every failing row's index; BASIC
    (counts only) costs GX about a third less per expectation."""
    import great_expectations as gx  # ~3 s: deferred to the first batch validated

    pdf = frame.to_pandas()
    # The ephemeral context is not thread-safe: one run at a time (GX is pure Python, so
    # threads would not run it faster anyway).
    with _GX_LOCK:
        batch = _batch_definition().get_batch(batch_parameters={"dataframe": pdf})
        return batch.validate(
            gx.ExpectationSuite(name=name, expectations=expectations),
            result_format={"result_format": result_format},
        )


def _fact_range_reasons(frame: pl.DataFrame) -> dict[int, list[str]]:
    """Per-field numeric checks for the long disclosure table (value is text)."""
    reasons: dict[int, list[str]] = {}
    if "field" not in frame.columns:
        return reasons
    triples = zip(
        frame["field"].to_list(), frame["value"].to_list(), frame["unit"].to_list(), strict=True
    )
    for i, (fld, value, stated_unit) in enumerate(triples):
        spec = FIELDS.get(fld or "")
        if spec is None or value is None:
            continue
        unit = spec[1]
        if stated_unit is not None and stated_unit != unit:
            reasons.setdefault(i, []).append(
                f"{fld}: unit {stated_unit!r} is not the field's unit {unit!r}"
            )
        if fld in FIELD_VALUES and value not in FIELD_VALUES[fld]:
            reasons.setdefault(i, []).append(
                f"{fld}: {value!r} is not one of {', '.join(sorted(FIELD_VALUES[fld]))}"
            )
            continue
        if unit in ("date",):
            try:
                date.fromisoformat(value)
            except ValueError:
                reasons.setdefault(i, []).append(f"{fld}: {value!r} is not an ISO date")
            continue
        if fld in FACT_RANGES:
            try:
                number = float(value)
            except ValueError:
                reasons.setdefault(i, []).append(f"{fld}: {value!r} is not a number")
                continue
            lo, hi = FACT_RANGES[fld]
            if not lo <= number <= hi:
                reasons.setdefault(i, []).append(
                    f"{fld}: {number:g} {unit} is outside the plausible range {lo:g}..{hi:g} "
                    "(a unit or scale error?)"
                )
    return reasons


def _duplicate_reasons(
    typed: pl.DataFrame, key: tuple[str, ...], reasons: dict[int, list[str]]
) -> None:
    """Duplicate keys inside one batch: the later row wins (a source listing a value twice is
    read top to bottom, like a log); the earlier one is quarantined, naming the key."""
    keys = typed.select(list(key)).with_row_index("_i")
    last = keys.group_by(list(key), maintain_order=True).agg(pl.col("_i").max())
    winners = set(last["_i"].to_list())
    key_rows = typed.select(list(key)).to_dicts()
    for i in range(typed.height):
        if i not in winners:
            reasons.setdefault(i, []).append(
                f"duplicate key ({row_key(key_rows[i], key)}): a later row in the same batch wins"
            )


def _row_suite_reasons(
    contract: TableContract,
    typed: pl.DataFrame,
    business: list[str],
    reasons: dict[int, list[str]],
) -> list[tuple[str, str | None, bool, int]]:
    """Counts for every expectation of the row suite (returned as records) first; the failing
    rows' indexes only from the expectations that failed (most batches have none), run again
    with every index listed, added to `reasons`."""
    table = contract.table
    frame_in = typed.select(business)
    result = _run_suite(table, _row_suite(contract, business), frame_in, "BASIC")
    records = [
        (
            res.expectation_config.type,
            res.expectation_config.kwargs.get("column"),
            bool(res.success),
            int(res.result.get("unexpected_count") or 0),
        )
        for res in result.results
    ]
    failing = [res.expectation_config.to_domain_obj() for res in result.results if not res.success]
    listed = _run_suite(table, failing, frame_in).results if failing else []
    for res in listed:
        cfg = res.expectation_config
        column = cfg.kwargs.get("column")
        for idx in res.result.get("unexpected_index_list") or []:
            desc = cfg.type.removeprefix("expect_column_values_to_").replace("_", " ")
            detail = ""
            if "min_value" in cfg.kwargs:
                detail = f" [{cfg.kwargs.get('min_value')}, {cfg.kwargs.get('max_value')}]"
            value = typed[column][int(idx)] if column else None
            reasons.setdefault(int(idx), []).append(
                f"{column}={value!r}: expected to {desc}{detail}"
            )
    return records


def _clean_batch_records(
    contract: TableContract, typed: pl.DataFrame, business: list[str]
) -> list[tuple[str, str | None, bool, int]] | None:
    """The row and table suites in one GX run, asking only whether each expectation holds
    (GX's BOOLEAN_ONLY: its cost is per expectation, ~5 ms, whatever the rows). When every one
    holds, each records 0 unexpected rows and the batch lands whole; None when any fails (the
    caller then asks again for counts and the failing rows). For a batch whose polars checks
    found nothing, which is most of them: one GX run instead of two, each computing counts."""
    if typed.height == 0:
        return None  # the table suite fails (no rows): the full path says why
    suite = _row_suite(contract, business) + _table_suite(contract, business)
    result = _run_suite(contract.table, suite, typed.select(business), "BOOLEAN_ONLY")
    if not result.success or not result.results:  # an empty suite: the full path rejects it
        return None
    return [
        (res.expectation_config.type, res.expectation_config.kwargs.get("column"), True, 0)
        for res in result.results
    ]


def validate_batch(table: str, frame: pl.DataFrame, *, threshold: float) -> ValidationOutcome:
    """Type, deduplicate and validate one batch; split it into rows to land and to quarantine."""
    contract = CONTRACTS[table]
    rows_in = frame.height
    typed, reasons = coerce_types(table, frame)
    business = list(business_columns(table))
    _duplicate_reasons(typed, contract.key, reasons)
    if table == "raw_model_disclosures":
        for i, extra in _fact_range_reasons(typed).items():
            reasons.setdefault(i, []).extend(extra)
    clean = _clean_batch_records(contract, typed, business) if not reasons else None
    if clean is not None:  # the usual batch: one GX run said everything holds
        good = typed
        results = pl.DataFrame(clean, schema=RESULTS_SCHEMA, orient="row")
        empty = quarantine_frame(iter(()), contract.key)
        return ValidationOutcome(good, empty, results, rows_in, None)
    records = _row_suite_reasons(contract, typed, business, reasons)

    bad = sorted(reasons)
    rows = typed.select(business).to_dicts() if bad else []
    quarantine = quarantine_frame(((i + 1, rows[i], reasons[i]) for i in bad), contract.key)
    good = typed.with_row_index("_i").filter(~pl.col("_i").is_in(bad)).drop("_i")

    rejected: str | None = None
    if rows_in and len(bad) / rows_in > threshold:
        rejected = (
            f"{table}: {len(bad)} of {rows_in} rows failed validation "
            f"(over the {threshold:.0%} threshold); first: row {bad[0] + 1}: {reasons[bad[0]][0]}"
        )
    results, rejected = finish_with_table_suite(
        table, contract, business, good.select(business), records, rejected
    )
    return ValidationOutcome(good, quarantine, results, rows_in, rejected)


def finish_with_table_suite(
    table: str,
    contract: TableContract,
    business: list[str],
    frame: pl.DataFrame,
    records: list[tuple[str, str | None, bool, int]],
    rejected: str | None,
) -> tuple[pl.DataFrame, str | None]:
    """Run the table-level contract (columns, at least one row, unique key) on `frame`, add its
    results to the row-level `records`, and say why the batch is rejected, if it is: a failed
    table expectation, or a suite that evaluated nothing (RELIABILITY.md case 22)."""
    table_result = _run_suite(f"{table}_table", _table_suite(contract, business), frame, "BASIC")
    for res in table_result.results:
        cfg = res.expectation_config
        records.append(
            (
                cfg.type,
                cfg.kwargs.get("column"),
                bool(res.success),
                int(res.result.get("unexpected_count") or 0),
            )
        )
        if not res.success and rejected is None:
            rejected = f"{table}: table expectation {cfg.type} failed"
    results = pl.DataFrame(records, schema=RESULTS_SCHEMA, orient="row")
    if results.height == 0:
        rejected = rejected or f"{table}: the suite evaluated no expectations"
    return results, rejected


def record_validation(
    con: duckdb.DuckDBPyConnection, validation: pl.DataFrame, *, load_id: str, table: str
) -> None:
    """A load's validation results into meta_validation_results (inside its transaction)."""
    record_frame(
        con,
        "validation_batch",
        validation,
        "load/insert_into_validation_results.sql",
        [load_id, table],
    )

"""Users' own disclosures: a directory of Markdown model cards and YAML disclosure files.

`footprints run --cards DIR` lands every file of DIR as one batch (scope `user:<DIR>`): each file
is archived content-addressed and its facts carry that file's hash; a file that cannot be used is
quarantined with its name and the reason, and the other files still land.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from footprints.settings import Settings
from tasks.card_parsing import parse_card
from tasks.disclosure_yaml import Quarantined, iter_cards_dir
from tasks.facts import FACT_COLUMNS, Fact, facts_to_rows
from tasks.progress import track
from tasks.validate import QUARANTINE_SCHEMA, ValidationFailed, validate_batch
from tasks.warehouse import (
    LoadResult,
    archive_payload,
    land_batch,
    last_loaded_sha,
    new_load_id,
    record_manifest,
    to_json_row,
)

TABLE = "raw_model_disclosures"


@dataclass
class CardsLoad:
    """What landing a cards directory did, for the run summary."""

    result: LoadResult
    files: int
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (file, warning)


def whole_item_quarantine(items: Sequence[tuple[str, str]], key_name: str) -> pl.DataFrame:
    """Quarantine rows for whole files or cards that could not be used, as (key, reason) pairs;
    row_number 0 says the reason is about the whole item, not a row of it."""
    return pl.DataFrame(
        [
            {
                "row_number": 0,
                "row_key": f"{key_name}={key}",
                "reason": reason,
                "row_json": to_json_row({key_name: key}),
            }
            for key, reason in items
        ],
        schema=QUARANTINE_SCHEMA,
    )


def land_fact_rows(
    con: duckdb.DuckDBPyConnection,
    rows: list[dict[str, str]],
    bad_items: Sequence[tuple[str, str]],
    key_name: str,
    *,
    batch_scope: str,
    batch_sha: str,
    batch_url: str,
    empty_reason: str,
    started_at: datetime,
    settings: Settings,
    run_id: str | None,
) -> tuple[LoadResult, list[tuple[str, str]]]:
    """Land fact rows gathered from many files or cards as one batch: the unusable items are
    quarantined whole (`key_name=<key>`), the rows are validated, and everything lands in one
    transaction. Returns the load and the rows quarantined by validation as (key, reason).

    Raises ValidationFailed (after recording why) when nothing was usable or the batch is over the
    quarantine threshold."""
    columns = [*FACT_COLUMNS, "_source_url", "_source_sha256"]
    frame = pl.DataFrame(rows, schema={c: pl.String for c in columns})
    item_quarantine = whole_item_quarantine(bad_items, key_name)
    common = {
        "batch_scope": batch_scope,
        "settings": settings,
        "payload_sha256": batch_sha,
        "source_url": batch_url,
        "run_id": run_id,
        "load_id": new_load_id(),
        "started_at": started_at,
    }
    if frame.height == 0:
        land_batch(
            con,
            TABLE,
            frame,
            rows_in=0,
            quarantine=item_quarantine,
            validation=pl.DataFrame(),
            rejected_reason=empty_reason,
            **common,  # type: ignore[arg-type]
        )
        raise ValidationFailed(f"{empty_reason}; " + "; ".join(f"{k}: {r}" for k, r in bad_items))
    checked = validate_batch(TABLE, frame, threshold=settings.quarantine_threshold)
    result = land_batch(
        con,
        TABLE,
        checked.good,
        rows_in=checked.rows_in,
        quarantine=pl.concat([item_quarantine, checked.quarantine]),
        validation=checked.results,
        rejected_reason=checked.rejected_reason,
        **common,  # type: ignore[arg-type]
    )
    if checked.rejected_reason:
        raise ValidationFailed(f"{batch_url}: {checked.rejected_reason}")
    return result, [(r["row_key"], r["reason"]) for r in checked.quarantine.iter_rows(named=True)]


def _markdown_parser(warnings: list[tuple[str, str]]) -> Callable[[str, str], list[Fact]]:
    def parse(text: str, source_url: str) -> list[Fact]:
        parsed = parse_card(text, source_url, source_kind="user")
        warnings.extend((source_url, w) for w in parsed.warnings)
        return parsed.facts

    return parse


def land_user_cards(
    con: duckdb.DuckDBPyConnection,
    directory: Path,
    *,
    settings: Settings,
    run_id: str | None = None,
) -> CardsLoad:
    """Parse, validate and land every card in `directory` as one atomic batch."""
    directory = directory.resolve()
    if not directory.is_dir():
        raise FileNotFoundError(f"cards: {directory} is not a directory")
    scope = f"user:{directory}"
    started = datetime.now(UTC).replace(tzinfo=None)
    warnings: list[tuple[str, str]] = []
    rows: list[dict[str, str]] = []
    bad: list[Quarantined] = []
    digests: list[str] = []
    files = 0
    cards = iter_cards_dir(directory, _markdown_parser(warnings))
    for path, outcome in track(cards, f"cards: reading {directory.name}"):
        files += 1
        payload = archive_payload(
            "user_cards", path.as_uri(), path.read_bytes()[: 16 * 1024 * 1024], settings=settings
        )
        record_manifest(con, payload)
        digests.append(f"{path.name}:{payload.sha256}")
        if isinstance(outcome, Quarantined):
            bad.append(outcome)
            continue
        for row in facts_to_rows(outcome):
            row["_source_url"] = payload.url
            row["_source_sha256"] = payload.sha256
            rows.append(row)
    batch_sha = hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()
    quarantined = [(str(q.path), f"{q.field + ': ' if q.field else ''}{q.reason}") for q in bad]
    if last_loaded_sha(con, TABLE, scope) == batch_sha:
        return CardsLoad(
            LoadResult(TABLE, scope, "", "unchanged", message="cards unchanged"),
            files,
            quarantined,
            warnings,
        )

    result, rejected_rows = land_fact_rows(
        con,
        rows,
        quarantined,
        "file",
        batch_scope=scope,
        batch_sha=batch_sha,
        batch_url=directory.as_uri(),
        empty_reason=f"cards: no usable disclosure in {directory}",
        started_at=started,
        settings=settings,
        run_id=run_id,
    )
    quarantined.extend(rejected_rows)
    return CardsLoad(result, files, quarantined, warnings)

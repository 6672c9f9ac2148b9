"""Curated reference tables: CSV files under the bundled snapshot, read into typed rows.

Hand-kept data (accelerator specs and aliases, embodied-carbon rules, price tables) lives in CSV
files beside the snapshot they feed, one row per item, each with the citation of its figures;
`read_table` turns one file into a tuple of pydantic rows. A bad file is a `CuratedDataError`
naming the file, the line and the column, never a traceback from deep inside a builder.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

# Fixed, not from settings: these files are inputs of the code that builds the snapshot, read
# from the repository whichever snapshot a run points at.
CURATED_ROOT = Path(__file__).resolve().parents[2] / "warehouse" / "snapshot"


class CuratedDataError(ValueError):
    """A curated table that cannot be read: the message names the file, line and column."""


class CuratedRow(BaseModel):
    """Base of a curated file's row type: its fields are the file's columns, exactly."""

    model_config = ConfigDict(frozen=True, extra="forbid")


Row = TypeVar("Row", bound=CuratedRow)


def read_table(
    relative_path: str, row_type: type[Row], *, root: Path = CURATED_ROOT
) -> tuple[Row, ...]:
    """Rows of `root/relative_path`; an empty cell is an absent value (the field's default, or
    an error when the field is required)."""
    path = root / relative_path
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return parse_table(handle, path, row_type)
    except OSError as err:
        raise CuratedDataError(f"{path}: cannot read: {err.strerror}") from None
    except UnicodeDecodeError as err:
        raise CuratedDataError(f"{path}: not UTF-8 text: {err.reason}") from None


def parse_table(lines: Iterable[str], name: str | Path, row_type: type[Row]) -> tuple[Row, ...]:
    """Rows of CSV text already open (a file, or a loader's bytes decoded), errors naming `name`,
    the line and the column, as read_table's."""
    reader = csv.DictReader(lines)
    _check_header(name, reader.fieldnames or [], row_type)
    return tuple(_row(name, reader.line_num, record, row_type) for record in reader)


def _check_header(path: str | Path, header: Sequence[str], row_type: type[CuratedRow]) -> None:
    missing = [c for c in row_type.model_fields if c not in header]
    unknown = [c for c in header if c not in row_type.model_fields]
    if missing or unknown:
        raise CuratedDataError(
            f"{path}: header: missing column(s) {missing or '-'}, "
            f"unknown column(s) {unknown or '-'}"
        )


def _row(
    path: str | Path, line: int, record: dict[str | None, str | None], row_type: type[Row]
) -> Row:
    if None in record:
        raise CuratedDataError(f"{path}: line {line}: more cells than the header has columns")
    values = {k: v for k, v in record.items() if v not in ("", None)}
    try:
        return row_type.model_validate(values)
    except ValidationError as err:
        first = err.errors()[0]
        column = ".".join(str(part) for part in first["loc"]) or "?"
        raise CuratedDataError(f"{path}: line {line}: column {column!r}: {first['msg']}") from None

"""Where organisations train: the curated `models/training_sites.csv` (issue 14).

One row per (organisation or cloud vendor, site): `organization` set says where that organisation
trains; `organization` empty and `cloud_vendor` set gives the vendor's main AI training regions,
for runs that name only a vendor. `location` is text the LocationResolver turns into a grid zone;
`share` splits an organisation's (or vendor's) training across its sites and sums to 1 per
(organization, cloud_vendor); every row cites its `source` (a URL).

A bad file is a `CuratedDataError` naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import polars as pl
from pydantic import ConfigDict, Field, model_validator

from tasks.core.curated import CuratedDataError, CuratedRow, parse_table

RELATIVE_PATH = "models/training_sites.csv"
COLUMNS = (
    "organization",
    "cloud_vendor",
    "location",
    "share",
    "valid_from",
    "valid_to",
    "source",
    "note",
)


class TrainingSite(CuratedRow):
    """One row of training_sites.csv (cells trimmed of surrounding spaces)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    organization: str = ""
    cloud_vendor: str = ""
    location: str = Field(min_length=1)
    share: float = Field(gt=0, le=1)
    valid_from: date | None = None
    valid_to: date | None = None
    source: str = Field(pattern=r"^https?://\S+$")
    note: str = ""

    @model_validator(mode="after")
    def _names_someone(self) -> TrainingSite:
        if not self.organization and not self.cloud_vendor:
            raise ValueError("organization or cloud_vendor must be set")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


def parse_training_sites(data: bytes, name: str = RELATIVE_PATH) -> list[TrainingSite]:
    """The rows of a training_sites CSV; raises CuratedDataError naming file, line and column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise CuratedDataError(f"{name}: not UTF-8 text: {err.reason}") from None
    header = next(csv.reader(io.StringIO(text, newline="")), [])
    if header != list(COLUMNS):
        raise CuratedDataError(f"{name}: header {header}, expected {list(COLUMNS)}")
    rows = list(parse_table(io.StringIO(text, newline=""), name, TrainingSite))
    _check_shares(rows, name)
    return rows


def _check_shares(rows: list[TrainingSite], name: str) -> None:
    totals: dict[tuple[str, str], float] = {}
    for r in rows:
        key = (r.organization, r.cloud_vendor)
        totals[key] = totals.get(key, 0.0) + r.share
    bad = {k: round(v, 9) for k, v in totals.items() if abs(v - 1.0) > 1e-9}
    if bad:
        raise CuratedDataError(f"{name}: column 'share' does not sum to 1 for {bad}")


def read_training_sites_csv(data: bytes) -> pl.DataFrame:
    """The file as a frame for raw_training_sites (dates as ISO text, empty text as '')."""
    rows = parse_training_sites(data)
    return pl.DataFrame(
        {
            "organization": [r.organization for r in rows],
            "cloud_vendor": [r.cloud_vendor for r in rows],
            "location": [r.location for r in rows],
            "share": [r.share for r in rows],
            "valid_from": [r.valid_from.isoformat() if r.valid_from else None for r in rows],
            "valid_to": [r.valid_to.isoformat() if r.valid_to else None for r in rows],
            "source": [r.source for r in rows],
            "note": [r.note for r in rows],
        },
        schema={c: (pl.Float64 if c == "share" else pl.String) for c in COLUMNS},
    )

"""Who trained a model: the curated organisation table `models/organizations.csv`.

One row per name to map, each with its source:

- `hub_owner`: a Hugging Face namespace -> the organisation's display name (an owner missing from
  the table is shown as the namespace itself: on the Hub that is who published the model);
- `github_owner`: a GitHub owner of a developer's own card repository -> organisation (only owners
  listed here count: a GitHub URL may also be a collection of other people's cards);
- `model_id`: a legacy Hub model id without a namespace (`distilgpt2`, `bloom`) -> organisation;
- `spelling`: another spelling of one organisation -> the name used for it (only spellings of
  the very same entity; Google and DeepMind stay apart).

The same file lands as `raw_model_organizations` for the SQL side (int_models_described).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import field_validator

from tasks.core.curated import CURATED_ROOT, CuratedDataError, CuratedRow, read_table

RELATIVE_PATH = "models/organizations.csv"
KINDS = ("hub_owner", "github_owner", "model_id", "spelling")
# The organisation of a Hub model whose owner no column of its source reveals.
UNKNOWN_HUB_USER = "unknown (Hub user)"


class OrganizationRow(CuratedRow):
    kind: Literal["hub_owner", "github_owner", "model_id", "spelling"]
    key: str
    organization: str
    source: str

    @field_validator("key", "organization", "source")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


@dataclass(frozen=True)
class Organizations:
    """The table as look-ups, keys lower-cased (the Hub matches names case-insensitively)."""

    by_kind: dict[str, dict[str, str]] = field(default_factory=dict)

    def lookup(self, kind: str, key: str) -> str | None:
        return self.by_kind.get(kind, {}).get(key.strip().lower())

    def of_hub_owner(self, owner: str) -> str:
        """Display name of a Hub namespace: the table's, else the namespace as written."""
        return self.lookup("hub_owner", owner) or owner


def load_organizations(root: Path = CURATED_ROOT) -> Organizations:
    """The curated table; a repeated (kind, key) is an error naming the file and both lines."""
    rows = read_table(RELATIVE_PATH, OrganizationRow, root=root)
    by_kind: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
    first_line: dict[tuple[str, str], int] = {}
    for line, row in enumerate(rows, start=2):
        key = (row.kind, row.key.lower())
        if key in first_line:
            raise CuratedDataError(
                f"{root / RELATIVE_PATH}: line {line}: column 'key': {row.kind} {row.key!r} "
                f"already on line {first_line[key]}"
            )
        first_line[key] = line
        by_kind[row.kind][key[1]] = row.organization
    return Organizations(by_kind)


__all__ = [
    "KINDS",
    "UNKNOWN_HUB_USER",
    "OrganizationRow",
    "Organizations",
    "load_organizations",
]

"""What the card-format parsers share while they read one card: draft facts and the context.

Drafts are mutable so the cross-checks can add notes before the frozen `Fact`s are built.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


class CardError(ValueError):
    """A card that cannot be parsed safely (too big, unsafe or malformed front matter)."""


@dataclass(slots=True)
class Draft:
    model: str
    phase: str
    field: str
    value: str
    locator: str
    raw: str
    confidence: str = "high"
    notes: list[str] = dataclasses.field(default_factory=list)
    origin: str = "prose"  # front_matter | table | kv | prose
    partial: bool = False  # a stage of the run (e.g. pre-training only), not the whole run


@dataclass(slots=True)
class Context:
    """One card being read: its lines, the drafts and warnings so far, the models it names."""

    source_url: str
    source_kind: str
    lines: list[str]
    card_model: str
    drafts: list[Draft] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    consumed: set[int] = dataclasses.field(default_factory=set)  # 1-based body lines already read
    aggregate: str = ""
    table_models: list[str] = dataclasses.field(default_factory=list)
    known_models: list[str] = dataclasses.field(default_factory=list)

    def add(self, d: Draft) -> None:
        self.drafts.append(d)

    def warn(self, msg: str) -> None:
        self.warnings.append(msg)

"""Resolve a location written any way (country, code, grid zone, cloud region, free text) to a zone.

The alias table (`warehouse/snapshot/grid/location_aliases.csv`, built by
`scripts/snapshot/build_grid.py`) maps many spellings to one `zone_key`. This module only matches
text against it; it never guesses. When nothing matches, or two matches disagree, the answer is
`unresolved` with a note saying why, so a caller can ask a human instead of using a wrong grid.

Matching order, first hit wins:

1. ``exact``    the whole text is a zone key (``US-CAL-CISO``, ``FR``);
2. ``alias``    the whole text is an alias (``France``, ``CISO``, ``West US 2``);
3. ``part``     one comma/semicolon/bracket-separated part is a key or alias (``Orsay, France``);
4. ``contains`` a distinctive alias appears as whole words inside the text
   (``trained on GCP us-central1``).

All comparisons use `normalise_location`, so case, accents and punctuation do not matter.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LocationResolver", "Resolution", "normalise_location"]


@dataclass(frozen=True)
class Resolution:
    input: str
    resolved: str | None  # zone_key, or None when unresolved
    method: str  # 'exact' | 'alias' | 'part' | 'contains' | 'unresolved'
    count: int | None = None  # unused for locations (kept for a shared shape with GPU resolution)
    note: str = ""


_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Characters that separate independent pieces of a free-text location ("Eemshaven, Netherlands").
_PART_SPLIT = re.compile(r"[,;|/()\[\]\n]+")
# A string shaped like an Electricity Maps sub-zone key: country prefix plus dash-separated parts.
_ZONE_KEY_SHAPE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9_]+)+$")

# Short aliases are only trusted when they are the whole text (or a whole comma part): inside a
# sentence, two- and three-letter codes collide with ordinary words ("in" = India, "and" = Andorra).
_CONTAINS_MIN_LEN = 4
# Short aliases that are nonetheless unambiguous inside a sentence.
_CONTAINS_SHORT_OK = frozenset({"usa", "uk", "uae", "u s a", "u k"})


def normalise_location(text: str) -> str:
    """Lower-case, strip accents, turn every run of punctuation/whitespace into one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", ascii_only.lower()).strip()


def _country_of(zone_key: str, zone_countries: Mapping[str, str]) -> str:
    """The country a zone lies in; zone keys start with their country's ISO2 code."""
    if zone_key in zone_countries:
        return zone_countries[zone_key]
    return zone_key.split("-", 1)[0]


class LocationResolver:
    """Deterministic text -> zone_key lookup over an alias table."""

    def __init__(
        self,
        aliases: Iterable[tuple[str, str]],
        zone_countries: Mapping[str, str] | None = None,
    ) -> None:
        """`aliases` are (alias, zone_key) pairs; `zone_countries` maps zone_key -> ISO2 country.

        Without `zone_countries` a zone's country is the prefix of its key (``US-CAL-CISO`` -> US),
        which holds for current Electricity Maps keys.
        """
        self._zone_countries: dict[str, str] = dict(zone_countries or {})
        self._by_norm: dict[str, set[str]] = {}
        self._zone_keys: dict[str, str] = {}  # normalised zone key -> zone key
        for alias, zone_key in aliases:
            norm = normalise_location(alias)
            if not norm or not zone_key:
                continue
            self._by_norm.setdefault(norm, set()).add(zone_key)
            self._zone_keys[normalise_location(zone_key)] = zone_key
        # Aliases that are distinctive enough to look for inside longer text, longest first so
        # "west us 2" wins over "west us" when both would match.
        self._contains = sorted(
            (
                norm
                for norm, zones in self._by_norm.items()
                if len(zones) == 1
                and (len(norm) >= _CONTAINS_MIN_LEN or norm in _CONTAINS_SHORT_OK)
                and not norm.isdigit()
            ),
            key=lambda n: (-len(n), n),
        )

    @classmethod
    def from_snapshot(cls, snapshot_dir: Path) -> LocationResolver:
        """Load `grid/location_aliases.csv` (and `grid/zones.csv` for zone countries, if present).

        `snapshot_dir` is `warehouse/snapshot`; its `grid/` folder is also accepted.
        """
        grid = snapshot_dir / "grid" if (snapshot_dir / "grid").is_dir() else snapshot_dir
        with (grid / "location_aliases.csv").open(encoding="utf-8", newline="") as fh:
            pairs = [(row["alias"], row["zone_key"]) for row in csv.DictReader(fh)]
        countries: dict[str, str] = {}
        zones_path = grid / "zones.csv"
        if zones_path.is_file():
            with zones_path.open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    if row.get("country_iso2"):
                        countries[row["zone_key"]] = row["country_iso2"]
        return cls(pairs, countries)

    # -- lookups ---------------------------------------------------------------------------

    def _lookup(self, norm: str) -> tuple[str | None, str, str]:
        """(zone, method, note) for one normalised string; zone None when nothing/ambiguous."""
        if norm in self._zone_keys:
            return self._zone_keys[norm], "exact", ""
        zones = self._by_norm.get(norm)
        if not zones:
            return None, "", ""
        if len(zones) > 1:
            return None, "", f"'{norm}' is an alias of several zones: {', '.join(sorted(zones))}"
        return next(iter(zones)), "alias", ""

    def _combine(self, zones: list[str]) -> tuple[str | None, str]:
        """Pick one zone from several matches, or explain why not.

        Matches that agree, or a country plus one sub-zone inside it, resolve (to the most specific
        zone). Two sub-zones of one country fall back to that country, saying so. Different
        countries are a contradiction and stay unresolved.
        """
        unique = sorted(set(zones))
        if len(unique) == 1:
            return unique[0], ""
        countries = {_country_of(z, self._zone_countries) for z in unique}
        if len(countries) > 1:
            return None, f"matches disagree: {', '.join(unique)}"
        country = next(iter(countries))
        subzones = [z for z in unique if z != country]
        if len(subzones) == 1:
            return subzones[0], f"sub-zone {subzones[0]} lies in {country}, also matched"
        if country in self._zone_keys.values():
            return country, f"several sub-zones of {country} matched ({', '.join(subzones)})"
        return None, f"several sub-zones matched ({', '.join(subzones)})"

    def resolve(self, text: str | None) -> Resolution:
        raw = "" if text is None else str(text)
        norm = normalise_location(raw)
        if not norm:
            return Resolution(raw, None, "unresolved", note="empty location")

        zone, method, note = self._lookup(norm)
        if zone is not None:
            return Resolution(raw, zone, method)
        if note:  # whole text is an ambiguous alias: never pick one
            return Resolution(raw, None, "unresolved", note=note)

        # A code shaped like a grid sub-zone that we do not know: do not fall back to a country
        # (or to a comma part of it) silently; the caller decides.
        if _ZONE_KEY_SHAPE.match(raw.strip()) and "-" in raw:
            prefix = raw.strip().split("-", 1)[0].upper()
            known_prefix = prefix in self._zone_keys.values()
            hint = f"; its prefix {prefix} is a known zone" if known_prefix else ""
            looks_like_region = self._contains_matches(norm)
            if not looks_like_region:
                return Resolution(
                    raw, None, "unresolved", note=f"unknown zone or region key '{raw}'{hint}"
                )

        parts = [normalise_location(p) for p in _PART_SPLIT.split(raw)]
        parts = [p for p in parts if p]
        if len(parts) > 1:
            hits: list[str] = []
            notes: list[str] = []
            for part in parts:
                pz, _, pnote = self._lookup(part)
                if pz is not None:
                    hits.append(pz)
                elif pnote:
                    notes.append(pnote)
            if hits:
                chosen, cnote = self._combine(hits)
                if chosen is not None:
                    return Resolution(raw, chosen, "part", note=cnote)
                return Resolution(raw, None, "unresolved", note=cnote)
            if notes:
                return Resolution(raw, None, "unresolved", note="; ".join(notes))

        found = self._contains_matches(norm)
        if found:
            chosen, cnote = self._combine([z for _, z in found])
            words = ", ".join(f"'{a}'" for a, _ in found)
            if chosen is not None:
                return Resolution(raw, chosen, "contains", note=f"matched {words} {cnote}".strip())
            return Resolution(raw, None, "unresolved", note=f"matched {words}: {cnote}")

        return Resolution(raw, None, "unresolved", note="no known country, zone, region or city")

    def _contains_matches(self, norm: str) -> list[tuple[str, str]]:
        """Distinctive aliases found as whole words in `norm`, longest first, non-overlapping."""
        padded = f" {norm} "
        taken = [False] * len(padded)
        found: list[tuple[str, str]] = []
        for alias in self._contains:
            needle = f" {alias} "
            start = padded.find(needle)
            while start != -1:
                span = range(start + 1, start + len(needle) - 1)
                if not any(taken[i] for i in span):
                    for i in span:
                        taken[i] = True
                    found.append((alias, next(iter(self._by_norm[alias]))))
                    break
                start = padded.find(needle, start + 1)
        return found

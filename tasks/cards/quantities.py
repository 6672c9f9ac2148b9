"""Numbers, units and durations as cards write them, normalised to the units of `FIELDS`.

'1.46M' GPU hours, '8,930' tCO2eq, '135 MWh', '1 day and 19 hours': every card format reads its
figures through these helpers, so a figure means the same whatever part of a card it sits in.
"""

from __future__ import annotations

import functools
import math
import re
from decimal import Decimal

_WORD_NUMBERS = {
    "one": 1,
    "a": 1,
    "an": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_SUFFIX = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "G": 1e9}
_NUM_RE = re.compile(r"^\s*(-?\d[\d,_]*(?:\.\d+)?|-?\.\d+)(?:[eE]([+-]?\d{1,3}))?\s*([kKMB])?\s*$")
# Bounded and anchored after a non-digit so a 100k-digit run costs linear, not quadratic, time.
NUM = r"(?<![\d.,])\d[\d,]{0,20}(?:\.\d{1,12})?"


def parse_number(text: str) -> float | None:
    """'1.46M' -> 1460000, '8,930' -> 8930, '24_700_000' -> 24700000, '370k' -> 370000.

    Returns None for anything that is not a single number (ranges, words, empty cells).
    """
    m = _NUM_RE.match(text.replace("\u202f", "").replace("\xa0", ""))
    if not m:
        return None
    digits = m.group(1).replace(",", "").replace("_", "")
    try:
        x = float(digits + (f"e{m.group(2)}" if m.group(2) else ""))  # float() saturates to inf
    except ValueError:
        return None
    if m.group(3):
        x *= _SUFFIX[m.group(3)]
    return x if math.isfinite(x) else None


def fmt(x: float) -> str:
    """A float as the shortest faithful text ('30840000', '24.7', '0.06364')."""
    if x == 0:
        return "0"
    s = f"{x:.12g}"
    if "e" in s and abs(x) < 1e21:
        # Plain decimals are easier to diff and to load as text than '2e-07'.
        s = format(Decimal(s), "f")
        if "." in s:
            s = s.rstrip("0").rstrip(".")
    return s


# Mass units -> tonnes. Ordered longest first so 'metric tons' wins over 't'.
_MASS_UNITS: list[tuple[str, float]] = [
    (r"metric\s+tonnes?", 1.0),
    (r"metric\s+tons?", 1.0),
    (r"tonnes?", 1.0),
    (r"tons?", 1.0),
    (r"mt", 1e6),  # MtCO2 (megatonnes); only matched case-sensitively below
    (r"kgs?", 1e-3),
    (r"kilograms?", 1e-3),
    (r"lbs?", 0.45359237e-3),
    (r"grams?", 1e-6),
    (r"g", 1e-6),
    (r"t", 1.0),
]


_MASS_UNIT_RES = [(re.compile(pat, re.IGNORECASE), f) for pat, f in _MASS_UNITS if pat != "mt"]
_HTML_TAG = re.compile(r"<[^>]+>")
_CO2_SUFFIX = re.compile(r"(?i)\s*(?:of\s+)?(?:eq\.?\s*)?co\s*[2₂]\s*-?\s*(?:eq|e)?\.?\s*$")
_EQ_SUFFIX = re.compile(r"(?i)\s*eq\.?$")


def mass_factor(unit: str) -> float | None:
    """Factor to tonnes for a mass unit as written ('tCO2eq', 'kg', 'metric tons', 'KgCO2')."""
    # The same few units are written in every row of every table: remember short ones.
    if len(unit) <= 64:
        return _mass_factor_cached(unit)
    return _mass_factor(unit)


def _mass_factor(unit: str) -> float | None:
    u = unit.strip()
    u = _HTML_TAG.sub("", u)  # tCO<sub>2</sub>eq
    u = _CO2_SUFFIX.sub("", u).strip()
    u = _EQ_SUFFIX.sub("", u).strip()
    if u == "Mt":
        return 1e6
    for pat, f in _MASS_UNIT_RES:
        if pat.fullmatch(u):
            return f
    return None


_mass_factor_cached = functools.lru_cache(maxsize=1024)(_mass_factor)


_ENERGY_UNITS = {"wh": 1e-6, "kwh": 1e-3, "mwh": 1.0, "gwh": 1e3, "twh": 1e6}


def energy_factor(unit: str) -> float | None:
    """Factor to MWh for 'Wh', 'kWh', 'KWh', 'MWh', 'GWh'."""
    return _ENERGY_UNITS.get(unit.strip().lower())


_TIME_UNITS_DAYS = {
    "min": 1 / 1440,
    "mins": 1 / 1440,
    "minute": 1 / 1440,
    "minutes": 1 / 1440,
    "h": 1 / 24,
    "hr": 1 / 24,
    "hrs": 1 / 24,
    "hour": 1 / 24,
    "hours": 1 / 24,
    "d": 1.0,
    "day": 1.0,
    "days": 1.0,
    "week": 7.0,
    "weeks": 7.0,
    "month": 30.44,
    "months": 30.44,
}
_DURATION_PART = re.compile(
    r"(?:(?<![\d.])(\d{1,9}(?:\.\d{1,6})?)\s*|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|an?)"
    r"\s+)(minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|months?)\b",
    re.IGNORECASE,
)


_RANGE = re.compile(r"\d\s*[-–]\s*\d")


def parse_duration_days(text: str) -> tuple[float, str] | None:
    """'1 day and 19 hours' -> 1.79; '~ 44 hours' -> 1.83; 'two months' -> 60.88 (30.44 d/month).

    Returns (days, the matched text). Ranges ('40-45 days') return None.
    """
    if _RANGE.search(text):
        return None
    total = 0.0
    parts = []
    for m in _DURATION_PART.finditer(text):
        qty = float(m.group(1)) if m.group(1) else float(_WORD_NUMBERS[m.group(2).lower()])
        total += qty * _TIME_UNITS_DAYS[m.group(3).lower()]
        parts.append(m.group(0))
    if not parts:
        return None
    return total, " ".join(parts)


# 'N t CO2e' or 'N kgCO2' written in a sentence (prose, or a key/value line holding a sentence).
CO2_FIGURE = re.compile(
    rf"({NUM}\s*[kKM]?)\s*(metric\s+tons?|tonnes?|tons?|kgs?|t)\s*(?:of\s+)?CO\s*[2₂]\s*-?\s*(?:eq|e)\b"
    rf"|({NUM}\s*[kKM]?)\s*(t|kg)CO\s*[2₂]\s*(?:eq|e)?\b",
    re.IGNORECASE,
)

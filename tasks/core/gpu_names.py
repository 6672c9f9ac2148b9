"""Resolve the many spellings of an accelerator to one `gpu_id` of the bundled snapshot.

Disclosures name the same card in many ways ("H100-80GB", "NVIDIA H100 SXM5 80GB", "H100 SXM")
and often embed a device count ("8 v100 16GB", "384 A100 80GB GPUs", "1 TPU v3-8 VM"). This module
is pure: it reads nothing but the two snapshot CSVs and the curated family defaults
(``gpus/curated/family_defaults.csv``), and never guesses. A name it cannot place comes
back with ``resolved=None`` and ``method='unresolved'``.

Resolution order (first hit wins):

1. ``family_default``: the normalised name is an ambiguous family name ("V100", "A100 80GB",
   "H100"); it maps to the variant in :func:`family_defaults` (a curated file) and the note
   says which and why.
2. ``exact``: the text (count and trailing prose removed) equals an alias or a ``gpu_id``.
3. ``normalised``: :func:`normalise_gpu_name` of the text equals that of exactly one alias.
4. ``unresolved``.

Counts (:func:`split_count`) are *devices*: "8 v100 16GB" -> 8. TPU slice names count TensorCores
on v2, v3, v4 and v5p (two per chip) but chips on v5e and v6e (one per chip), so "TPU v3-256" is
256 cores = 128 chips and "v5litepod-16" is 16 chips. The count returned is always chips, times any
leading count ("1 TPU v3-8 VM" -> 4), so that GPU-hours and chip-hours stay comparable.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import Field

from tasks.core.curated import CuratedDataError, CuratedRow, read_table

FAMILY_DEFAULTS_FILE = "gpus/curated/family_defaults.csv"
VENDOR_WORDS_FILE = "gpus/curated/vendor_words.csv"

Method = Literal["exact", "normalised", "family_default", "unresolved"]

# Words that describe the kind of thing, not the part ("GTX-1080 GPUs", "TPUv3 Chip", "TPU VM").
_FILLER_WORDS = frozenset(
    {
        "gpu",
        "gpus",
        "chip",
        "chips",
        "card",
        "cards",
        "vm",
        "vms",
        "accelerator",
        "accelerators",
        "device",
        "devices",
    }
)
# A memory size written as its own token: "80 GB", "80GB", "80G", "-80GB", "16 GiB". The
# look-behind keeps the "G" of "A10G" (glued to the model number) out of it.
_MEMORY_RE = re.compile(r"(?<![a-z0-9.])(\d+(?:\.\d+)?)\s*-?\s*(?:gib|gb|g)(?![a-z0-9])")
# A leading device count: "8 v100", "8x A100", "8 x A100", "** 8 16GB V100", "384 A100 80GB".
_LEADING_COUNT_RE = re.compile(r"^\W*(\d{1,7})\s*(?:[x×*]\s*)?\s+(?=\S)(.*)$", re.IGNORECASE)
_GLUED_COUNT_RE = re.compile(r"^\W*(\d{1,7})\s*[x×]\s*(?=[a-z])(.*)$", re.IGNORECASE)
# A trailing count needs a space and a lower-case "x" (or brackets): "A100 x 8", "A100 x8",
# "A100 (8)". Upper-case "X" starts model names ("Radeon X800"), so it never counts.
_TRAILING_COUNT_RE = re.compile(r"^(.*?\S)\s+(?:[x×]\s*(\d{1,7})|\((\d{1,7})\))\s*$")
# What may follow a number that is part of a model name rather than a count ("2080 Ti").
_NOT_A_COUNT_RE = re.compile(r"^(?:ti|super|xt|xtx|gb|gib|g|tb|mb|m|w|le)\b", re.IGNORECASE)
# TPU slice suffix: "TPU v3-8", "TPUv3-8", "TTPU v3-256", "TPU v4-16", "v5litepod-16", "v6e-8".
_TPU_SLICE_RE = re.compile(
    r"(?P<gen>v\d+(?:e|p|litepod|lite)?)\s*-\s*(?P<n>\d{1,6})(?![\d.])", re.IGNORECASE
)
# Free text after the name: "P100 for about 1.5 hours", "TPUv3-8 for about 180 hours".
_PROSE_RE = re.compile(r"\s+(?:for|during|over|on|using|with|in)\s+.*$", re.IGNORECASE)
_MISSING = frozenset(
    {
        "",
        "nan",
        "none",
        "null",
        "unk",
        "unknown",
        "not specified",
        "more information needed",
        "n/a",
        "na",
        "-",
        "\\-",
        "tbd",
    }
)


@dataclass(frozen=True)
class Resolution:
    input: str
    resolved: str | None  # gpu_id, or None when unresolved
    method: Method  # 'exact' | 'normalised' | 'family_default' | 'unresolved'
    count: int | None = None  # devices (chips for TPU slices) embedded in the text
    note: str = ""


class FamilyDefault(CuratedRow):
    """A row of gpus/curated/family_defaults.csv: an ambiguous family name and its variant."""

    family: str  # as a card writes it ("A100 80GB"); matched by its normalise_gpu_name() key
    gpu_id: str
    note: str  # which variant and why; becomes the alias row's note
    source: str  # where the counts behind the choice come from


@cache
def family_rows() -> tuple[FamilyDefault, ...]:
    """The rows of gpus/curated/family_defaults.csv, in the file's order."""
    rows = read_table(FAMILY_DEFAULTS_FILE, FamilyDefault)
    keys = [normalise_gpu_name(row.family) for row in rows]
    doubled = sorted({k for k in keys if keys.count(k) > 1})
    if doubled:
        raise CuratedDataError(f"{FAMILY_DEFAULTS_FILE}: families listed twice: {doubled}")
    return rows


def family_defaults() -> Mapping[str, tuple[str, str]]:
    """Ambiguous family names -> (gpu_id, why), keyed by normalise_gpu_name() of the family."""
    return MappingProxyType(
        {normalise_gpu_name(r.family): (r.gpu_id, r.note) for r in family_rows()}
    )


class VendorWord(CuratedRow):
    """A row of gpus/curated/vendor_words.csv: a word that says who made or sells a part."""

    word: Annotated[str, Field(pattern=r"^[a-z]+$")]
    vendor: str | None = None  # the gpu_id prefix of the vendor it names, if it names one
    dropped_from_key: bool  # dropped by normalise_gpu_name, so "NVIDIA Tesla V100" meets "V100"
    note: str


@cache
def _vendor_words() -> tuple[frozenset[str], Mapping[str, str]]:
    """(words dropped from the matching key, word -> vendor). The vendor named in a text is
    checked against a gpu_id's prefix: because vendor words are dropped before matching, "Intel
    A100" (an Intel Atom CPU in Epoch's chip list) would otherwise land on the NVIDIA A100; a
    contradiction between the two means "unresolved", not a guess."""
    rows = read_table(VENDOR_WORDS_FILE, VendorWord)
    dropped = frozenset(r.word for r in rows if r.dropped_from_key)
    return dropped, MappingProxyType({r.word: r.vendor for r in rows if r.vendor})


def _memory_tokens(text: str) -> tuple[str, list[str]]:
    """Remove memory-size tokens from lower-cased text; return the rest and them as 'NNgb'."""
    found: list[str] = []

    def _take(match: re.Match[str]) -> str:
        size = match.group(1)
        if size.endswith(".0"):
            size = size[:-2]
        found.append(f"{size}gb")
        return " "

    return _MEMORY_RE.sub(_take, text), found


def normalise_gpu_name(text: str) -> str:
    """Canonical matching key: lower case, no vendor or filler words, memory size at the end.

    "NVIDIA A100 80GB PCIe" and "A100 PCIe 80 GB" both give "a100pcie80gb"; "GTX-1080 GPUs" gives
    "gtx1080"; "Cloud TPU v3" and "TPUv3 Chip" give "tpuv3". The key has only [a-z0-9].
    """
    # "+" names a different card ("9800 GTX+" is not the "9800 GTX"), so it survives as a word.
    s = text.lower().replace("×", "x").replace("+", " plus ")
    s, memory = _memory_tokens(s)
    # Hyphens, slashes, dots and brackets separate words; keep letters and digits only.
    words = re.split(r"[^a-z0-9]+", s)
    vendor_words, _ = _vendor_words()
    kept = [w for w in words if w and w not in vendor_words and w not in _FILLER_WORDS]
    return "".join(kept) + "".join(memory)


def _tpu_chips(generation: str, n: int) -> int:
    """Chips in a TPU slice: v2/v3/v4/v5p slices are named by TensorCores (2 per chip)."""
    gen = generation.lower()
    if gen.startswith(("v5e", "v5lite", "v6")):
        return n
    return max(1, n // 2)


def split_count(text: str) -> tuple[int | None, str]:
    """Split a device count off a hardware string: (count or None, name without the count).

    "8 v100 16GB" -> (8, "v100 16GB"); "384 A100 80GB GPUs" -> (384, "A100 80GB GPUs");
    "TPU v3-256" -> (128, "TPU v3") (256 TensorCores = 128 chips); "1 TPU v3-8 VM" -> (4, ...).
    A number that belongs to the model name ("2080 Ti", "16 GB V100") is not a count.
    """
    s = text.strip()
    count: int | None = None
    m = _GLUED_COUNT_RE.match(s) or _LEADING_COUNT_RE.match(s)
    if m:
        rest = m.group(2).strip()
        rest_wo_memory, _ = _memory_tokens(rest.lower())
        if rest and not _NOT_A_COUNT_RE.match(rest) and re.search(r"[a-z]", rest_wo_memory):
            count, s = int(m.group(1)), rest
    if count is None:
        t = _TRAILING_COUNT_RE.match(s)
        if t:
            count, s = int(t.group(2) or t.group(3)), t.group(1)
    if re.search(r"tpu|litepod", s, re.IGNORECASE):
        sl = _TPU_SLICE_RE.search(s)
        if sl:
            chips = _tpu_chips(sl.group("gen"), int(sl.group("n")))
            count = chips * (count or 1)
            s = (s[: sl.start()] + sl.group("gen") + s[sl.end() :]).strip()
    if count is not None and count <= 0:
        count = None
    return count, s.strip()


def _vendors_in(text: str) -> set[str]:
    _, vendors = _vendor_words()
    return {vendors[w] for w in re.split(r"[^a-z]+", text.lower()) if w in vendors}


def _vendor_of_id(gpu_id: str) -> str | None:
    _, vendors = _vendor_words()
    return vendors.get(gpu_id.split("-", 1)[0])


def _vendor_conflict(text: str, gpu_id: str) -> bool:
    named, owner = _vendors_in(text), _vendor_of_id(gpu_id)
    return bool(named) and owner is not None and owner not in named


class GpuResolver:
    """Deterministic name -> gpu_id lookup over the snapshot's aliases and ids."""

    def __init__(
        self,
        aliases: Iterable[tuple[str, str]],
        known_ids: Iterable[str],
        *,
        families: Mapping[str, tuple[str, str]] | None = None,
        strict: bool = True,
    ) -> None:
        """`strict` (the snapshot's own check) raises on an alias or family default whose target
        is not a known id; otherwise such entries are dropped, so a warehouse whose GPU table
        lacks a part still resolves every other name."""
        self._ids = frozenset(known_ids)
        families = dict(family_defaults() if families is None else families)
        if not strict:
            families = {k: v for k, v in families.items() if v[0] in self._ids}
            aliases = [(a, g) for a, g in aliases if g in self._ids]
        self._families = families
        self._exact: dict[str, str] = {i: i for i in self._ids}
        by_key: dict[str, set[str]] = {}
        for alias, gpu_id in sorted(aliases):
            if gpu_id not in self._ids:
                raise ValueError(f"alias {alias!r} points at unknown gpu_id {gpu_id!r}")
            self._exact.setdefault(alias.strip(), gpu_id)
            by_key.setdefault(normalise_gpu_name(alias), set()).add(gpu_id)
        for gpu_id in self._ids:
            by_key.setdefault(normalise_gpu_name(gpu_id), set()).add(gpu_id)
        by_key.pop("", None)
        # A key claimed by two ids is ambiguous: never pick one silently.
        self._by_key = {k: next(iter(v)) for k, v in by_key.items() if len(v) == 1}
        self._ambiguous = {k: tuple(sorted(v)) for k, v in by_key.items() if len(v) > 1}
        for key, (gpu_id, _) in self._families.items():
            if gpu_id not in self._ids:
                raise ValueError(f"family {key!r} points at unknown gpu_id {gpu_id!r}")

    @classmethod
    def from_snapshot(cls, snapshot_dir: Path) -> GpuResolver:
        """Build from `<snapshot_dir>/gpus/gpu_aliases.csv` and `gpus/gpu_specs.csv`."""
        gpus = Path(snapshot_dir) / "gpus"
        with (gpus / "gpu_specs.csv").open(newline="", encoding="utf-8") as f:
            ids = [row["gpu_id"] for row in csv.DictReader(f)]
        with (gpus / "gpu_aliases.csv").open(newline="", encoding="utf-8") as f:
            aliases = [(row["alias"], row["gpu_id"]) for row in csv.DictReader(f)]
        return cls(aliases, ids)

    @property
    def known_ids(self) -> frozenset[str]:
        return self._ids

    def resolve(self, text: str | None) -> Resolution:
        raw = "" if text is None else str(text)
        if raw.strip().strip("*").strip().lower() in _MISSING:
            return Resolution(raw, None, "unresolved", None, "no hardware given")
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        first, others = parts[0], parts[1:]
        count, name = split_count(first)
        name = _PROSE_RE.sub("", name).strip().strip("*.:;").strip()
        also = f"; also listed: {', '.join(others)}" if others else ""
        key = normalise_gpu_name(name)

        candidates: list[tuple[str, Method, str]] = []
        if key in self._families:
            gpu_id, why = self._families[key]
            candidates.append((gpu_id, "family_default", why + also))
        if name in self._exact:
            candidates.append((self._exact[name], "exact", also.lstrip("; ")))
        if key in self._by_key:
            candidates.append((self._by_key[key], "normalised", also.lstrip("; ")))
        for gpu_id, method, note in candidates:
            if not _vendor_conflict(name, gpu_id):
                return Resolution(raw, gpu_id, method, count, note)
        if candidates:
            return Resolution(
                raw,
                None,
                "unresolved",
                count,
                f"vendor in {name!r} contradicts {candidates[0][0]}; not guessing{also}",
            )
        if key in self._ambiguous:
            cands = ", ".join(self._ambiguous[key])
            return Resolution(raw, None, "unresolved", count, f"ambiguous: {cands}{also}")
        return Resolution(raw, None, "unresolved", count, f"unknown hardware {name!r}{also}")

"""Hugging Face YAML front matter: split off safely, then `co2_eq_emissions` read as facts.

`co2_eq_emissions` is grams by the Hugging Face spec, either a bare number or a mapping with
`emissions`, `source`, `training_type`, `geographical_location` and `hardware_used`. The front
matter comes from strangers: the YAML event stream is checked (aliases, expansion, depth) before
`safe_load` builds anything.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from tasks.cards.draft import CardError, Context, Draft
from tasks.cards.names import split_hardware
from tasks.cards.quantities import fmt, mass_factor, parse_number
from tasks.cards.safe_yaml import YamlDocument
from tasks.cards.text import short

MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_YAML_ALIASES = 100
# Aliases are cheap for PyYAML (shared objects) but explode for anything that walks the data;
# bound the fully expanded node count as well as the alias count.
MAX_YAML_EXPANDED_NODES = 100_000
MAX_YAML_DEPTH = 64
# Above this many grams (1 Mt CO2e) an HF `co2_eq_emissions` value is not a plausible training run.
IMPLAUSIBLE_GRAMS = 1e12

_CLOSING_RULE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_EMISSIONS_TEXT = re.compile(r"\s*(-?[\d.,_]+(?:[eE][+-]?\d+)?)\s*([A-Za-z₂2 .]*)\s*")


def split_front_matter(text: str, source_url: str) -> tuple[dict[str, Any], int]:
    """Return (front matter mapping, number of lines it occupies incl. the '---' fences).

    A card without front matter gives ({}, 0). Unsafe or non-mapping front matter raises CardError.
    """
    if not text.startswith("---"):
        return {}, 0
    first_nl = text.find("\n")
    if first_nl < 0 or text[:first_nl].strip() != "---":
        return {}, 0
    m = _CLOSING_RULE.search(text, first_nl + 1)
    if m is None:
        return {}, 0  # an opening rule without a closing one is a Markdown '---', not YAML
    fm = text[first_nl + 1 : m.start()]
    if len(fm.encode("utf-8", "surrogatepass")) > MAX_FRONT_MATTER_BYTES:
        raise CardError(
            f"{source_url}: front matter is larger than {MAX_FRONT_MATTER_BYTES} bytes; rejected"
        )
    data = _load_front_matter(_check_yaml_events(fm, source_url), source_url)
    n_lines = text.count("\n", 0, m.end()) + 1
    return data, n_lines


def _load_front_matter(doc: YamlDocument, source_url: str) -> dict[str, Any]:
    try:
        data = doc.load()
    except yaml.YAMLError as e:  # includes ConstructorError for !!python/object tags
        raise CardError(
            f"{source_url}: front matter rejected by yaml.safe_load: {short(str(e))}"
        ) from e
    except (RecursionError, ValueError, TypeError, OverflowError) as e:
        raise CardError(f"{source_url}: front matter could not be loaded: {short(str(e))}") from e
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise CardError(
            f"{source_url}: front matter must be a YAML mapping, got {type(data).__name__}"
        )
    return data


def _check_yaml_events(fm: str, source_url: str) -> YamlDocument:
    """Scan YAML events: reject alias bombs, huge expansions and deep nesting before composing;
    returns the document, to be loaded once its events have all passed.

    PyYAML's composer recurses per nesting level; the event parser does not, so the depth limit
    here also protects safe_load from RecursionError.
    """
    aliases = 0
    anchor_sizes: dict[str, int] = {}
    stack: list[list[Any]] = [[None, 0]]  # [anchor, expanded node count]
    doc = YamlDocument(fm)
    try:
        for ev in doc.events():
            if isinstance(ev, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_YAML_ALIASES:
                    raise CardError(
                        f"{source_url}: front matter has more than {MAX_YAML_ALIASES} YAML aliases"
                        " (possible alias bomb); rejected"
                    )
                stack[-1][1] += anchor_sizes.get(ev.anchor or "", 1)
            elif isinstance(ev, yaml.ScalarEvent):
                if ev.anchor:
                    anchor_sizes[ev.anchor] = 1
                stack[-1][1] += 1
            elif isinstance(ev, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                stack.append([ev.anchor, 0])
                if len(stack) > MAX_YAML_DEPTH:
                    raise CardError(
                        f"{source_url}: front matter nests deeper than {MAX_YAML_DEPTH}; rejected"
                    )
            elif isinstance(ev, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                anchor, count = stack.pop()
                count += 1
                if anchor:
                    anchor_sizes[anchor] = count
                stack[-1][1] += count
            if stack[0][1] > MAX_YAML_EXPANDED_NODES or stack[-1][1] > MAX_YAML_EXPANDED_NODES:
                raise CardError(
                    f"{source_url}: front matter expands to more than {MAX_YAML_EXPANDED_NODES}"
                    " YAML nodes through aliases (alias bomb); rejected"
                )
    except yaml.YAMLError as e:
        raise CardError(f"{source_url}: malformed YAML front matter: {short(str(e))}") from e
    return doc


def model_from_front_matter(fm: dict[str, Any]) -> str | None:
    """The model's name from `model_name` or the first `model-index` entry, if either is set."""
    name = fm.get("model_name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    mi = fm.get("model-index")
    if isinstance(mi, list) and mi and isinstance(mi[0], dict):
        n = mi[0].get("name")
        if isinstance(n, str) and n.strip():
            return n.strip()
    return None


def extract_front_matter(ctx: Context, fm: dict[str, Any], fm_lines: int) -> None:
    """Drafts from `co2_eq_emissions`: the emissions in tonnes and, from a mapping, the place
    and hardware."""
    if "co2_eq_emissions" not in fm:
        return
    co2 = fm["co2_eq_emissions"]
    line = _fm_line(ctx.lines, fm_lines, "co2_eq_emissions")
    notes: list[str] = []
    emissions: Any = co2
    if isinstance(co2, dict):
        emissions = co2.get("emissions")
        notes = _mapping_notes(co2)
        _mapping_location(ctx, co2, fm_lines, line)
        _mapping_hardware(ctx, co2, fm_lines, line)
        if emissions is None:
            ctx.warn(f"{ctx.source_url}: co2_eq_emissions mapping has no 'emissions' value")
            return
        line = _fm_line(ctx.lines, fm_lines, "emissions", line)
        locator = f"front matter co2_eq_emissions.emissions (line {line})"
    else:
        locator = f"front matter co2_eq_emissions (line {line})"
    raw = _raw_yaml_scalar(ctx.lines, line) or str(emissions)[:40]
    grams = _emissions_grams(ctx, emissions, notes)
    _add_emissions(ctx, grams, emissions, raw, locator, notes)


def _mapping_notes(co2: dict[str, Any]) -> list[str]:
    notes: list[str] = []
    src = co2.get("source")
    if isinstance(src, str) and src.strip():
        notes.append(f"source: {short(src.strip(), 80)}")
    tt = co2.get("training_type")
    if isinstance(tt, str) and tt.strip():
        notes.append(f"training_type: {tt.strip()}")
    return notes


def _mapping_location(ctx: Context, co2: dict[str, Any], fm_lines: int, line: int) -> None:
    loc = co2.get("geographical_location")
    if not (isinstance(loc, str) and loc.strip()):
        return
    loc_line = _fm_line(ctx.lines, fm_lines, "geographical_location", line - 1)
    ctx.add(
        Draft(
            ctx.card_model,
            "training",
            "location",
            loc.strip(),
            f"front matter co2_eq_emissions.geographical_location (line {loc_line})",
            loc.strip(),
            origin="front_matter",
        )
    )


def _mapping_hardware(ctx: Context, co2: dict[str, Any], fm_lines: int, line: int) -> None:
    hw = co2.get("hardware_used")
    if not (isinstance(hw, str) and hw.strip()):
        return
    model = ctx.card_model
    hw_line = _fm_line(ctx.lines, fm_lines, "hardware_used", line - 1)
    count, gpu = split_hardware(hw)
    loc_txt = f"front matter co2_eq_emissions.hardware_used (line {hw_line})"
    ctx.add(Draft(model, "training", "gpu", gpu, loc_txt, hw.strip(), origin="front_matter"))
    if count is not None:
        ctx.add(
            Draft(
                model,
                "training",
                "gpu_count",
                str(count),
                loc_txt,
                hw.strip(),
                origin="front_matter",
            )
        )


def _emissions_grams(ctx: Context, emissions: Any, notes: list[str]) -> float | None:
    """The emissions value in grams: a YAML number, or text like '17g' / '1.2 tCO2eq'."""
    if isinstance(emissions, bool):
        return None
    if isinstance(emissions, (int, float)):
        return float(emissions)
    if not isinstance(emissions, str) or len(emissions) > 100:
        return None
    m = _EMISSIONS_TEXT.fullmatch(emissions)
    if not m:
        return None
    num = parse_number(m.group(1))
    unit = m.group(2).strip()
    if num is None:
        return None
    if not unit:
        return num
    f = mass_factor(unit)
    if f is None:
        ctx.warn(f"{ctx.source_url}: co2_eq_emissions unit {unit!r} not understood")
        return None
    if f != 1e-6:
        notes.append(f"unit {unit!r} as written; converted to tonnes")
    return num * f * 1e6


def _add_emissions(
    ctx: Context, grams: float | None, emissions: Any, raw: str, locator: str, notes: list[str]
) -> None:
    model = ctx.card_model
    if grams is None or not math.isfinite(grams):
        ctx.warn(
            f"{ctx.source_url}: co2_eq_emissions value {short(str(emissions), 60)!r} "
            "is not a number; no fact"
        )
        return
    notes.insert(0, "co2_eq_emissions is grams by the Hugging Face spec")
    if grams < 0:
        ctx.warn(f"{ctx.source_url}: negative co2_eq_emissions {raw!r}; no fact")
        return
    confidence = "high"
    if grams > IMPLAUSIBLE_GRAMS:
        confidence = "low"
        notes.append(f"implausible in grams (> {IMPLAUSIBLE_GRAMS:.0e} g); unit suspect")
        ctx.warn(
            f"{ctx.source_url}: co2_eq_emissions {raw} g for {model} is implausible in grams "
            "(> 1e12 g); kept with confidence 'low'"
        )
    ctx.add(
        Draft(
            model,
            "training",
            "co2e_t",
            fmt(grams / 1e6),
            locator,
            raw,
            confidence,
            notes,
            origin="front_matter",
        )
    )


def _fm_line(lines: list[str], fm_lines: int, key: str, start: int = 0) -> int:
    """1-based line of `key:` inside the front matter (for locators); 1 if not found."""
    pat = re.compile(rf"^\s*-?\s*{re.escape(key)}\s*:")
    for i in range(start, min(fm_lines, len(lines))):
        if pat.match(lines[i]):
            return i + 1
    return 1


def _raw_yaml_scalar(lines: list[str], line: int) -> str:
    """The scalar as written on a `key: value` line ('24_700_000', '17g')."""
    if not 1 <= line <= len(lines):
        return ""
    _, _, v = lines[line - 1].partition(":")
    return v.strip().strip("'\"")[:200]

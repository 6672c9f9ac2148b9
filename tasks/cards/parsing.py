"""Parse model cards (Markdown, HTML tables, YAML front matter) into disclosure `Fact`s.

Pure functions: no Prefect, no network, no code from a card is ever run. The entry point is
`parse_card`; everything else is a helper. A card is read like a careful human reader would:

* YAML front matter (Hugging Face `co2_eq_emissions`, grams by the HF spec),
* footprint tables (Meta's per-model tables in HTML or Markdown pipes, OLMo's per-cluster table),
* "key: value" blocks (the ML CO2 Impact template, Tucano/TeenyTinyLlama bodies, Azure cards),
* figures in prose (Meta's cumulative totals, DeepSeek's GPU hours, "trained on 384 A100 GPUs").

Numbers are normalised to the units of `tasks.core.facts.FIELDS`; what was written is kept in
`raw_text`. Contradictions (a table against the prose, the front matter against the body) keep
every fact and add a warning plus a note: the reader decides, the parser does not hide anything.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import yaml

from tasks.core.facts import Fact

MAX_CARD_BYTES = 2 * 1024 * 1024
MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_YAML_ALIASES = 100
# Aliases are cheap for PyYAML (shared objects) but explode for anything that walks the data;
# bound the fully expanded node count as well as the alias count.
MAX_YAML_EXPANDED_NODES = 100_000
MAX_YAML_DEPTH = 64
# Above this many grams (1 Mt CO2e) an HF `co2_eq_emissions` value is not a plausible training run.
IMPLAUSIBLE_GRAMS = 1e12
# Relative difference above which two figures for the same model/field are a contradiction.
CONTRADICTION_TOLERANCE = 0.05
TABLE_TOTAL_TOLERANCE = 0.02


class CardError(ValueError):
    """A card that cannot be parsed safely (too big, unsafe or malformed front matter)."""


@dataclass(frozen=True, slots=True)
class CardParse:
    facts: list[Fact]
    warnings: list[str]
    model: str | None


# --------------------------------------------------------------------------------------------
# Internal draft facts: mutable so cross-checks can add notes before the frozen Facts are built.


@dataclass(slots=True)
class _Draft:
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
class _Ctx:
    source_url: str
    source_kind: str
    lines: list[str]
    card_model: str
    drafts: list[_Draft] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    consumed: set[int] = dataclasses.field(default_factory=set)  # 1-based body lines already read
    aggregate: str = ""
    table_models: list[str] = dataclasses.field(default_factory=list)
    known_models: list[str] = dataclasses.field(default_factory=list)

    def add(self, d: _Draft) -> None:
        self.drafts.append(d)

    def warn(self, msg: str) -> None:
        self.warnings.append(msg)


# --------------------------------------------------------------------------------------------
# Numbers and units

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


def _g(x: float) -> str:
    return fmt(x)


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


# --------------------------------------------------------------------------------------------
# Text clean-up

_LINK = re.compile(r"\[([^\]]{0,300})\]\([^)]{0,500}\)")
_TAG = re.compile(r"<[^>]{0,300}>")


def clean_inline(text: str) -> str:
    """Drop Markdown emphasis, links (keep text), HTML tags and escapes; collapse spaces."""
    t = _LINK.sub(r"\1", text) if "[" in text else text
    if "<" in t:
        t = _TAG.sub("", t)
    if "\\" in t:
        t = t.replace("\\-", "-").replace("\\*", "*").replace("\\_", "_").replace("\\+", "+")
    t = t.replace("**", "").replace("__", "").replace("`", "")
    # str.split() and the regex \s agree on what is white space (both Py_UNICODE_ISSPACE).
    return " ".join(t.split())


def normalise_model_name(name: str) -> str:
    """Consistent display names: markup stripped, 'Meta-Llama-3.1-8B' / 'Llama3.1 8B' ->
    'Llama 3.1 8B'. Other names keep their spelling (resolved later via model_aliases)."""
    n = clean_inline(name).strip(" *^:")
    m = _LLAMA.match(n)
    if m:
        rest = m.group(2)
        # 'Llama-3.1-8B-Instruct' -> 'Llama 3.1 8B Instruct'; '3.2-vision 11B' keeps its dash.
        if _LLAMA_SIZE.match(rest):
            rest = rest.replace("-", " ")
        n = " ".join(f"Llama {m.group(1)}{rest}".split())
    return n


_LLAMA = re.compile(r"(?i)^(?:meta[- ])?llama[- ]?(\d(?:\.\d)?)(.*)$")
_LLAMA_SIZE = re.compile(r"(?i)^[- ]\d+(?:\.\d+)?[bm]\b")


_GENERIC_HEADINGS = re.compile(
    r"(?i)^(model (details|information|summary|description|overview|card)|overview|introduction|"
    r"table of contents|problem description|model trained using autotrain|license|usage|"
    r"citation|uses|evaluation|training|training details|intended use)$"
)


_LEADING_SYMBOLS = re.compile(r"^[^\w(]+")
_MODEL_CARD_FOR = re.compile(r"(?i)^model card for\s+")
_MODEL_CARD_SUFFIX = re.compile(r"(?i)\s+model card$")


def _name_from_heading(h: str) -> str | None:
    t = clean_inline(h)
    t = _LEADING_SYMBOLS.sub("", t).strip()  # emoji and symbols before the name
    t = _MODEL_CARD_FOR.sub("", t)
    t = _MODEL_CARD_SUFFIX.sub("", t).strip()
    if not t or _GENERIC_HEADINGS.match(t) or len(t) > 80:
        return None
    return t


_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[A-Z*\"(])")


def _sentences(text: str) -> list[str]:
    # Split on '.', ';' followed by space and a capital/bold/quote; keeps '39.3M' intact.
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# --------------------------------------------------------------------------------------------
# Front matter (YAML) — safety first

# LibYAML's C parser where PyYAML was built with it (the PyPI wheels are), else the pure-Python
# one. Both emit the same event objects and both loaders construct with the same Python
# SafeConstructor, so the checks on the event stream and what `safe_load` may build are the
# same; the C parser scans ~10x faster. It takes UTF-8 only: a str it cannot encode (a lone
# surrogate) goes to the Python reader, which rejects it as a YAML error as before.
_C_SAFE_LOADER: type[Any] | None = getattr(yaml, "CSafeLoader", None)


def _safe_loader(text: str) -> Any:
    if _C_SAFE_LOADER is not None:
        try:
            return _C_SAFE_LOADER(text)
        except UnicodeEncodeError:
            pass
    return yaml.SafeLoader(text)


def yaml_events(text: str) -> Iterator[yaml.Event]:
    """The YAML event stream of untrusted text (nothing is constructed): `yaml.parse` on the
    fastest safe parser available."""
    loader = _safe_loader(text)
    try:
        while loader.check_event():
            yield loader.get_event()
    finally:
        loader.dispose()


def yaml_safe_load(text: str) -> Any:
    """`yaml.safe_load` on the fastest safe loader available (LibYAML's when present)."""
    loader = _safe_loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _check_yaml_events(fm: str, source_url: str) -> None:
    """Scan YAML events: reject alias bombs, huge expansions and deep nesting before composing.

    PyYAML's composer recurses per nesting level; the event parser does not, so the depth limit
    here also protects safe_load from RecursionError.
    """
    aliases = 0
    anchor_sizes: dict[str, int] = {}
    stack: list[list[Any]] = [[None, 0]]  # [anchor, expanded node count]
    try:
        for ev in yaml_events(fm):
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
        raise CardError(f"{source_url}: malformed YAML front matter: {_short(str(e))}") from e


def _short(s: str, n: int = 160) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 3] + "..."


def split_front_matter(text: str, source_url: str) -> tuple[dict[str, Any], int]:
    """Return (front matter mapping, number of lines it occupies incl. the '---' fences).

    A card without front matter gives ({}, 0). Unsafe or non-mapping front matter raises CardError.
    """
    if not text.startswith("---"):
        return {}, 0
    first_nl = text.find("\n")
    if first_nl < 0 or text[:first_nl].strip() != "---":
        return {}, 0
    m = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE).search(text, first_nl + 1)
    if m is None:
        return {}, 0  # an opening rule without a closing one is a Markdown '---', not YAML
    fm = text[first_nl + 1 : m.start()]
    if len(fm.encode("utf-8", "surrogatepass")) > MAX_FRONT_MATTER_BYTES:
        raise CardError(
            f"{source_url}: front matter is larger than {MAX_FRONT_MATTER_BYTES} bytes; rejected"
        )
    _check_yaml_events(fm, source_url)
    try:
        data = yaml_safe_load(fm)
    except yaml.YAMLError as e:  # includes ConstructorError for !!python/object tags
        raise CardError(
            f"{source_url}: front matter rejected by yaml.safe_load: {_short(str(e))}"
        ) from e
    except (RecursionError, ValueError, TypeError, OverflowError) as e:
        raise CardError(f"{source_url}: front matter could not be loaded: {_short(str(e))}") from e
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise CardError(
            f"{source_url}: front matter must be a YAML mapping, got {type(data).__name__}"
        )
    n_lines = text.count("\n", 0, m.end()) + 1
    return data, n_lines


def _fm_line(lines: list[str], fm_lines: int, key: str, start: int = 0) -> int:
    """1-based line of `key:` inside the front matter (for locators); 1 if not found."""
    pat = re.compile(rf"^\s*-?\s*{re.escape(key)}\s*:")
    for i in range(start, min(fm_lines, len(lines))):
        if pat.match(lines[i]):
            return i + 1
    return 1


def _model_from_front_matter(fm: dict[str, Any]) -> str | None:
    name = fm.get("model_name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    mi = fm.get("model-index")
    if isinstance(mi, list) and mi and isinstance(mi[0], dict):
        n = mi[0].get("name")
        if isinstance(n, str) and n.strip():
            return n.strip()
    return None


def split_hardware(text: str) -> tuple[int | None, str]:
    """'384 A100 80GB GPUs' -> (384, 'A100 80GB'); '32 x 8 x A100 GPUs' -> (256, 'A100');
    'TPU v3-256' -> (None, 'TPU v3-256'); '1 pod TPU v3-256 = ... = 256 TPU v3' -> (256, 'TPU v3').
    """
    t = clean_inline(text)
    if "=" in t:
        t = t.rsplit("=", 1)[1].strip()
    count: int | None = None
    # Counts are bounded to 9 digits: int() of a 5000-digit string raises, and no cluster is bigger.
    m = re.match(r"^\s*(\d[\d,]{0,8}(?:\s*[x×]\s*\d[\d,]{0,8}){0,3})\s*[x×]?\s+(.+)$", t)
    if m and re.search(r"[A-Za-z]", m.group(2)):
        nums = [int(p.replace(",", "")) for p in re.split(r"\s*[x×]\s*", m.group(1)) if p]
        prod = 1
        for n in nums:
            prod *= n
        count = prod
        t = m.group(2)
    t = re.sub(r"(?i)\s*\b(gpus?|chips?|accelerators?)\b\s*$", "", t).strip(" ,.")
    t = re.sub(r"(?i)\s*\(.*?\)\s*$", "", t).strip() or t
    return count, t


def _extract_front_matter(ctx: _Ctx, fm: dict[str, Any], fm_lines: int) -> None:
    if "co2_eq_emissions" not in fm:
        return
    co2 = fm["co2_eq_emissions"]
    line = _fm_line(ctx.lines, fm_lines, "co2_eq_emissions")
    model = ctx.card_model
    notes: list[str] = []
    emissions: Any = co2
    if isinstance(co2, dict):
        emissions = co2.get("emissions")
        src = co2.get("source")
        if isinstance(src, str) and src.strip():
            notes.append(f"source: {_short(src.strip(), 80)}")
        tt = co2.get("training_type")
        if isinstance(tt, str) and tt.strip():
            notes.append(f"training_type: {tt.strip()}")
        loc = co2.get("geographical_location")
        if isinstance(loc, str) and loc.strip():
            ctx.add(
                _Draft(
                    model,
                    "training",
                    "location",
                    loc.strip(),
                    f"front matter co2_eq_emissions.geographical_location "
                    f"(line {_fm_line(ctx.lines, fm_lines, 'geographical_location', line - 1)})",
                    loc.strip(),
                    origin="front_matter",
                )
            )
        hw = co2.get("hardware_used")
        if isinstance(hw, str) and hw.strip():
            hw_line = _fm_line(ctx.lines, fm_lines, "hardware_used", line - 1)
            count, gpu = split_hardware(hw)
            loc_txt = f"front matter co2_eq_emissions.hardware_used (line {hw_line})"
            ctx.add(
                _Draft(model, "training", "gpu", gpu, loc_txt, hw.strip(), origin="front_matter")
            )
            if count is not None:
                ctx.add(
                    _Draft(
                        model,
                        "training",
                        "gpu_count",
                        str(count),
                        loc_txt,
                        hw.strip(),
                        origin="front_matter",
                    )
                )
        if emissions is None:
            ctx.warn(f"{ctx.source_url}: co2_eq_emissions mapping has no 'emissions' value")
            return
        line = _fm_line(ctx.lines, fm_lines, "emissions", line)
        locator = f"front matter co2_eq_emissions.emissions (line {line})"
    else:
        locator = f"front matter co2_eq_emissions (line {line})"
    raw = _raw_yaml_scalar(ctx.lines, line) or str(emissions)[:40]
    grams: float | None = None
    confidence = "high"
    if isinstance(emissions, bool):
        grams = None
    elif isinstance(emissions, (int, float)):
        grams = float(emissions)
    elif isinstance(emissions, str) and len(emissions) <= 100:
        m = re.fullmatch(r"\s*(-?[\d.,_]+(?:[eE][+-]?\d+)?)\s*([A-Za-z₂2 .]*)\s*", emissions)
        if m:
            num = parse_number(m.group(1))
            unit = m.group(2).strip()
            if num is not None:
                if not unit:
                    grams = num
                else:
                    f = mass_factor(unit)
                    if f is None:
                        ctx.warn(f"{ctx.source_url}: co2_eq_emissions unit {unit!r} not understood")
                    else:
                        grams = num * f * 1e6
                        if f != 1e-6:
                            notes.append(f"unit {unit!r} as written; converted to tonnes")
    if grams is None or not math.isfinite(grams):
        ctx.warn(
            f"{ctx.source_url}: co2_eq_emissions value {_short(str(emissions), 60)!r} "
            "is not a number; no fact"
        )
        return
    notes.insert(0, "co2_eq_emissions is grams by the Hugging Face spec")
    if grams < 0:
        ctx.warn(f"{ctx.source_url}: negative co2_eq_emissions {raw!r}; no fact")
        return
    if grams > IMPLAUSIBLE_GRAMS:
        confidence = "low"
        notes.append(f"implausible in grams (> {IMPLAUSIBLE_GRAMS:.0e} g); unit suspect")
        ctx.warn(
            f"{ctx.source_url}: co2_eq_emissions {raw} g for {model} is implausible in grams "
            "(> 1e12 g); kept with confidence 'low'"
        )
    ctx.add(
        _Draft(
            model,
            "training",
            "co2e_t",
            _g(grams / 1e6),
            locator,
            raw,
            confidence,
            notes,
            origin="front_matter",
        )
    )


def _raw_yaml_scalar(lines: list[str], line: int) -> str:
    """The scalar as written on a `key: value` line ('24_700_000', '17g')."""
    if not 1 <= line <= len(lines):
        return ""
    _, _, v = lines[line - 1].partition(":")
    return v.strip().strip("'\"")[:200]


# --------------------------------------------------------------------------------------------
# Tables


@dataclass(slots=True)
class _Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (1-based line, cells)
    start_line: int
    end_line: int
    name: str = ""
    # (row index, column) -> 1-based line of the cell; HTML cells sit on their own lines.
    cell_lines: dict[tuple[int, int], int] = dataclasses.field(default_factory=dict)


def _split_pipe_row(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    cells = _PIPE.split(s) if "\\" in s else s.split("|")  # an escaped \| is not a cell border
    return [c.strip() for c in cells]


_PIPE = re.compile(r"(?<!\\)\|")


# Matched against the row with all whitespace removed (no backtracking over long blank runs).
_SEP_ROW = re.compile(r"\|?(?::?-{2,}:?\|)*:?-{2,}:?\|?")


def _is_sep_row(line: str) -> bool:
    return len(line) < 5000 and bool(_SEP_ROW.fullmatch("".join(line.split())))


def find_pipe_tables(lines: list[str], skip: set[int]) -> list[_Table]:
    tables: list[_Table] = []
    i = 0
    n = len(lines)
    while i < n - 1:
        if (i + 1) not in skip and lines[i].lstrip().startswith("|") and _is_sep_row(lines[i + 1]):
            header = _split_pipe_row(lines[i])
            rows: list[tuple[int, list[str]]] = []
            j = i + 2
            while j < n and lines[j].lstrip().startswith("|"):
                rows.append((j + 1, _split_pipe_row(lines[j])))
                j += 1
            tables.append(_Table(header, rows, i + 1, j))
            i = j
        else:
            i += 1
    return tables


class _HTMLTables(HTMLParser):
    """Collects <table> rows and cell text with line numbers; honours colspan/rowspan."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[_Table] = []
        self._stack: list[dict[str, Any]] = []  # nested tables
        self._cell: list[str] | None = None
        self._cell_span = (1, 1)
        self._cell_line = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag == "table":
            self._close_cell()  # a table nested in an open cell: the cell text ends here
            self._stack.append({"rows": [], "start": line, "row": None, "pending": {}})
        elif not self._stack:
            return
        elif tag == "tr":
            self._close_row()
            self._stack[-1]["row"] = (line, [])
        elif tag in ("td", "th"):
            self._close_cell()
            if self._stack[-1]["row"] is None:
                self._stack[-1]["row"] = (line, [])
            a = dict(attrs)
            self._cell = []
            self._cell_line = line
            self._cell_span = (_span(a.get("colspan")), _span(a.get("rowspan")))
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if not self._stack:
            return
        if tag in ("td", "th"):
            self._close_cell()
        elif tag == "tr":
            self._close_row()
        elif tag == "table":
            self._close_row()
            t = self._stack.pop()
            rows = t["rows"]
            if rows:
                header = rows[0][1]
                per_row = t.get("row_cell_lines", [])[1:]
                cell_lines = {
                    (r, c): ln for r, cols in enumerate(per_row) for c, ln in cols.items()
                }
                self.tables.append(
                    _Table(header, rows[1:], t["start"], self.getpos()[0], "", cell_lines)
                )

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def _close_cell(self) -> None:
        if self._cell is None or not self._stack:
            self._cell = None
            return
        t = self._stack[-1]
        text = re.sub(r"\s+", " ", "".join(self._cell)).strip()
        colspan, rowspan = self._cell_span
        if t["row"] is None:
            t["row"] = (self._cell_line, [])
        row = t["row"][1]
        lines_of: dict[int, int] = t.setdefault("cell_lines", {})
        pending: dict[int, tuple[str, int]] = t["pending"]
        col = len(row)
        for _ in range(colspan):
            while col in pending:  # cells carried down by an earlier rowspan
                row.append(pending[col][0])
                col += 1
            lines_of[len(row)] = self._cell_line
            row.append(text)
            if rowspan > 1:
                pending[col] = (text, rowspan)
            col += 1
        self._cell = None

    def _close_row(self) -> None:
        self._close_cell()
        if not self._stack:
            return
        t = self._stack[-1]
        if t["row"] is None:
            return
        line, row = t["row"]
        pending: dict[int, tuple[str, int]] = t["pending"]
        col = len(row)
        while col in pending:
            row.append(pending[col][0])
            col += 1
        # Age the rowspans: a span registered in this row is consumed by the rows below it.
        for c, (txt, left) in list(pending.items()):
            if left <= 1:
                del pending[c]
            else:
                pending[c] = (txt, left - 1)
        t["rows"].append((line, row))
        t.setdefault("row_cell_lines", []).append(t.pop("cell_lines", {}))
        t["row"] = None


def _span(v: str | None) -> int:
    try:
        return max(1, min(int(v or 1), 50))
    except ValueError:
        return 1


def find_html_tables(text: str) -> list[_Table]:
    if "<table" not in text.lower():
        return []
    p = _HTMLTables()
    try:
        p.feed(text)
        p.close()
    except (AssertionError, ValueError, IndexError):  # malformed markup: keep what was read
        pass
    return p.tables


def _table_name(lines: list[str], start_line: int) -> str:
    """Nearest preceding heading or '**Label**' paragraph names the table (for locators)."""
    for i in range(start_line - 2, max(-1, start_line - 16), -1):
        s = lines[i].strip()
        if s.startswith("#"):
            name = clean_inline(s.lstrip("#"))
            if name:
                return _short(name, 80)
        m = re.match(r"^\*\*(.+?)\*\*", s)
        if m:
            # '**Carbon Footprint Pretraining utilized a cumulative**': keep the title words.
            words = clean_inline(m.group(1)).rstrip(":.").split()
            title: list[str] = []
            for w in words:
                if title and w[:1].islower():
                    break
                title.append(w)
            return _short(" ".join(title), 80)
    return f"table at line {start_line}"


# Column header -> field. Order matters: market-based before generic emissions.
def _classify_column(header: str) -> tuple[str, str, str] | None:
    """-> (field, phase, unit as written) or None. Unit '' means 'look in the cell'."""
    # Tables of one kind repeat their headers from card to card: remember the short ones.
    return _classify_cached(header) if len(header) <= 200 else _classify(header)


def _classify(header: str) -> tuple[str, str, str] | None:
    h = clean_inline(header).lower()
    h = h.replace("₂", "2")
    if not h:
        return None
    if "logit" in h and ("time" in h or "hour" in h):
        return "gpu_hours", "development", "h"
    if ("time" in h or "hours" in h) and "gpu" in h and "hour" in h:
        return "gpu_hours", "training", "h"
    if "market-based" in h or "market based" in h:
        return "co2e_market_t", "training", _unit_in_parens(h)
    if "carbon intensity" in h:
        return "carbon_intensity_kg_per_kwh", "training", _unit_in_parens(h)
    if (
        "location-based" in h
        or "carbon emitted" in h
        or "carbon emissions" in h
        or "greenhouse gas" in h
        or re.search(r"\bco2\b.*emission|emission.*\bco2", h)
    ):
        return "co2e_t", "training", _unit_in_parens(h)
    if "power" in h and re.search(r"\(\s*w\s*\)", h):
        return "power_w", "training", "W"
    if "power consumption" in h or "energy" in h:
        return "energy_mwh", "training", _unit_in_parens(h)
    if h in ("gpu type", "gpu", "hardware", "hardware type"):
        return "gpu", "training", ""
    return None


_classify_cached = functools.lru_cache(maxsize=1024)(_classify)


def _unit_in_parens(h: str) -> str:
    m = re.search(r"\(([^()]*)\)\s*$", h) or re.search(r"\(([^()]*)\)", h)
    return m.group(1).strip() if m else ""


_TOTAL_ROW = re.compile(r"(?i)^total$")
_MISSING = re.compile(r"(?i)^(|-|—|–|n/?a|none|unknown|tbd|\?)$")


def _family(names: list[str]) -> str:
    """Common leading words of the row names: 'Llama 3.1 8B', 'Llama 3.1 70B' -> 'Llama 3.1'."""
    if not names:
        return ""
    split = [n.split() for n in names]
    common: list[str] = []
    for words in zip(*split, strict=False):
        if all(w == words[0] for w in words):
            common.append(words[0])
        else:
            break
    if len(common) == len(split[0]) and len(names) > 1:
        common = common[:-1]
    return " ".join(common)


def _extract_tables(ctx: _Ctx, text: str, skip_lines: set[int]) -> None:
    tables = find_pipe_tables(ctx.lines, skip_lines) + find_html_tables(text)
    tables.sort(key=lambda t: t.start_line)
    footprint_tables: list[tuple[_Table, list[tuple[int, tuple[str, str, str]]]]] = []
    for t in tables:
        if t.start_line in skip_lines:
            continue
        cols = [(i, c) for i, h in enumerate(t.header) if (c := _classify_column(h)) is not None]
        numeric = [c for c in cols if c[1][0] != "gpu"]
        first = clean_inline(t.header[0]).lower() if t.header else ""
        # Only tables keyed by model name: an empty first header cell or 'Model ...'. This keeps
        # out checkpoint tables (TeenyTinyLlama 'Processed Tokens') and benchmark tables.
        if not numeric or not (first == "" or first.startswith("model")):
            continue
        t.name = _table_name(ctx.lines, t.start_line)
        footprint_tables.append((t, cols))

    for t, _ in footprint_tables:
        for _, cells in t.rows:
            if cells and not _TOTAL_ROW.match(clean_inline(cells[0])) and clean_inline(cells[0]):
                ctx.table_models.append(normalise_model_name(cells[0]))
    models = list(dict.fromkeys(ctx.table_models))
    if len(models) >= 2:
        fam = _family(models) or ctx.card_model
        ctx.aggregate = f"{fam} (total)"
    elif len(models) == 1:
        ctx.aggregate = models[0]

    for t, cols in footprint_tables:
        for ln in range(t.start_line, t.end_line + 1):
            ctx.consumed.add(ln)
        for r_idx, (line, cells) in enumerate(t.rows):
            if not cells:
                continue
            label = clean_inline(cells[0])
            if not label:
                continue
            is_total = bool(_TOTAL_ROW.match(label))
            model = ctx.aggregate if is_total else normalise_model_name(cells[0])
            if is_total and not model:
                model = f"{ctx.card_model} (total)"
            for idx, (fld, phase, unit) in cols:
                if idx >= len(cells) or idx == 0:
                    continue
                cell_line = t.cell_lines.get((r_idx, idx), line)
                _table_cell(
                    ctx, t, cell_line, model, label, t.header[idx], cells[idx], fld, phase, unit
                )


_FOOTNOTE = re.compile(r"(\*+|\^|†)$")
_GPU_AND_PLACE = re.compile(r"^(.*?)\s*\((.*)\)\s*$")
_NEGLIGIBLE = re.compile(r"(?i)\*?\s*negligible\s*\**")
_NUMBER_AND_UNIT = re.compile(rf"({NUM}\s*[kKM]?)\s*([A-Za-z₂/ ]+)")


def _table_cell(
    ctx: _Ctx,
    t: _Table,
    line: int,
    model: str,
    row_label: str,
    header: str,
    cell: str,
    fld: str,
    phase: str,
    unit: str,
) -> None:
    col = _short(clean_inline(header), 90)
    locator = f"table '{t.name}' row '{row_label}' col '{col}' (line {line})"
    raw_cell = cell.strip()
    c = clean_inline(raw_cell)
    notes: list[str] = []
    if phase == "development":
        notes.append(f"column '{col}': compute outside the training run itself")
    footnote = _FOOTNOTE.search(c)
    if footnote and c.rstrip("*^†").strip():
        notes.append(f"cell carries footnote marker {footnote.group(1)!r}")
        c = c.rstrip("*^†").strip()
    if _MISSING.match(c):
        return
    if fld == "gpu":
        m = _GPU_AND_PLACE.match(c)
        gpu = m.group(1) if m else c
        ctx.add(_Draft(model, phase, "gpu", gpu, locator, c, origin="table"))
        if m and m.group(2).strip():
            ctx.add(
                _Draft(
                    model,
                    phase,
                    "location",
                    m.group(2).strip(),
                    locator,
                    c,
                    "medium",
                    ["location taken from the parenthesis beside the GPU type"],
                    origin="table",
                )
            )
        return
    if "negligible" in c.lower() or _NEGLIGIBLE.fullmatch(c.strip("*")):
        ctx.warn(
            f"{ctx.source_url}: {model} {fld} cell {raw_cell!r} at line {line} is not a number "
            "(negligible); no fact"
        )
        return
    value: float | None = None
    confidence = "high"
    raw = c
    num = parse_number(c)
    if num is not None:
        value = _apply_unit(ctx, fld, num, unit, locator)
        if value is None:
            return
    else:
        # A number with its own unit in the cell ('135 MWh', '12.9 t').
        m = _NUMBER_AND_UNIT.fullmatch(c)
        if m and (n2 := parse_number(m.group(1))) is not None:
            value = _apply_unit(ctx, fld, n2, m.group(2).strip(), locator)
            if value is None:
                return
        elif fld == "gpu_hours":
            stages = re.findall(
                rf"({NUM}\s*[kKM]?)\s+(?:[A-Z]\d{{2,4}}\w*\s+)?(?:GPU[- ])?hours", c
            )
            if stages:
                nums = [parse_number(s) for s in stages]
                if all(x is not None for x in nums):
                    value = sum(x for x in nums if x is not None)
                    confidence = "medium"
                    labels = re.findall(
                        rf"([A-Za-z][A-Za-z0-9 ]*?)\s*:\s*({NUM}\s*[kKM]?)\s+"
                        r"(?:[A-Z]\d{2,4}\w*\s+)?(?:GPU[- ])?hours",
                        c,
                    )
                    desc = (
                        " + ".join(f"{lab.strip()} {n.strip()}" for lab, n in labels)
                        if len(labels) == len(stages)
                        else " + ".join(s.strip() for s in stages)
                    )
                    notes.append(f"sum of the stages in the cell: {_short(desc, 150)}")
                    raw = " + ".join(s.strip() for s in stages)
        if value is None:
            ctx.warn(
                f"{ctx.source_url}: unparsable cell {_short(raw_cell, 80)!r} for {model} "
                f"column '{col}' at line {line}; no fact"
            )
            return
    if _TOTAL_ROW.match(row_label):
        notes.append("table 'Total' row")
    ctx.add(
        _Draft(
            model,
            phase,
            fld,
            _g(value),
            locator,
            raw,
            confidence,
            notes,
            origin="table",
        )
    )


def _apply_unit(ctx: _Ctx, fld: str, num: float, unit: str, locator: str) -> float | None:
    """Convert `num` written in `unit` to the field's canonical unit; warn when unknown."""
    u = unit.strip()
    if fld in ("co2e_t", "co2e_market_t"):
        f = mass_factor(u) if u else None
        if f is None:
            ctx.warn(f"{ctx.source_url}: unknown emissions unit {u!r} at {locator}; no fact")
            return None
        return num * f
    if fld == "energy_mwh":
        f = energy_factor(u) if u else None
        if f is None:
            ctx.warn(f"{ctx.source_url}: unknown energy unit {u!r} at {locator}; no fact")
            return None
        return num * f
    if fld == "carbon_intensity_kg_per_kwh":
        ul = u.lower().replace("₂", "2").replace(" ", "")
        if ul.startswith("kg"):
            return num
        if ul.startswith("g"):
            return num / 1000
        ctx.warn(f"{ctx.source_url}: unknown carbon-intensity unit {u!r} at {locator}; no fact")
        return None
    if fld == "gpu_hours":
        if u and u.lower() not in ("h", "hours", "gpu hours", "hour"):
            ctx.warn(f"{ctx.source_url}: unknown time unit {u!r} at {locator}; no fact")
            return None
        return num
    if fld == "power_w":
        if u and u.upper() not in ("W",):
            f = {"KW": 1e3, "MW": 1e6}.get(u.upper())
            if f is None:
                ctx.warn(f"{ctx.source_url}: unknown power unit {u!r} at {locator}; no fact")
                return None
            return num * f
        return num
    return num


# --------------------------------------------------------------------------------------------
# "Key: value" blocks (ML CO2 Impact template, Tucano/TTL/Aira bodies, Azure cards, Phi-3)

_KV_BOLD = re.compile(
    r"^\s*(?:[-*+]\s+)?\*\*([^*]{1,200}?)\*\*\s*(?:\*[^*]{0,200}\*\s*)?:?\s*(.*)$"
)
_KV_PLAIN = re.compile(r"^\s*[-*+]\s+([A-Za-z][A-Za-z ]{1,40}?)\s*:\s*(.+)$")
_ITALIC_LABEL = re.compile(r"^\s*\*([^*]{2,80})\*\s*$")
_ACCEL = re.compile(
    r"(?i)\b(gpus?|tpu|a100|h100|h800|h200|a800|v100|p100|a40|a10g?|l40s?|l4|t4|mi\d{3}x?|"
    r"rtx|gaudi|trainium|ipu)"
)
_UNKNOWN = re.compile(
    r"(?i)^[\[(]?\s*(unknown|more information needed|n/?a|not specified|unavailable|tbd|"
    r"forthcoming|-|none)\s*\.?\s*[\])]?\.?$"
)
_PRECISIONS = {
    "bfloat16": "bf16",
    "bf16": "bf16",
    "float16": "fp16",
    "fp16": "fp16",
    "half": "fp16",
    "float32": "fp32",
    "fp32": "fp32",
    "tf32": "tf32",
    "fp8": "fp8",
    "int8": "int8",
    "mixed precision": "mixed",
}


def _kv_key(raw_key: str) -> str:
    k = clean_inline(raw_key).lower().rstrip(":").strip()
    k = re.sub(r"\s*\(.*?\)\s*", " ", k).strip()
    return k


_KV_FIELDS = {
    "hardware type": "hw",
    "hardware": "hw",
    "hardware used": "hw",
    "gpu": "hw",
    "gpus": "hw",
    "hours used": "hours",
    "training time": "time",
    "training duration": "time",
    "time": "time",
    "compute region": "region",
    "cloud provider": "provider",
    "carbon emitted": "co2",
    "emissions": "co2",
    "carbon emissions": "co2",
    "co2 emissions": "co2",
    "estimated carbon emissions": "co2",
    "server training location": "region",
    "training location": "region",
    "total energy consumption": "energy",
    "energy consumption": "energy",
    "precision": "precision",
}


def _label_scope(label: str, card_model: str) -> tuple[str, str, list[str]]:
    """A block label ('IDEFICS-9b pretraining', 'Preliminary experimentation') -> model, phase."""
    lab = clean_inline(label).strip(" :*_")
    if len(lab) > 120:  # a paragraph, not a label
        return card_model, "training", []
    if re.search(r"(?i)experiment|preliminary|development|ablation", lab):
        return card_model, "development", [f"block '{_short(lab, 60)}'"]
    m = re.match(r"(?i)^(.+?)\s+(pre-?training|fine-?tuning|finetuning|training)$", lab)
    if m and re.search(r"\d", m.group(1)) and len(m.group(1)) <= 60:
        return m.group(1).strip(), "training", [f"block '{_short(lab, 60)}'"]
    # 'DALL·E Mega Estimated Emissions' inside the DALL·E Mini card is about the other model.
    m = re.match(r"(?i)^(.+?)\s+(?:estimated\s+)?(?:carbon\s+)?emissions$", lab)
    if (
        m
        and len(m.group(1)) <= 60
        and _loose(m.group(1)) != _loose(card_model)
        and _loose(m.group(1)) not in ("estimated", "co2", "carbon", "training")
    ):
        return m.group(1).strip(), "training", [f"block '{_short(lab, 60)}'"]
    return card_model, "training", []


def _extract_kv_blocks(ctx: _Ctx, start_line: int) -> None:
    lines = ctx.lines
    label = ""
    block: list[tuple[int, str, str]] = []
    in_code = False

    def flush() -> None:
        if block:
            _kv_block(ctx, block, label)
        block.clear()

    for i in range(start_line, len(lines)):
        ln = i + 1
        s = lines[i]
        if s.lstrip().startswith("```"):
            in_code = not in_code
            flush()
            continue
        if in_code or ln in ctx.consumed:
            continue
        if s.lstrip().startswith("#"):
            flush()
            label = s.strip().lstrip("#").strip()
            continue
        if _ITALIC_LABEL.match(s):
            flush()
            label = _ITALIC_LABEL.match(s).group(1)  # type: ignore[union-attr]
            continue
        m = _KV_BOLD.match(s) or _KV_PLAIN.match(s)
        if m:
            key = _kv_key(m.group(1))
            kind = _KV_FIELDS.get(key)
            if kind:
                block.append((ln, kind, m.group(2).strip()))
                ctx.consumed.add(ln)  # the prose pass must not read this figure twice
                continue
    flush()


def _kv_block(ctx: _Ctx, block: list[tuple[int, str, str]], label: str) -> None:
    model, phase, base_notes = _label_scope(label, ctx.card_model)
    entries = {kind: (ln, val) for ln, kind, val in reversed(block)}  # first occurrence wins
    count: int | None = None
    provider = ""
    if "provider" in entries:
        pv = clean_inline(entries["provider"][1])
        if not _UNKNOWN.match(pv):
            provider = pv
    for ln, kind, val in block:
        v = clean_inline(val)
        if not v or _UNKNOWN.match(v):
            continue
        loc = f"line {ln}" + (f" (block '{_short(clean_inline(label), 60)}')" if label else "")
        notes = list(base_notes)
        if kind == "hw":
            if not _ACCEL.search(v):
                continue
            c, gpu = split_hardware(v)
            multi = bool(re.search(r",| and ", gpu)) and len(_ACCEL.findall(gpu)) > 1
            if multi:
                ctx.warn(
                    f"{ctx.source_url}: several hardware types for {model} at line {ln}: "
                    f"{_short(v, 80)!r}; kept as written"
                )
                ctx.add(_Draft(model, phase, "gpu", v, loc, v, "low", [*notes, "several types"]))
            else:
                ctx.add(_Draft(model, phase, "gpu", gpu, loc, v, "high", notes, origin="kv"))
            if c is not None:
                count = c
                ctx.add(_Draft(model, phase, "gpu_count", str(c), loc, v, notes=notes, origin="kv"))
        elif kind == "precision":
            p = _PRECISIONS.get(v.lower().strip(" ."))
            if p is None:  # 'Precision: 0.9998' is a classification metric, not a dtype
                continue
            ctx.add(_Draft(model, phase, "precision", p, loc, v, notes=notes, origin="kv"))
    # Second pass: quantities that depend on the device count found above.
    for ln, kind, val in block:
        v = clean_inline(val)
        if not v or _UNKNOWN.match(v):
            continue
        loc = f"line {ln}" + (f" (block '{_short(clean_inline(label), 60)}')" if label else "")
        notes = list(base_notes)
        if kind == "hours":
            _kv_hours(ctx, model, phase, v, loc, notes, count)
        elif kind == "time":
            d = parse_duration_days(v)
            if d is None:
                ctx.warn(f"{ctx.source_url}: training time {v!r} at {loc} not understood")
                continue
            conf = "medium"
            ctx.add(
                _Draft(
                    model,
                    phase,
                    "duration_days",
                    _g(round(d[0], 6)),
                    loc,
                    v,
                    conf,
                    notes,
                    origin="kv",
                )
            )
        elif kind == "region":
            _kv_region(ctx, model, phase, v, loc, notes, provider)
        elif kind == "co2":
            _kv_co2(ctx, model, phase, v, loc, notes)
        elif kind == "energy":
            m = re.match(rf"^~?\s*({NUM})\s*([kKMG]?Wh)\b", v)
            if not m:
                ctx.warn(f"{ctx.source_url}: energy {v!r} at {loc} not understood; no fact")
                continue
            num = parse_number(m.group(1))
            f = energy_factor(m.group(2))
            if num is None or f is None:
                continue
            ctx.add(
                _Draft(
                    model,
                    phase,
                    "energy_mwh",
                    _g(num * f),
                    loc,
                    m.group(0),
                    "high",
                    notes,
                    origin="kv",
                )
            )


def _kv_hours(
    ctx: _Ctx, model: str, phase: str, v: str, loc: str, notes: list[str], count: int | None
) -> None:
    # 'A = B = 2560 GPU-hours': the last figure is the result.
    seg = v.rsplit("=", 1)[1].strip() if "=" in v else v
    typed = re.findall(rf"({NUM}\s*[kKM]?)\s+([A-Z]\w*\s+)?(GPU|TPU|CPU)[- ]hours", seg)
    if typed:
        for num_s, kind_s, dev in typed:
            if dev == "CPU":
                continue
            num = parse_number(num_s)
            if num is None:
                continue
            extra = [f"{kind_s.strip()} {dev} hours"] if kind_s.strip() else []
            several = len([t for t in typed if t[2] != "CPU"]) > 1
            if several:
                extra.append("one of several hardware types in the block; not the whole run")
            ctx.add(
                _Draft(
                    model,
                    phase,
                    "gpu_hours",
                    _g(num),
                    loc,
                    seg,
                    "medium" if several else "high",
                    notes + extra,
                    origin="kv",
                    partial=several,
                )
            )
        return
    approx = re.match(r"(?i)^(about|approximately|approx\.?|around|roughly|~)\s*", seg)
    if approx:
        seg = seg[approx.end() :]
        notes = [*notes, "approximate"]
    if re.match(rf"^{NUM}\s*(?:hours?)?\s*[-–]\s*{NUM}", seg):
        ctx.warn(f"{ctx.source_url}: hours {v!r} at {loc} is a range; no fact")
        return
    m = re.match(rf"^({NUM})\s*(?:hours?|h)?\b(.*)$", seg)
    if not m:
        ctx.warn(f"{ctx.source_url}: hours {v!r} at {loc} not understood; no fact")
        return
    hours = parse_number(m.group(1))
    if hours is None:
        return
    rest = m.group(2)
    wall_clock = (count is not None and count > 1) or bool(
        re.search(r"(?i)\(\s*[\d.]+\s*(days?|weeks?)|\(\s*(one|a|1)\s+week", rest)
    )
    if wall_clock:
        why = (
            f"read as wall-clock time because the hardware line gives {count} devices"
            if count
            else "read as wall-clock time (the card converts it to days)"
        )
        ctx.add(
            _Draft(
                model,
                phase,
                "duration_days",
                _g(round(hours / 24, 6)),
                loc,
                v,
                "medium",
                [*notes, f"'Hours used' {why}"],
                origin="kv",
            )
        )
        if count and count > 1:
            ctx.add(
                _Draft(
                    model,
                    phase,
                    "gpu_hours",
                    _g(hours * count),
                    loc,
                    v,
                    "low",
                    [*notes, f"derived: {count} devices x {m.group(1)} h"],
                    origin="kv",
                )
            )
    else:
        conf = "medium" if approx else "high"
        ctx.add(_Draft(model, phase, "gpu_hours", _g(hours), loc, v, conf, notes, origin="kv"))


def _kv_region(
    ctx: _Ctx, model: str, phase: str, v: str, loc: str, notes: list[str], provider: str
) -> None:
    conf = "high"
    region = v
    m = re.search(r"(?i)assumed\s+(.+?)\s+for\s+calculations", v)
    if m:
        region = m.group(1)
        conf = "low"
        notes = [*notes, f"card: {_short(v, 80)}"]
    ci = re.search(r"\(\s*(\d+(?:\.\d+)?)\s*(g|kg)\s*CO2\s*(?:eq|e)?\s*/\s*kWh\s*\)", region, re.I)
    if ci:
        val = float(ci.group(1)) / (1000 if ci.group(2).lower() == "g" else 1)
        ctx.add(
            _Draft(
                model,
                phase,
                "carbon_intensity_kg_per_kwh",
                _g(val),
                loc,
                ci.group(0).strip("()"),
                "high",
                list(notes),
                origin="kv",
            )
        )
        region = (region[: ci.start()] + region[ci.end() :]).strip()
    pm = re.search(r"\s*\(([^()]*)\)\s*$", region)
    if pm and region[: pm.start()].strip():
        notes = [*notes, f"card: ({_short(pm.group(1), 60)})"]
        region = region[: pm.start()].strip()
    if provider:
        notes = [*notes, f"cloud provider: {provider}"]
    if region:
        ctx.add(_Draft(model, phase, "location", region, loc, v, conf, notes, origin="kv"))


_CO2_VALUE = re.compile(
    rf"^~?\s*({NUM})\s*(metric\s+tons?|tonnes?|tons?|kgs?|g|t|lbs?)\s*(?:of\s+)?"
    r"(?:eq\.?\s*)?(?:CO\s*[2₂]\s*(?:-?\s*eq\.?|e)?)?\s*(?:eq\.?)?\s*(.*)$",
    re.IGNORECASE,
)
_CO2_GLUED = re.compile(rf"^~?\s*({NUM})\s*(t|kg|g)CO\s*[2₂]\s*(?:eq|e)?\b\s*(.*)$", re.IGNORECASE)


def _kv_co2(ctx: _Ctx, model: str, phase: str, v: str, loc: str, notes: list[str]) -> None:
    if not re.search(r"\d", v):
        return  # 'stats are logged in this file': nothing to read, nothing to warn about
    m = _CO2_GLUED.match(v) or _CO2_VALUE.match(v)
    if not m:
        # A sentence as the value ('Total emissions are estimated to be 247.77 kgCO2 ...').
        pm = _PROSE_CO2.search(v)
        if pm:
            num = parse_number(pm.group(1) or pm.group(3))
            f = mass_factor(pm.group(2) or pm.group(4))
            if num is not None and f is not None:
                ctx.add(
                    _Draft(
                        model,
                        phase,
                        "co2e_t",
                        _g(num * f),
                        loc,
                        pm.group(0),
                        "medium",
                        notes,
                        origin="kv",
                    )
                )
                return
        ctx.warn(f"{ctx.source_url}: emissions {v!r} at {loc} not understood; no fact")
        return
    num = parse_number(m.group(1))
    f = mass_factor(m.group(2))
    if num is None or f is None:
        ctx.warn(f"{ctx.source_url}: emissions unit in {v!r} at {loc} not understood; no fact")
        return
    raw = v[: m.end(2)].strip() if m.re is _CO2_VALUE else v[: v.find(m.group(3))].strip() or v
    ctx.add(_Draft(model, phase, "co2e_t", _g(num * f), loc, raw, "high", notes, origin="kv"))
    tail = m.group(3).strip()
    # '(Germany)' after the figure is the place (Tucano/Aira); '(According to ...)' is not.
    pm = re.fullmatch(r"\(([A-Z][A-Za-z .'-]{1,40})\)", tail)
    if pm and not re.search(r"(?i)according|calculator|estimat|provided|approx", tail):
        ctx.add(
            _Draft(
                model,
                phase,
                "location",
                pm.group(1).strip(),
                loc,
                tail,
                "medium",
                [*notes, "location from the parenthesis after the emissions"],
                origin="kv",
            )
        )


# --------------------------------------------------------------------------------------------
# Prose

_GPU_HOURS_PROSE = re.compile(
    rf"({NUM}\s*[kKM]?)\s*(?:([A-Z]{{1,3}}\d{{2,4}}[A-Za-z0-9-]*)\s+)?GPU[- ]hours", re.UNICODE
)
_PROSE_CO2 = re.compile(
    rf"({NUM}\s*[kKM]?)\s*(metric\s+tons?|tonnes?|tons?|kgs?|t)\s*(?:of\s+)?CO\s*[2₂]\s*-?\s*(?:eq|e)\b"
    rf"|({NUM}\s*[kKM]?)\s*(t|kg)CO\s*[2₂]\s*(?:eq|e)?\b",
    re.IGNORECASE,
)
_HW_TYPE = r"((?:NVIDIA\s+)?(?:[AHV]\d{3}|H800|A800|MI\d{3}X?|TPU\s?v\d|L40S?|A40)[\w\- ]{0,20}?)"
_PROSE_GPU_COUNT = re.compile(
    rf"\b(\d[\d,]*)\s*(?:x\s*)?{_HW_TYPE}\s*GPUs\b|\b(\d[\d,]*)\s*x\s*{_HW_TYPE}(?=[\s.,;)]|$)"
)
_PROSE_HW_ONLY = re.compile(
    r"(?:hardware of type|on)\s+((?:NVIDIA\s+)?[AHV]\d{3}[\w-]*)\s*(?:\(TDP of ([^()]{1,20})\))?",
)
_PROSE_REGION = re.compile(
    r"(?i)compute region (?:was|is|:)\s+([A-Za-z][\w -]{1,40}?)\s*(?:[.,;]|$)"
)
_NODES_EACH = re.compile(
    rf"(?i)\b(\d{{1,6}})\s+nodes\s+with\s+(\d{{1,4}})\s+{_HW_TYPE}\s*GPUs\s+each",
)
_PROSE_DURATION = re.compile(
    r"(?i)\b(?:took|lasted|trained for|training for|for)\s+(?:about|approximately|around|~)?\s*"
    r"(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|an?)\s*"
    r"(days?|weeks?|months?)\b"
)


_DIGIT = re.compile(r"\d")


def _extract_prose(ctx: _Ctx, start_line: int) -> None:
    in_code = False
    for i in range(start_line, len(ctx.lines)):
        ln = i + 1
        raw_line = ctx.lines[i]
        if not raw_line:
            continue
        if raw_line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        if in_code or ln in ctx.consumed:
            continue
        if not _DIGIT.search(raw_line):
            continue  # every prose figure has a digit; skip the cost of cleaning the line
        line = clean_inline(raw_line)
        for sent in _sentences(line):
            _prose_sentence(ctx, sent, ln)


def _loose(name: str) -> str:
    return re.sub(r"[\W_]+", "", name).casefold()


_SUBJECT = re.compile(
    r"^[\s*-]{0,10}([A-Za-z][\w.·-]{0,40}?\d[\w.·-]{0,40})\s+(?:took|was|were|is|has|had|finetuned|fine-tuned|"
    r"trained|requires|required|used|utili[sz]ed)\b"
)


def _sentence_model(ctx: _Ctx, sent: str, aggregate: bool) -> str:
    """Prose figures belong to the card's model; cumulative ones to the card's aggregate; a
    sentence whose subject is a sibling model ('IDEFICS-80B took ~28 days') to that model."""
    m = _SUBJECT.match(sent)
    if m and _loose(m.group(1)) != _loose(ctx.card_model):
        subj = m.group(1).rstrip(".")
        for known in ctx.known_models:
            if _loose(known) == _loose(subj):
                return known
        if _loose(subj)[:4] == _loose(ctx.card_model)[:4]:
            return subj
    if aggregate:
        return ctx.aggregate or ctx.card_model
    models = set(ctx.table_models)
    return next(iter(models)) if len(models) == 1 else ctx.card_model


_AGGREGATE = re.compile(r"cumulative|in aggregate|\btotal\b|all \d+ ")
_DEVELOPMENT = re.compile(r"entire .* project|preliminary|experiment")
_ABOUT_EMISSIONS = re.compile(r"emission|emitted|carbon footprint|co2")
_ABOUT_TRAINING = re.compile(r"train|fine-?tun")


def _prose_sentence(ctx: _Ctx, sent: str, ln: int) -> None:
    low = sent.lower()
    is_agg = bool(_AGGREGATE.search(low))
    model = _sentence_model(ctx, sent, is_agg)
    phase = "development" if _DEVELOPMENT.search(low) else "training"
    loc = f"line {ln}"
    # GPU hours
    for m in _GPU_HOURS_PROSE.finditer(sent):
        num = parse_number(m.group(1))
        if num is None:
            continue
        notes: list[str] = []
        partial = False
        before = low[: m.start()]
        after = low[m.end() : m.end() + 60]
        if re.search(r"subsequent|after pre-?training|post-training", low):
            partial = True
            notes.append("partial: stages after pre-training only, not the whole run")
        elif (
            re.search(r"pre-?training", low) and not is_agg and not re.search(r"full training", low)
        ):
            partial = True
            notes.append("partial: pre-training stage only, not the whole run")
        if "full training" in after or "full training" in before:
            notes.append("card: full training")
        ctx.add(
            _Draft(
                model,
                phase,
                "gpu_hours",
                _g(num),
                loc,
                m.group(0).strip(),
                "medium",
                notes,
                partial=partial,
            )
        )
        if m.group(2):
            ctx.add(_Draft(model, phase, "gpu", m.group(2), loc, m.group(2), "medium"))
    # Hardware and TDP ('on hardware of type A100-80GB (TDP of 350-400W)', 'on H100-80GB (TDP
    # of 700W)'): a gpu fact for the card's models; power as TDP.
    hw = _PROSE_HW_ONLY.search(sent)
    if hw and ("gpu hours" in low or "tdp" in low):
        targets = list(dict.fromkeys(ctx.table_models)) or [model]
        if ctx.aggregate and ctx.aggregate not in targets:
            targets.append(ctx.aggregate)
        for t in targets:
            ctx.add(
                _Draft(
                    t,
                    "training",
                    "gpu",
                    hw.group(1),
                    loc,
                    hw.group(0),
                    "medium",
                    ["hardware stated once for the card's models"],
                )
            )
        if hw.group(2):
            p = parse_number(re.sub(r"(?i)\s*w$", "", hw.group(2).strip()))
            if p is None:
                ctx.warn(
                    f"{ctx.source_url}: TDP range {hw.group(2)}W at line {ln} is not one figure; "
                    "no power fact"
                )
            elif not any(d.field == "power_w" for d in ctx.drafts):
                ctx.add(
                    _Draft(
                        ctx.aggregate or model,
                        "training",
                        "power_w",
                        _g(p),
                        loc,
                        f"TDP of {hw.group(2)}W",
                        "medium",
                        ["TDP stated in prose"],
                    )
                )
    # Emissions
    if _ABOUT_EMISSIONS.search(low):
        for m in _PROSE_CO2.finditer(sent):
            num_s = m.group(1) or m.group(3)
            unit = m.group(2) or m.group(4)
            num = parse_number(num_s)
            f = mass_factor(unit)
            if num is None or f is None:
                continue
            head = low[: m.start()]
            fld = "co2e_market_t" if "market-based" in head[-200:] else "co2e_t"
            if fld == "co2e_t" and "location-based" not in head and "market-based" in head:
                fld = "co2e_market_t"
            ctx.add(_Draft(model, phase, fld, _g(num * f), loc, m.group(0).strip(), "medium"))
    rm = _PROSE_REGION.search(sent)
    if rm:
        ctx.add(
            _Draft(model, "training", "location", rm.group(1).strip(), loc, rm.group(0), "medium")
        )
    # GPU count and type ('trained on 384 A100 40GB GPUs', '1024 x H100', '16 nodes with 4
    # A100 GPUs each'); spare GPUs 'in reserve' are not the training run's.
    nm = _NODES_EACH.search(sent)
    if nm:
        n = int(nm.group(1)) * int(nm.group(2))
        ctx.add(
            _Draft(
                model,
                "training",
                "gpu_count",
                str(n),
                loc,
                nm.group(0),
                "medium",
                [f"{nm.group(1)} nodes x {nm.group(2)} GPUs"],
            )
        )
        ctx.add(_Draft(model, "training", "gpu", nm.group(3).strip(), loc, nm.group(0), "medium"))
    elif "reserve" not in low:
        for m in _PROSE_GPU_COUNT.finditer(sent):
            n_s = m.group(1) or m.group(3)
            gpu = (m.group(2) or m.group(4) or "").strip()
            if m.group(3) and "train" not in low:
                continue  # '1xA100-80GB' for deployment is not the training cluster
            count = parse_number(n_s)
            if count is None or count < 1 or count != int(count):
                continue
            ctx.add(
                _Draft(model, "training", "gpu_count", str(int(count)), loc, m.group(0), "medium")
            )
            if gpu:
                ctx.add(_Draft(model, "training", "gpu", gpu, loc, m.group(0), "medium"))
    # Duration ('took about two weeks', 'for 2 months'); only in sentences about training.
    if _ABOUT_TRAINING.search(low):
        dm = _PROSE_DURATION.search(sent)
        if dm and not re.search(r"\d\s*[-–]\s*\d+\s*days", sent):
            d = parse_duration_days(dm.group(1) + " " + dm.group(2))
            if d is not None:
                note = ["months taken as 30.44 days"] if "month" in dm.group(2).lower() else []
                ctx.add(
                    _Draft(
                        model,
                        "training",
                        "duration_days",
                        _g(round(d[0], 6)),
                        loc,
                        dm.group(0),
                        "medium",
                        note,
                    )
                )


# --------------------------------------------------------------------------------------------
# Cross-checks


_NUMERIC_FIELDS = {
    "gpu_hours",
    "gpu_count",
    "duration_days",
    "power_w",
    "energy_mwh",
    "co2e_t",
    "co2e_market_t",
    "carbon_intensity_kg_per_kwh",
}


def _dedupe(drafts: list[_Draft]) -> list[_Draft]:
    """Drop prose repeats of a figure already read from prose, a key/value line or the front
    matter (Falcon states its GPUs twice). A prose total that repeats a table's Total row is kept:
    the brief asks for the card's prose totals as their own (medium-confidence) facts.
    """
    seen: set[tuple[str, str, str, str]] = set()
    out: list[_Draft] = []
    order = {"front_matter": 0, "table": 1, "kv": 2, "prose": 3}
    for d in sorted(drafts, key=lambda d: order.get(d.origin, 9)):
        key = (d.model, d.phase, d.field, d.value.lower())
        if d.origin == "prose" and key in seen:
            continue
        if d.origin != "table":
            seen.add(key)
        out.append(d)
    # Keep the card's reading order for the output.
    pos = {id(d): i for i, d in enumerate(drafts)}
    out.sort(key=lambda d: pos[id(d)])
    return out


def _cross_check(ctx: _Ctx, drafts: list[_Draft]) -> None:
    groups: dict[tuple[str, str, str], list[_Draft]] = {}
    for d in drafts:
        if d.partial:
            continue
        groups.setdefault((d.model, d.phase, d.field), []).append(d)
    for (model, _phase, fld), ds in groups.items():
        if len(ds) < 2:
            continue
        if fld in _NUMERIC_FIELDS:
            vals = [float(d.value) for d in ds]
            lo, hi = min(vals), max(vals)
            if hi == 0 or (hi - lo) / hi <= CONTRADICTION_TOLERANCE:
                continue
            a = next(d for d in ds if float(d.value) == lo)
            b = next(d for d in ds if float(d.value) == hi)
            kg_in_g = _kg_in_grams(a, b)
            if kg_in_g is not None:
                fm, body = kg_in_g
                msg = (
                    f"{ctx.source_url}: {model} co2_eq_emissions {fm.raw} looks like kilograms "
                    f"written in the grams field (the body states {body.raw} at {body.locator})"
                )
            else:
                msg = (
                    f"{ctx.source_url}: contradiction for {model} {fld}: {a.raw!r} ({a.value}, "
                    f"{a.locator}) vs {b.raw!r} ({b.value}, {b.locator}); both kept"
                )
            ctx.warn(msg)
            for d in ds:
                others = ", ".join(o.raw for o in ds if o is not d and o.value != d.value)
                if others:
                    d.notes.append(f"contradicted in the same card by {_short(others, 80)}")
        elif fld == "location":
            plain = [d for d in ds if _comparable_location(d.value)]
            countries = {_country_key(d.value) for d in plain}
            if len(countries) > 1:
                where = " vs ".join(f"{d.value!r} ({d.locator})" for d in plain)
                ctx.warn(f"{ctx.source_url}: contradiction for {model} location: {where}")
                for d in plain:
                    d.notes.append("location contradicted elsewhere in the card")


def _country_key(loc: str) -> str:
    return loc.split(",")[-1].strip().lower()


def _comparable_location(loc: str) -> bool:
    """Only plain place names are compared: a cloud region ('us-east1') and a description
    ('East USA') name the same place in ways only the later resolution step can match."""
    return not re.search(r"(?i)\d|\b(east|west|north|south|central)\b|-", loc)


def _kg_in_grams(a: _Draft, b: _Draft) -> tuple[_Draft, _Draft] | None:
    """If one figure comes from the front matter and equals the other x1e-3, it was kilograms."""
    if a.field != "co2e_t":
        return None
    pairs = [(a, b), (b, a)]
    for fm, body in pairs:
        if fm.origin == "front_matter" and body.origin != "front_matter":
            x, y = float(fm.value), float(body.value)
            if y and abs(x * 1000 - y) / y <= CONTRADICTION_TOLERANCE:
                fm.notes.append(
                    "value looks like kilograms in the grams field; recorded as written"
                )
                return fm, body
    return None


# --------------------------------------------------------------------------------------------
# Entry point


def parse_card(
    text: str, source_url: str, *, model_hint: str | None = None, source_kind: str = "card"
) -> CardParse:
    """Parse one model card into disclosure facts.

    Raises CardError for cards that are too big or whose front matter is unsafe, malformed or not
    a mapping. Everything else (odd cells, unknown units, contradictions) becomes a warning.
    """
    if not isinstance(text, str):
        raise CardError(f"{source_url}: card text must be str, got {type(text).__name__}")
    if len(text) > MAX_CARD_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_CARD_BYTES:
        raise CardError(f"{source_url}: card is larger than {MAX_CARD_BYTES} bytes; rejected")
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    fm, fm_lines = split_front_matter(text, source_url)
    lines = text.split("\n")

    heading = None
    in_code = False
    for s in lines[fm_lines:]:
        if s.lstrip().startswith("```"):
            in_code = not in_code
        if not in_code and s.startswith("# "):
            heading = _name_from_heading(s[2:])
            break
    named = model_hint or _model_from_front_matter(fm) or heading
    warnings: list[str] = []
    ctx = _Ctx(source_url, source_kind, lines, named or "")
    # Blank out the front matter so body passes never read YAML as Markdown.
    skip = set(range(1, fm_lines + 1))
    body_text = "\n" * fm_lines + "\n".join(lines[fm_lines:]) if fm_lines else text
    ctx.consumed |= skip

    _extract_tables(ctx, body_text, skip)
    if not named:
        fam = ctx.aggregate.removesuffix(" (total)") if ctx.aggregate else ""
        named = fam or None
        if not named:
            stem = re.sub(r"\.(md|markdown|txt|html?)$", "", source_url.rstrip("/").split("/")[-1])
            fallback = stem or "unknown model"
            warnings.append(
                f"{source_url}: no model name in hint, front matter or heading; "
                f"using {fallback!r} from the source URL"
            )
            ctx.card_model = fallback
        else:
            ctx.card_model = named
        # Rows were read with an empty card model; repair the aggregate fallbacks.
        for d in ctx.drafts:
            if not d.model or d.model == " (total)":
                d.model = ctx.aggregate or ctx.card_model
    if not ctx.aggregate:
        ctx.aggregate = ""

    _extract_front_matter(ctx, fm, fm_lines)
    _extract_kv_blocks(ctx, fm_lines)
    block_models = list(dict.fromkeys(d.model for d in ctx.drafts if d.origin == "kv"))
    ctx.known_models = list(dict.fromkeys(ctx.table_models + block_models))
    if not ctx.aggregate and len([m for m in block_models if m != ctx.card_model]) >= 2:
        # Several per-model blocks (IDEFICS): a project total belongs to the family, not to one.
        ctx.aggregate = f"{ctx.card_model} (total)"
    _extract_prose(ctx, fm_lines)
    _power_pue(ctx, text)

    drafts = _dedupe(ctx.drafts)
    _cross_check(ctx, drafts)
    facts: list[Fact] = []
    for d in drafts:
        if not d.model:
            d.model = ctx.card_model
        try:
            facts.append(
                Fact(
                    model=d.model,
                    phase=d.phase,
                    field=d.field,
                    value=d.value,
                    source_kind=source_kind,
                    source_url=source_url,
                    source_locator=d.locator,
                    raw_text=_short(d.raw, 200),
                    confidence=d.confidence,
                    note="; ".join(dict.fromkeys(d.notes)),
                )
            )
        except ValueError as e:  # an invalid source_kind is the caller's error: surface it
            raise CardError(f"{source_url}: {e}") from e
    return CardParse(facts=facts, warnings=warnings + ctx.warnings, model=named)


def _power_pue(ctx: _Ctx, text: str) -> None:
    """Meta: 'peak power capacity per GPU device ... adjusted for power usage efficiency'."""
    m = re.search(
        r"(?i)adjusted for (?:power usage efficiency|power usage effectiveness|pue)", text
    )
    if not m:
        return
    ln = _line_at(text, m.start())
    for model in dict.fromkeys(d.model for d in ctx.drafts if d.field == "power_w"):
        ctx.add(
            _Draft(
                model,
                "training",
                "power_includes_pue",
                "true",
                f"line {ln}",
                m.group(0),
                "medium",
                ["card: power figure adjusted for PUE"],
            )
        )

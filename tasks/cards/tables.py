"""Footprint tables: Meta's per-model tables (HTML or Markdown pipes), OLMo's per-cluster table.

A table is read when its first header cell is empty or starts with 'Model' and some column is a
footprint figure (GPU hours, emissions, power, energy). Each row is a model; a 'Total' row is
the card's aggregate ('Llama 3.1 (total)'). Cell values are converted to the units of `FIELDS`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from tasks.cards.draft import Context, Draft
from tasks.cards.names import normalise_model_name
from tasks.cards.quantities import NUM, energy_factor, fmt, mass_factor, parse_number
from tasks.cards.table_markup import Table, find_html_tables, find_pipe_tables
from tasks.cards.text import clean_inline, short

_TOTAL_ROW = re.compile(r"(?i)^total$")
_MISSING = re.compile(r"(?i)^(|-|—|–|n/?a|none|unknown|tbd|\?)$")
_FOOTNOTE = re.compile(r"(\*+|\^|†)$")
_GPU_AND_PLACE = re.compile(r"^(.*?)\s*\((.*)\)\s*$")
_NEGLIGIBLE = re.compile(r"(?i)\*?\s*negligible\s*\**")
_NUMBER_AND_UNIT = re.compile(rf"({NUM}\s*[kKM]?)\s*([A-Za-z₂/ ]+)")
_STAGE_HOURS = re.compile(rf"({NUM}\s*[kKM]?)\s+(?:[A-Z]\d{{2,4}}\w*\s+)?(?:GPU[- ])?hours")
_LABELLED_STAGE_HOURS = re.compile(
    rf"([A-Za-z][A-Za-z0-9 ]*?)\s*:\s*({NUM}\s*[kKM]?)\s+"
    r"(?:[A-Z]\d{2,4}\w*\s+)?(?:GPU[- ])?hours"
)

# (field, phase, unit as written) per footprint column; unit '' means 'look in the cell'.
Column = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class _Cell:
    """One footprint cell and where it sits."""

    model: str
    row_label: str
    column: str  # the header as shown in locators
    line: int
    locator: str
    raw: str
    field: str
    phase: str
    unit: str


def extract_tables(ctx: Context, text: str, skip_lines: set[int]) -> None:
    """Drafts from every footprint table; sets the card's table models and aggregate."""
    footprint_tables = _footprint_tables(ctx, text, skip_lines)
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
        _read_table(ctx, t, cols)


def _footprint_tables(
    ctx: Context, text: str, skip_lines: set[int]
) -> list[tuple[Table, list[tuple[int, Column]]]]:
    tables = find_pipe_tables(ctx.lines, skip_lines) + find_html_tables(text)
    tables.sort(key=lambda t: t.start_line)
    footprint_tables: list[tuple[Table, list[tuple[int, Column]]]] = []
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
    return footprint_tables


def _read_table(ctx: Context, t: Table, cols: list[tuple[int, Column]]) -> None:
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
            col = short(clean_inline(t.header[idx]), 90)
            locator = f"table '{t.name}' row '{label}' col '{col}' (line {cell_line})"
            cell = _Cell(
                model, label, col, cell_line, locator, cells[idx].strip(), fld, phase, unit
            )
            _table_cell(ctx, cell)


def _table_name(lines: list[str], start_line: int) -> str:
    """Nearest preceding heading or '**Label**' paragraph names the table (for locators)."""
    for i in range(start_line - 2, max(-1, start_line - 16), -1):
        s = lines[i].strip()
        if s.startswith("#"):
            name = clean_inline(s.lstrip("#"))
            if name:
                return short(name, 80)
        m = re.match(r"^\*\*(.+?)\*\*", s)
        if m:
            # '**Carbon Footprint Pretraining utilized a cumulative**': keep the title words.
            words = clean_inline(m.group(1)).rstrip(":.").split()
            title: list[str] = []
            for w in words:
                if title and w[:1].islower():
                    break
                title.append(w)
            return short(" ".join(title), 80)
    return f"table at line {start_line}"


def _classify_column(header: str) -> Column | None:
    """-> (field, phase, unit as written) or None. Unit '' means 'look in the cell'."""
    # Tables of one kind repeat their headers from card to card: remember the short ones.
    return _classify_cached(header) if len(header) <= 200 else _classify(header)


# Column header -> field. Order matters: market-based before generic emissions.
def _classify(header: str) -> Column | None:
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


def _table_cell(ctx: Context, cell: _Cell) -> None:
    c, notes = _cell_text(cell)
    if _MISSING.match(c):
        return
    if cell.field == "gpu":
        _gpu_cell(ctx, cell, c)
        return
    if "negligible" in c.lower() or _NEGLIGIBLE.fullmatch(c.strip("*")):
        ctx.warn(
            f"{ctx.source_url}: {cell.model} {cell.field} cell {cell.raw!r} at line {cell.line} "
            "is not a number (negligible); no fact"
        )
        return
    read = _cell_number(ctx, cell, c, notes)
    if read is None:
        return
    value, raw, confidence = read
    if _TOTAL_ROW.match(cell.row_label):
        notes.append("table 'Total' row")
    ctx.add(
        Draft(
            cell.model,
            cell.phase,
            cell.field,
            fmt(value),
            cell.locator,
            raw,
            confidence,
            notes,
            origin="table",
        )
    )


def _cell_text(cell: _Cell) -> tuple[str, list[str]]:
    """The cell's text without markup or footnote marker, and the notes those call for."""
    c = clean_inline(cell.raw)
    notes: list[str] = []
    if cell.phase == "development":
        notes.append(f"column '{cell.column}': compute outside the training run itself")
    footnote = _FOOTNOTE.search(c)
    if footnote and c.rstrip("*^†").strip():
        notes.append(f"cell carries footnote marker {footnote.group(1)!r}")
        c = c.rstrip("*^†").strip()
    return c, notes


def _gpu_cell(ctx: Context, cell: _Cell, c: str) -> None:
    """'H100-80GB' or 'A100 (Iowa)': the GPU type and the place beside it."""
    m = _GPU_AND_PLACE.match(c)
    gpu = m.group(1) if m else c
    ctx.add(Draft(cell.model, cell.phase, "gpu", gpu, cell.locator, c, origin="table"))
    if m and m.group(2).strip():
        ctx.add(
            Draft(
                cell.model,
                cell.phase,
                "location",
                m.group(2).strip(),
                cell.locator,
                c,
                "medium",
                ["location taken from the parenthesis beside the GPU type"],
                origin="table",
            )
        )


def _cell_number(
    ctx: Context, cell: _Cell, c: str, notes: list[str]
) -> tuple[float, str, str] | None:
    """(value in the field's unit, raw text, confidence), or None once the problem is warned."""
    num = parse_number(c)
    if num is not None:
        value = _apply_unit(ctx, cell.field, num, cell.unit, cell.locator)
        return None if value is None else (value, c, "high")
    # A number with its own unit in the cell ('135 MWh', '12.9 t').
    m = _NUMBER_AND_UNIT.fullmatch(c)
    if m and (n2 := parse_number(m.group(1))) is not None:
        value = _apply_unit(ctx, cell.field, n2, m.group(2).strip(), cell.locator)
        return None if value is None else (value, c, "high")
    if cell.field == "gpu_hours":
        staged = _stage_hours(c, notes)
        if staged is not None:
            return staged
    ctx.warn(
        f"{ctx.source_url}: unparsable cell {short(cell.raw, 80)!r} for {cell.model} "
        f"column '{cell.column}' at line {cell.line}; no fact"
    )
    return None


def _stage_hours(c: str, notes: list[str]) -> tuple[float, str, str] | None:
    """'Pre-training: 1.2M GPU hours, Fine-tuning: 30k hours' -> their sum, medium confidence."""
    stages = _STAGE_HOURS.findall(c)
    if not stages:
        return None
    nums = [parse_number(s) for s in stages]
    if not all(x is not None for x in nums):
        return None
    value = sum(x for x in nums if x is not None)
    labels = _LABELLED_STAGE_HOURS.findall(c)
    desc = (
        " + ".join(f"{lab.strip()} {n.strip()}" for lab, n in labels)
        if len(labels) == len(stages)
        else " + ".join(s.strip() for s in stages)
    )
    notes.append(f"sum of the stages in the cell: {short(desc, 150)}")
    return value, " + ".join(s.strip() for s in stages), "medium"


# Fields whose unit is a factor to the canonical unit: (what the unit measures, its factor).
_FACTOR_OF_UNIT: dict[str, tuple[str, Callable[[str], float | None]]] = {
    "co2e_t": ("emissions", mass_factor),
    "co2e_market_t": ("emissions", mass_factor),
    "energy_mwh": ("energy", energy_factor),
}


def _apply_unit(ctx: Context, fld: str, num: float, unit: str, locator: str) -> float | None:
    """Convert `num` written in `unit` to the field's canonical unit; warn when unknown."""
    u = unit.strip()
    if fld in _FACTOR_OF_UNIT:
        what, factor_of = _FACTOR_OF_UNIT[fld]
        f = factor_of(u) if u else None
        if f is None:
            ctx.warn(f"{ctx.source_url}: unknown {what} unit {u!r} at {locator}; no fact")
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

"""'Key: value' blocks: the ML CO2 Impact template, Tucano/TeenyTinyLlama/Aira bodies, Azure
cards, Phi-3 ('**Hardware Type:** 8 A100', '- Hours used: 2560', '**Carbon Emitted:** 1.2 t').

A heading or an italic line labels the block that follows; the label can name another model
('IDEFICS-9b pretraining') or a phase ('Preliminary experimentation'). Lines read here are marked
consumed so the prose pass does not read the same figure twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tasks.cards.draft import Context, Draft
from tasks.cards.kv_hours import kv_hours
from tasks.cards.names import loose, split_hardware
from tasks.cards.quantities import (
    CO2_FIGURE,
    NUM,
    energy_factor,
    fmt,
    mass_factor,
    parse_duration_days,
    parse_number,
)
from tasks.cards.text import clean_inline, short

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


_ENERGY_VALUE = re.compile(rf"^~?\s*({NUM})\s*([kKMG]?Wh)\b")
# One key/value line ready to read: (line, kind, cleaned value, locator, notes).
_Entry = tuple[int, str, str, str, list[str]]


def _label_scope(label: str, card_model: str) -> tuple[str, str, list[str]]:
    """A block label ('IDEFICS-9b pretraining', 'Preliminary experimentation') -> model, phase."""
    lab = clean_inline(label).strip(" :*_")
    if len(lab) > 120:  # a paragraph, not a label
        return card_model, "training", []
    if re.search(r"(?i)experiment|preliminary|development|ablation", lab):
        return card_model, "development", [f"block '{short(lab, 60)}'"]
    m = re.match(r"(?i)^(.+?)\s+(pre-?training|fine-?tuning|finetuning|training)$", lab)
    if m and re.search(r"\d", m.group(1)) and len(m.group(1)) <= 60:
        return m.group(1).strip(), "training", [f"block '{short(lab, 60)}'"]
    # 'DALL·E Mega Estimated Emissions' inside the DALL·E Mini card is about the other model.
    m = re.match(r"(?i)^(.+?)\s+(?:estimated\s+)?(?:carbon\s+)?emissions$", lab)
    if (
        m
        and len(m.group(1)) <= 60
        and loose(m.group(1)) != loose(card_model)
        and loose(m.group(1)) not in ("estimated", "co2", "carbon", "training")
    ):
        return m.group(1).strip(), "training", [f"block '{short(lab, 60)}'"]
    return card_model, "training", []


def extract_kv_blocks(ctx: Context, start_line: int) -> None:
    """Drafts from every key/value block in the body (code blocks and read lines skipped)."""
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


def _entries(block: list[tuple[int, str, str]], label: str, base: list[str]) -> Iterator[_Entry]:
    """The block's lines that state something, each with its locator and own notes list."""
    for ln, kind, val in block:
        v = clean_inline(val)
        if not v or _UNKNOWN.match(v):
            continue
        loc = f"line {ln}" + (f" (block '{short(clean_inline(label), 60)}')" if label else "")
        yield ln, kind, v, loc, list(base)


def _kv_block(ctx: Context, block: list[tuple[int, str, str]], label: str) -> None:
    model, phase, base_notes = _label_scope(label, ctx.card_model)
    entries = {kind: (ln, val) for ln, kind, val in reversed(block)}  # first occurrence wins
    provider = ""
    if "provider" in entries:
        pv = clean_inline(entries["provider"][1])
        if not _UNKNOWN.match(pv):
            provider = pv
    count: int | None = None
    for ln, kind, v, loc, notes in _entries(block, label, base_notes):
        if kind == "hw":
            c = _kv_hardware(ctx, model, phase, v, loc, notes, ln)
            if c is not None:
                count = c
        elif kind == "precision":
            p = _PRECISIONS.get(v.lower().strip(" ."))
            if p is None:  # 'Precision: 0.9998' is a classification metric, not a dtype
                continue
            ctx.add(Draft(model, phase, "precision", p, loc, v, notes=notes, origin="kv"))
    # Second pass: quantities that depend on the device count found above.
    for _ln, kind, v, loc, notes in _entries(block, label, base_notes):
        if kind == "hours":
            kv_hours(ctx, model, phase, v, loc, notes, count)
        elif kind == "time":
            _kv_duration(ctx, model, phase, v, loc, notes)
        elif kind == "region":
            _kv_region(ctx, model, phase, v, loc, notes, provider)
        elif kind == "co2":
            _kv_co2(ctx, model, phase, v, loc, notes)
        elif kind == "energy":
            _kv_energy(ctx, model, phase, v, loc, notes)


def _kv_hardware(
    ctx: Context, model: str, phase: str, v: str, loc: str, notes: list[str], ln: int
) -> int | None:
    """The GPU type and count of a hardware line; returns the count when it states one."""
    if not _ACCEL.search(v):
        return None
    c, gpu = split_hardware(v)
    multi = bool(re.search(r",| and ", gpu)) and len(_ACCEL.findall(gpu)) > 1
    if multi:
        ctx.warn(
            f"{ctx.source_url}: several hardware types for {model} at line {ln}: "
            f"{short(v, 80)!r}; kept as written"
        )
        ctx.add(Draft(model, phase, "gpu", v, loc, v, "low", [*notes, "several types"]))
    else:
        ctx.add(Draft(model, phase, "gpu", gpu, loc, v, "high", notes, origin="kv"))
    if c is not None:
        ctx.add(Draft(model, phase, "gpu_count", str(c), loc, v, notes=notes, origin="kv"))
    return c


def _kv_duration(ctx: Context, model: str, phase: str, v: str, loc: str, notes: list[str]) -> None:
    d = parse_duration_days(v)
    if d is None:
        ctx.warn(f"{ctx.source_url}: training time {v!r} at {loc} not understood")
        return
    ctx.add(
        Draft(
            model,
            phase,
            "duration_days",
            fmt(round(d[0], 6)),
            loc,
            v,
            "medium",
            notes,
            origin="kv",
        )
    )


def _kv_energy(ctx: Context, model: str, phase: str, v: str, loc: str, notes: list[str]) -> None:
    m = _ENERGY_VALUE.match(v)
    if not m:
        ctx.warn(f"{ctx.source_url}: energy {v!r} at {loc} not understood; no fact")
        return
    num = parse_number(m.group(1))
    f = energy_factor(m.group(2))
    if num is None or f is None:
        return
    ctx.add(
        Draft(
            model,
            phase,
            "energy_mwh",
            fmt(num * f),
            loc,
            m.group(0),
            "high",
            notes,
            origin="kv",
        )
    )


def _kv_region(
    ctx: Context, model: str, phase: str, v: str, loc: str, notes: list[str], provider: str
) -> None:
    conf = "high"
    region = v
    m = re.search(r"(?i)assumed\s+(.+?)\s+for\s+calculations", v)
    if m:
        region = m.group(1)
        conf = "low"
        notes = [*notes, f"card: {short(v, 80)}"]
    ci = re.search(r"\(\s*(\d+(?:\.\d+)?)\s*(g|kg)\s*CO2\s*(?:eq|e)?\s*/\s*kWh\s*\)", region, re.I)
    if ci:
        val = float(ci.group(1)) / (1000 if ci.group(2).lower() == "g" else 1)
        ctx.add(
            Draft(
                model,
                phase,
                "carbon_intensity_kg_per_kwh",
                fmt(val),
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
        notes = [*notes, f"card: ({short(pm.group(1), 60)})"]
        region = region[: pm.start()].strip()
    if provider:
        notes = [*notes, f"cloud provider: {provider}"]
    if region:
        ctx.add(Draft(model, phase, "location", region, loc, v, conf, notes, origin="kv"))


_CO2_VALUE = re.compile(
    rf"^~?\s*({NUM})\s*(metric\s+tons?|tonnes?|tons?|kgs?|g|t|lbs?)\s*(?:of\s+)?"
    r"(?:eq\.?\s*)?(?:CO\s*[2₂]\s*(?:-?\s*eq\.?|e)?)?\s*(?:eq\.?)?\s*(.*)$",
    re.IGNORECASE,
)
_CO2_GLUED = re.compile(rf"^~?\s*({NUM})\s*(t|kg|g)CO\s*[2₂]\s*(?:eq|e)?\b\s*(.*)$", re.IGNORECASE)


def _kv_co2(ctx: Context, model: str, phase: str, v: str, loc: str, notes: list[str]) -> None:
    if not re.search(r"\d", v):
        return  # 'stats are logged in this file': nothing to read, nothing to warn about
    m = _CO2_GLUED.match(v) or _CO2_VALUE.match(v)
    if not m:
        # A sentence as the value ('Total emissions are estimated to be 247.77 kgCO2 ...').
        pm = CO2_FIGURE.search(v)
        if pm:
            num = parse_number(pm.group(1) or pm.group(3))
            f = mass_factor(pm.group(2) or pm.group(4))
            if num is not None and f is not None:
                ctx.add(
                    Draft(
                        model,
                        phase,
                        "co2e_t",
                        fmt(num * f),
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
    ctx.add(Draft(model, phase, "co2e_t", fmt(num * f), loc, raw, "high", notes, origin="kv"))
    tail = m.group(3).strip()
    # '(Germany)' after the figure is the place (Tucano/Aira); '(According to ...)' is not.
    pm = re.fullmatch(r"\(([A-Z][A-Za-z .'-]{1,40})\)", tail)
    if pm and not re.search(r"(?i)according|calculator|estimat|provided|approx", tail):
        ctx.add(
            Draft(
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

"""Figures in prose: Meta's cumulative totals, DeepSeek's GPU hours, 'trained on 384 A100 GPUs',
'took about two weeks', 'compute region was us-east1', the TDP and PUE sentences.

Every line the tables and key/value blocks did not read is split into sentences; a sentence's
figures belong to the card's model, to its aggregate when the sentence is about a total, or to a
sibling model named as its subject ('IDEFICS-80B took ~28 days'). Prose facts are medium
confidence: a sentence is less exact than a cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.cards.draft import Context, Draft
from tasks.cards.names import loose
from tasks.cards.quantities import (
    CO2_FIGURE,
    NUM,
    fmt,
    mass_factor,
    parse_duration_days,
    parse_number,
)
from tasks.cards.text import clean_inline, line_at, sentences

_GPU_HOURS_PROSE = re.compile(
    rf"({NUM}\s*[kKM]?)\s*(?:([A-Z]{{1,3}}\d{{2,4}}[A-Za-z0-9-]*)\s+)?GPU[- ]hours", re.UNICODE
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
_SUBJECT = re.compile(
    r"^[\s*-]{0,10}([A-Za-z][\w.·-]{0,40}?\d[\w.·-]{0,40})\s+(?:took|was|were|is|has|had|finetuned|fine-tuned|"
    r"trained|requires|required|used|utili[sz]ed)\b"
)
_AGGREGATE = re.compile(r"cumulative|in aggregate|\btotal\b|all \d+ ")
_DEVELOPMENT = re.compile(r"entire .* project|preliminary|experiment")
_ABOUT_EMISSIONS = re.compile(r"emission|emitted|carbon footprint|co2")
_ABOUT_TRAINING = re.compile(r"train|fine-?tun")
_AFTER_PRETRAINING = re.compile(r"subsequent|after pre-?training|post-training")
_PRETRAINING = re.compile(r"pre-?training")
_FULL_TRAINING = re.compile(r"full training")
_DAY_RANGE = re.compile(r"\d\s*[-–]\s*\d+\s*days")
_WATTS = re.compile(r"(?i)\s*w$")
_PUE_ADJUSTED = re.compile(
    r"(?i)adjusted for (?:power usage efficiency|power usage effectiveness|pue)"
)


@dataclass(frozen=True, slots=True)
class _Sentence:
    """One sentence of prose and whom its figures belong to."""

    text: str
    low: str
    line: int
    model: str
    phase: str
    is_aggregate: bool

    @property
    def loc(self) -> str:
        return f"line {self.line}"


def extract_prose(ctx: Context, start_line: int) -> None:
    """Drafts from every sentence on the body lines no other pass has read."""
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
        for sent in sentences(line):
            _prose_sentence(ctx, sent, ln)


def _sentence_model(ctx: Context, sent: str, aggregate: bool) -> str:
    """Prose figures belong to the card's model; cumulative ones to the card's aggregate; a
    sentence whose subject is a sibling model ('IDEFICS-80B took ~28 days') to that model."""
    m = _SUBJECT.match(sent)
    if m and loose(m.group(1)) != loose(ctx.card_model):
        subj = m.group(1).rstrip(".")
        for known in ctx.known_models:
            if loose(known) == loose(subj):
                return known
        if loose(subj)[:4] == loose(ctx.card_model)[:4]:
            return subj
    if aggregate:
        return ctx.aggregate or ctx.card_model
    models = set(ctx.table_models)
    return next(iter(models)) if len(models) == 1 else ctx.card_model


def _prose_sentence(ctx: Context, sent: str, ln: int) -> None:
    low = sent.lower()
    is_agg = bool(_AGGREGATE.search(low))
    model = _sentence_model(ctx, sent, is_agg)
    phase = "development" if _DEVELOPMENT.search(low) else "training"
    s = _Sentence(sent, low, ln, model, phase, is_agg)
    _prose_gpu_hours(ctx, s)
    _prose_hardware(ctx, s)
    _prose_emissions(ctx, s)
    rm = _PROSE_REGION.search(sent)
    if rm:
        ctx.add(
            Draft(model, "training", "location", rm.group(1).strip(), s.loc, rm.group(0), "medium")
        )
    _prose_gpu_count(ctx, s)
    _prose_duration(ctx, s)


def _prose_gpu_hours(ctx: Context, s: _Sentence) -> None:
    """'39.3M GPU hours', '2.788M H800 GPU hours'; a pre-training stage alone is partial."""
    low = s.low
    for m in _GPU_HOURS_PROSE.finditer(s.text):
        num = parse_number(m.group(1))
        if num is None:
            continue
        notes: list[str] = []
        partial = False
        before = low[: m.start()]
        after = low[m.end() : m.end() + 60]
        if _AFTER_PRETRAINING.search(low):
            partial = True
            notes.append("partial: stages after pre-training only, not the whole run")
        elif _PRETRAINING.search(low) and not s.is_aggregate and not _FULL_TRAINING.search(low):
            partial = True
            notes.append("partial: pre-training stage only, not the whole run")
        if "full training" in after or "full training" in before:
            notes.append("card: full training")
        ctx.add(
            Draft(
                s.model,
                s.phase,
                "gpu_hours",
                fmt(num),
                s.loc,
                m.group(0).strip(),
                "medium",
                notes,
                partial=partial,
            )
        )
        if m.group(2):
            ctx.add(Draft(s.model, s.phase, "gpu", m.group(2), s.loc, m.group(2), "medium"))


def _prose_hardware(ctx: Context, s: _Sentence) -> None:
    """'on hardware of type A100-80GB (TDP of 350-400W)', 'on H100-80GB (TDP of 700W)': a gpu
    fact for the card's models; power as TDP."""
    hw = _PROSE_HW_ONLY.search(s.text)
    if not (hw and ("gpu hours" in s.low or "tdp" in s.low)):
        return
    targets = list(dict.fromkeys(ctx.table_models)) or [s.model]
    if ctx.aggregate and ctx.aggregate not in targets:
        targets.append(ctx.aggregate)
    for t in targets:
        ctx.add(
            Draft(
                t,
                "training",
                "gpu",
                hw.group(1),
                s.loc,
                hw.group(0),
                "medium",
                ["hardware stated once for the card's models"],
            )
        )
    if hw.group(2):
        _prose_tdp(ctx, s, hw.group(2))


def _prose_tdp(ctx: Context, s: _Sentence, tdp: str) -> None:
    p = parse_number(_WATTS.sub("", tdp.strip()))
    if p is None:
        ctx.warn(
            f"{ctx.source_url}: TDP range {tdp}W at line {s.line} is not one figure; no power fact"
        )
    elif not any(d.field == "power_w" for d in ctx.drafts):
        ctx.add(
            Draft(
                ctx.aggregate or s.model,
                "training",
                "power_w",
                fmt(p),
                s.loc,
                f"TDP of {tdp}W",
                "medium",
                ["TDP stated in prose"],
            )
        )


def _prose_emissions(ctx: Context, s: _Sentence) -> None:
    """'11,390 tCO2eq' in a sentence about emissions; market-based when the sentence says so."""
    if not _ABOUT_EMISSIONS.search(s.low):
        return
    for m in CO2_FIGURE.finditer(s.text):
        num_s = m.group(1) or m.group(3)
        unit = m.group(2) or m.group(4)
        num = parse_number(num_s)
        f = mass_factor(unit)
        if num is None or f is None:
            continue
        head = s.low[: m.start()]
        fld = "co2e_market_t" if "market-based" in head[-200:] else "co2e_t"
        if fld == "co2e_t" and "location-based" not in head and "market-based" in head:
            fld = "co2e_market_t"
        ctx.add(Draft(s.model, s.phase, fld, fmt(num * f), s.loc, m.group(0).strip(), "medium"))


def _prose_gpu_count(ctx: Context, s: _Sentence) -> None:
    """GPU count and type ('trained on 384 A100 40GB GPUs', '1024 x H100', '16 nodes with 4
    A100 GPUs each'); spare GPUs 'in reserve' are not the training run's."""
    nm = _NODES_EACH.search(s.text)
    if nm:
        n = int(nm.group(1)) * int(nm.group(2))
        ctx.add(
            Draft(
                s.model,
                "training",
                "gpu_count",
                str(n),
                s.loc,
                nm.group(0),
                "medium",
                [f"{nm.group(1)} nodes x {nm.group(2)} GPUs"],
            )
        )
        gpu = nm.group(3).strip()
        ctx.add(Draft(s.model, "training", "gpu", gpu, s.loc, nm.group(0), "medium"))
        return
    if "reserve" in s.low:
        return
    for m in _PROSE_GPU_COUNT.finditer(s.text):
        n_s = m.group(1) or m.group(3)
        gpu = (m.group(2) or m.group(4) or "").strip()
        if m.group(3) and "train" not in s.low:
            continue  # '1xA100-80GB' for deployment is not the training cluster
        count = parse_number(n_s)
        if count is None or count < 1 or count != int(count):
            continue
        ctx.add(
            Draft(s.model, "training", "gpu_count", str(int(count)), s.loc, m.group(0), "medium")
        )
        if gpu:
            ctx.add(Draft(s.model, "training", "gpu", gpu, s.loc, m.group(0), "medium"))


def _prose_duration(ctx: Context, s: _Sentence) -> None:
    """'took about two weeks', 'for 2 months'; only in sentences about training."""
    if not _ABOUT_TRAINING.search(s.low):
        return
    dm = _PROSE_DURATION.search(s.text)
    if not dm or _DAY_RANGE.search(s.text):
        return
    d = parse_duration_days(dm.group(1) + " " + dm.group(2))
    if d is None:
        return
    note = ["months taken as 30.44 days"] if "month" in dm.group(2).lower() else []
    ctx.add(
        Draft(
            s.model,
            "training",
            "duration_days",
            fmt(round(d[0], 6)),
            s.loc,
            dm.group(0),
            "medium",
            note,
        )
    )


def power_pue(ctx: Context, text: str) -> None:
    """Meta: 'peak power capacity per GPU device ... adjusted for power usage efficiency'."""
    m = _PUE_ADJUSTED.search(text)
    if not m:
        return
    ln = line_at(text, m.start())
    for model in dict.fromkeys(d.model for d in ctx.drafts if d.field == "power_w"):
        ctx.add(
            Draft(
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

"""'Hours used' in a key/value block: GPU hours, or wall-clock time that needs the device count.

The ML CO2 Impact template asks for 'Hours used' without saying whose hours: with several
devices on the hardware line, or days given beside the figure, they are read as wall-clock time
(a duration, and GPU hours derived from the count); otherwise as GPU hours.
"""

from __future__ import annotations

import re

from tasks.cards.draft import Context, Draft
from tasks.cards.quantities import NUM, fmt, parse_number

_TYPED_HOURS = re.compile(rf"({NUM}\s*[kKM]?)\s+([A-Z]\w*\s+)?(GPU|TPU|CPU)[- ]hours")
_APPROX = re.compile(r"(?i)^(about|approximately|approx\.?|around|roughly|~)\s*")
_HOURS_RANGE = re.compile(rf"^{NUM}\s*(?:hours?)?\s*[-–]\s*{NUM}")
_HOURS = re.compile(rf"^({NUM})\s*(?:hours?|h)?\b(.*)$")
_DAYS_IN_PARENS = re.compile(r"(?i)\(\s*[\d.]+\s*(days?|weeks?)|\(\s*(one|a|1)\s+week")


def kv_hours(
    ctx: Context, model: str, phase: str, v: str, loc: str, notes: list[str], count: int | None
) -> None:
    """'Hours used': GPU hours, or wall-clock time when the block gives several devices."""
    # 'A = B = 2560 GPU-hours': the last figure is the result.
    seg = v.rsplit("=", 1)[1].strip() if "=" in v else v
    typed = _TYPED_HOURS.findall(seg)
    if typed:
        _kv_typed_hours(ctx, model, phase, seg, loc, notes, typed)
        return
    approx = _APPROX.match(seg)
    if approx:
        seg = seg[approx.end() :]
        notes = [*notes, "approximate"]
    if _HOURS_RANGE.match(seg):
        ctx.warn(f"{ctx.source_url}: hours {v!r} at {loc} is a range; no fact")
        return
    m = _HOURS.match(seg)
    if not m:
        ctx.warn(f"{ctx.source_url}: hours {v!r} at {loc} not understood; no fact")
        return
    hours = parse_number(m.group(1))
    if hours is None:
        return
    wall_clock = (count is not None and count > 1) or bool(_DAYS_IN_PARENS.search(m.group(2)))
    if wall_clock:
        _kv_wall_clock(ctx, model, phase, v, loc, notes, count, hours, m.group(1))
    else:
        conf = "medium" if approx else "high"
        ctx.add(Draft(model, phase, "gpu_hours", fmt(hours), loc, v, conf, notes, origin="kv"))


def _kv_typed_hours(
    ctx: Context,
    model: str,
    phase: str,
    seg: str,
    loc: str,
    notes: list[str],
    typed: list[tuple[str, str, str]],
) -> None:
    """'1,000 A100 GPU hours and 200 TPU hours': one fact per accelerator; CPU hours skipped."""
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
            Draft(
                model,
                phase,
                "gpu_hours",
                fmt(num),
                loc,
                seg,
                "medium" if several else "high",
                notes + extra,
                origin="kv",
                partial=several,
            )
        )


def _kv_wall_clock(
    ctx: Context,
    model: str,
    phase: str,
    v: str,
    loc: str,
    notes: list[str],
    count: int | None,
    hours: float,
    hours_text: str,
) -> None:
    """Hours of wall-clock time: a duration, and GPU hours when the device count is known."""
    why = (
        f"read as wall-clock time because the hardware line gives {count} devices"
        if count
        else "read as wall-clock time (the card converts it to days)"
    )
    ctx.add(
        Draft(
            model,
            phase,
            "duration_days",
            fmt(round(hours / 24, 6)),
            loc,
            v,
            "medium",
            [*notes, f"'Hours used' {why}"],
            origin="kv",
        )
    )
    if count and count > 1:
        ctx.add(
            Draft(
                model,
                phase,
                "gpu_hours",
                fmt(hours * count),
                loc,
                v,
                "low",
                [*notes, f"derived: {count} devices x {hours_text} h"],
                origin="kv",
            )
        )

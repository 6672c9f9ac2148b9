"""The users' disclosure format as pydantic models, and its validation errors in our words.

One file per model: top-level model facts plus a `training` and a `development` phase (see
docs/disclosure-format.md). Every key is checked: a misspelt key is an error, not a silently
missing figure.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _number(v: Any) -> Any:
    # YAML's `yes`/`true` would otherwise pass as 1; a boolean is never a meant quantity.
    if isinstance(v, bool):
        raise ValueError("must be a number, not true/false")
    return v


def _text(v: Any) -> Any:
    # `gpu: 4090` or `location: 1` arrive as numbers; they are still names.
    if isinstance(v, bool) or v is None:
        raise ValueError("must be text")
    if isinstance(v, int | float):
        return str(v)
    return v


def _date(v: Any) -> Any:
    # Only calendar dates: pydantic would also read a bare number as a Unix timestamp.
    if isinstance(v, dt.datetime):
        raise ValueError("must be a date YYYY-MM-DD without a time")
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str) and _ISO_DATE.match(v.strip()):
        try:
            return dt.date.fromisoformat(v.strip())
        except ValueError as exc:
            raise ValueError(f"not a valid date: {exc}") from None
    raise ValueError("must be a date YYYY-MM-DD")


Text = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=500)]
IsoDate = Annotated[dt.date, BeforeValidator(_date)]
Positive = Annotated[float, BeforeValidator(_number), Field(gt=0)]
NonNegative = Annotated[float, BeforeValidator(_number), Field(ge=0)]
Count = Annotated[int, BeforeValidator(_number), Field(gt=0, le=10_000_000)]
PowerW = Annotated[float, BeforeValidator(_number), Field(ge=1, le=3000)]
Pue = Annotated[float, BeforeValidator(_number), Field(gt=0, le=3)]
Intensity = Annotated[float, BeforeValidator(_number), Field(gt=0, le=2)]


class _Strict(BaseModel):
    # extra="forbid" turns a misspelt key into an error instead of a silently missing figure.
    model_config = ConfigDict(
        extra="forbid", allow_inf_nan=False, str_strip_whitespace=True, frozen=True
    )


class PhaseDisclosure(_Strict):
    """What a user states about one phase (`training` or `development`)."""

    gpu: Text | None = None
    gpu_count: Count | None = None
    gpu_hours: Positive | None = None
    duration_days: Positive | None = None
    start: IsoDate | None = None
    end: IsoDate | None = None
    power_w: PowerW | None = None
    pue: Pue | None = None
    location: Text | None = None
    carbon_intensity_kg_per_kwh: Intensity | None = None
    energy_mwh: Positive | None = None
    co2e_t: Positive | None = None
    # Market-based emissions are legitimately 0 when renewable certificates cover the run.
    co2e_market_t: NonNegative | None = None

    @field_validator("end")
    @classmethod
    def _end_not_before_start(cls, v: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("start")
        if v is not None and start is not None and v < start:
            raise ValueError(f"must not be before start ({start.isoformat()})")
        return v


class Disclosure(_Strict):
    """One model's disclosure file."""

    model: Text
    organization: Text | None = None
    release_date: IsoDate | None = None
    parameters_b: Positive | None = None
    training_tokens_b: Positive | None = None
    training_flops: Positive | None = None
    training: PhaseDisclosure | None = None
    development: PhaseDisclosure | None = None
    source: Text | None = None

    @field_validator("training", "development")
    @classmethod
    def _empty_phase_is_none(cls, v: PhaseDisclosure | None) -> PhaseDisclosure | None:
        # `training: {}` states nothing; treating it as absent keeps dump/load symmetric.
        return v if v is not None and v.model_dump(exclude_none=True) else None


# YAML key -> Fact field, in the order facts are emitted.
MODEL_KEYS = (
    "organization",
    "release_date",
    "parameters_b",
    "training_tokens_b",
    "training_flops",
)
PHASE_KEYS: dict[str, str] = {
    "gpu": "gpu",
    "gpu_count": "gpu_count",
    "gpu_hours": "gpu_hours",
    "duration_days": "duration_days",
    "start": "start_date",
    "end": "end_date",
    "power_w": "power_w",
    "pue": "pue",
    "location": "location",
    "carbon_intensity_kg_per_kwh": "carbon_intensity_kg_per_kwh",
    "energy_mwh": "energy_mwh",
    "co2e_t": "co2e_t",
    "co2e_market_t": "co2e_market_t",
}

_PHASE_ALLOWED = ", ".join(PhaseDisclosure.model_fields)
_TOP_ALLOWED = ", ".join(Disclosure.model_fields)


def describe_error(err: Any) -> str:
    # Our own wording per error type; pydantic's messages read oddly in a file-format context.
    kind = err["type"]
    ctx = err.get("ctx") or {}
    loc = err["loc"]
    if kind == "extra_forbidden":
        allowed = _PHASE_ALLOWED if len(loc) > 1 else _TOP_ALLOWED
        return f"unknown key (allowed: {allowed})"
    if kind == "missing":
        return "required"
    if kind == "greater_than":
        return f"must be > {format_value(ctx['gt'])}"
    if kind == "greater_than_equal":
        return f"must be >= {format_value(ctx['ge'])}"
    if kind == "less_than_equal":
        return f"must be <= {format_value(ctx['le'])}"
    if kind == "less_than":
        return f"must be < {format_value(ctx['lt'])}"
    if kind == "finite_number":
        return "must be a finite number"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be a mapping of keys to values"
    if kind == "invalid_key":
        return "keys must be text"
    if kind.startswith(("float_", "int_")):
        return "must be a number" if kind.startswith("float") else "must be a whole number"
    if kind in ("string_too_long", "too_long"):
        return f"text longer than {ctx.get('max_length')} characters"
    if kind in ("string_too_short", "too_short"):
        return "must not be empty"
    if kind == "string_type":
        return "must be text"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))[:200]
    return str(err["msg"])[:200]


def format_value(v: Any) -> str:
    """A value as Fact text: ISO dates, integers without `.0`, floats that round-trip."""
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    return str(v)

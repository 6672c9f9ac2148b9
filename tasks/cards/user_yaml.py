"""Users' own disclosure files: one YAML file per model, parsed into `Fact` rows.

The format is described in docs/disclosure-format.md. These files come from users, so the parser
treats them as hostile: it reads at most `max_bytes`, looks at the YAML event stream (aliases,
nesting depth, tags, node count) before building any object, and only ever uses `yaml.safe_load`
(on LibYAML's parser where PyYAML has it: `tasks.cards.parsing.yaml_events`). Every problem
becomes a `DisclosureFileError` naming the file and, where one exists, the key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from tasks.cards.parsing import yaml_events, yaml_safe_load
from tasks.core.facts import Fact

MAX_BYTES = 1_000_000
# A real disclosure needs no aliases at all; a handful is tolerated for people who like anchors.
# Far beyond that is the shape of a "billion laughs" file.
MAX_ALIASES = 100
# The format is two levels deep; anything much deeper is not a disclosure, and PyYAML's composer
# recurses per level, so deep nesting could exhaust the stack.
MAX_DEPTH = 20
# A complete file has about 60 nodes (keys and values). Stopping the event scan early bounds the
# time a pure-Python parse of a large, hostile file can take.
MAX_NODES = 2000
# Tags a plain YAML document may carry explicitly. Everything else (notably `!!python/...`)
# would ask a loader to build objects; `safe_load` refuses them, we refuse them earlier and
# with a message that names the key.
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    {None, "!"} | {_CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}
)
_YAML_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


class DisclosureFileError(Exception):
    """A disclosure file that cannot be used; the message names the file and the key."""

    def __init__(self, path: Path, field: str | None, reason: str) -> None:
        self.path = path
        self.field = field
        self.reason = reason
        where = f"{path.name}: {field}: " if field else f"{path.name}: "
        super().__init__(where + reason)


@dataclass(frozen=True, slots=True)
class Quarantined:
    """A file `load_cards_dir` could not use, and why; the other files still load."""

    path: Path
    field: str | None
    reason: str


# --- value types ----------------------------------------------------------------------------


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
_MODEL_KEYS = (
    "organization",
    "release_date",
    "parameters_b",
    "training_tokens_b",
    "training_flops",
)
_PHASE_KEYS: dict[str, str] = {
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


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Scalar:
    path: str
    value: str
    plain: bool


def _read_text(path: Path, max_bytes: int) -> str:
    try:
        if not path.is_file():
            raise DisclosureFileError(path, None, "not a regular file")
        size = path.stat().st_size
        if size > max_bytes:
            raise DisclosureFileError(path, None, f"file is {size} bytes, limit is {max_bytes}")
        # Read one byte past the limit: the size reported by stat can change under us.
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise DisclosureFileError(path, None, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise DisclosureFileError(path, None, f"file is over the {max_bytes} byte limit")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DisclosureFileError(
            path, None, f"not UTF-8 text (bad byte at offset {exc.start})"
        ) from None


def _scan_events(path: Path, text: str) -> list[_Scalar]:
    """Check the event stream before anything is constructed; return value scalars by key path.

    Events carry aliases as references, not expansions, so counting them here is cheap even for
    a file whose constructed form would be enormous.
    """
    aliases = 0
    nodes = 0
    # Each frame: [kind, key-or-index, expecting_key]; kind is "map" or "seq".
    stack: list[list[Any]] = []
    scalars: list[_Scalar] = []

    def node_path() -> str | None:
        # None while the node is a mapping key rather than a value.
        if stack and stack[-1][0] == "map" and stack[-1][2]:
            return None
        parts = [str(f[1]) for f in stack]
        return ".".join(parts) if parts else "(top level)"

    def finish_node() -> None:
        if not stack:
            return
        frame = stack[-1]
        if frame[0] == "map":
            frame[2] = not frame[2]
        else:
            frame[1] += 1

    try:
        for event in yaml_events(text):
            if isinstance(event, yaml.NodeEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    raise DisclosureFileError(
                        path, None, f"more than {MAX_NODES} keys and values; not a disclosure"
                    )
            if isinstance(event, yaml.NodeEvent) and not isinstance(event, yaml.AliasEvent):
                tag = getattr(event, "tag", None)
                if tag not in _ALLOWED_TAGS:
                    where = node_path() or _key_path(stack)
                    raise DisclosureFileError(
                        path,
                        where,
                        f"YAML tag {str(tag)[:80]!r} is not allowed: write plain values "
                        "(tags that would build Python objects are refused)",
                    )
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise DisclosureFileError(
                        path, None, f"more than {MAX_ALIASES} YAML aliases (*name); refused"
                    )
                if node_path() is None:
                    stack[-1][1] = "(alias key)"
                finish_node()
            elif isinstance(event, yaml.ScalarEvent):
                p = node_path()
                if p is None:
                    stack[-1][1] = event.value[:100]
                else:
                    # A plain scalar's style is None from PyYAML's parser, '' from LibYAML's.
                    scalars.append(_Scalar(p, event.value, not event.style))
                finish_node()
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if node_path() is None:
                    stack[-1][1] = "(complex key)"
                if len(stack) >= MAX_DEPTH:
                    raise DisclosureFileError(path, None, f"nested deeper than {MAX_DEPTH} levels")
                kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
                stack.append([kind, 0 if kind == "seq" else "", kind == "map"])
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                stack.pop()
                finish_node()
    except yaml.YAMLError as exc:
        raise DisclosureFileError(path, None, f"not valid YAML: {_yaml_problem(exc)}") from None
    return scalars


def _key_path(stack: list[list[Any]]) -> str | None:
    # The tag sits on a key or the mapping itself: name the nearest enclosing key.
    parts = [str(f[1]) for f in stack if f[1] != ""]
    return ".".join(parts) or None


def _yaml_problem(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        what = " ".join(x for x in (exc.context, exc.problem) if x) or "syntax error"
        return f"{what}{where}"
    return str(exc)[:200]


def _load_yaml(path: Path, text: str) -> Any:
    scalars = _scan_events(path, text)
    try:
        return yaml_safe_load(text)
    except yaml.YAMLError as exc:
        raise DisclosureFileError(path, None, f"not valid YAML: {_yaml_problem(exc)}") from None
    except RecursionError:
        raise DisclosureFileError(path, None, "nested too deeply") from None
    except (ValueError, OverflowError) as exc:
        # PyYAML raises a bare ValueError for a date-shaped value that is no date (2024-02-30)
        # and for integers too long to convert; find the scalar so the message names its key.
        return _raise_for_bad_scalar(path, scalars, exc)


def _raise_for_bad_scalar(path: Path, scalars: list[_Scalar], exc: Exception) -> Any:
    for s in scalars:
        if not s.plain:
            continue
        if _YAML_DATE.match(s.value) or len(s.value) > 1000:
            try:
                yaml_safe_load(s.value)
            except (ValueError, OverflowError, yaml.YAMLError) as inner:
                raise DisclosureFileError(path, s.path, _bad_value(inner)) from None
    raise DisclosureFileError(path, None, _bad_value(exc)) from None


def _bad_value(exc: Exception) -> str:
    if "digits" in str(exc):
        return "invalid value: number has too many digits"
    return f"invalid value: {exc}"[:300]


_PHASE_ALLOWED = ", ".join(PhaseDisclosure.model_fields)
_TOP_ALLOWED = ", ".join(Disclosure.model_fields)


def _describe(err: Any) -> str:
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
        return f"must be > {_fmt(ctx['gt'])}"
    if kind == "greater_than_equal":
        return f"must be >= {_fmt(ctx['ge'])}"
    if kind == "less_than_equal":
        return f"must be <= {_fmt(ctx['le'])}"
    if kind == "less_than":
        return f"must be < {_fmt(ctx['lt'])}"
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


def parse_disclosure(path: Path, text: str) -> Disclosure:
    """Validate YAML text as a disclosure; `path` names the file in errors."""
    data = _load_yaml(path, text)
    if data is None:
        raise DisclosureFileError(path, None, "file is empty; expected a mapping with 'model:'")
    if not isinstance(data, dict):
        raise DisclosureFileError(
            path, None, f"top level must be a mapping (key: value), not a {type(data).__name__}"
        )
    try:
        return Disclosure.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False)
        described = [(".".join(str(p) for p in e["loc"]) or None, _describe(e)) for e in errors]
        field, reason = described[0]
        others = "; ".join(f"{f}: {r}" for f, r in described[1:5])
        reason += f" (also {others})" if others else ""
        raise DisclosureFileError(path, field, reason) from None
    except (RecursionError, OverflowError) as exc:
        raise DisclosureFileError(path, None, f"invalid value: {type(exc).__name__}") from None


def read_disclosure(path: Path, *, max_bytes: int = MAX_BYTES) -> Disclosure:
    """Read and validate one disclosure file."""
    return parse_disclosure(path, _read_text(path, max_bytes))


# --- facts -----------------------------------------------------------------------------------


def _fmt(v: Any) -> str:
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


def disclosure_facts(d: Disclosure, path: Path) -> list[Fact]:
    """The facts a validated disclosure states; `path` is the file it came from."""
    name = path.name
    if d.source and _URL.match(d.source):
        url, note = d.source, ""
    else:
        url = path.resolve().as_uri()
        note = f"source: {d.source}" if d.source else ""

    def fact(phase: str, field: str, key: str, value: Any, **kw: str) -> Fact:
        return Fact(
            model=d.model,
            phase=phase,
            field=field,
            value=_fmt(value),
            source_kind="user",
            source_url=url,
            source_locator=f"{name}:{key}",
            raw_text=_fmt(value),
            confidence=kw.get("confidence", "high"),
            note="; ".join(x for x in (kw.get("note", ""), note) if x),
        )

    out: list[Fact] = []
    for key in _MODEL_KEYS:
        value = getattr(d, key)
        if value is not None:
            out.append(fact("model", key, key, value))
    for phase in ("training", "development"):
        p: PhaseDisclosure | None = getattr(d, phase)
        if p is None:
            continue
        for key, field in _PHASE_KEYS.items():
            value = getattr(p, key)
            if value is not None:
                out.append(fact(phase, field, f"{phase}.{key}", value))
        if p.duration_days is None and p.start is not None and p.end is not None:
            # Dates have day resolution and a run touches both the first and the last day,
            # so the span counts both: 1 to 31 January is 31 days. This errs high, not low.
            days = (p.end - p.start).days + 1
            out.append(
                fact(
                    phase,
                    "duration_days",
                    f"{phase}.start+{phase}.end",
                    days,
                    confidence="medium",
                    note="derived from start/end",
                )
            )
    return out


def load_disclosure_file(path: Path, *, max_bytes: int = MAX_BYTES) -> list[Fact]:
    """Facts from one user disclosure file; any problem raises `DisclosureFileError`."""
    return disclosure_facts(read_disclosure(path, max_bytes=max_bytes), path)


def _tidy(v: Any) -> Any:
    # Whole numbers are written without `.0` (a person wrote `gpu_count: 512`, not `512.0`);
    # pydantic reads them back as the same floats, so the round trip is unchanged.
    if isinstance(v, dict):
        return {k: _tidy(x) for k, x in v.items() if x not in (None, {})}
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def dump_disclosure(d: Disclosure) -> str:
    """YAML text for a disclosure, in the documented key order; loading it gives `d` back."""
    data = _tidy(d.model_dump(exclude_none=True))
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)


# --- directories -----------------------------------------------------------------------------

MarkdownParser = Callable[[str, str], list[Fact]]
_YAML_SUFFIXES = frozenset({".yaml", ".yml"})


def _card_files(directory: Path, recursive: bool) -> Iterator[Path]:
    paths = directory.rglob("*") if recursive else directory.iterdir()
    for p in sorted(paths):
        if p.is_file() and p.suffix.lower() in _YAML_SUFFIXES | {".md"}:
            yield p


def read_card_file(
    path: Path, parse_markdown: MarkdownParser | None = None, *, max_bytes: int = MAX_BYTES
) -> list[Fact] | Quarantined | None:
    """One card file's facts, or why it is quarantined; None for a `*.md` file when no
    `parse_markdown` is given. Whatever a file holds, it never raises: one bad file never stops
    the others."""
    if path.suffix.lower() in _YAML_SUFFIXES:
        try:
            return load_disclosure_file(path, max_bytes=max_bytes)
        except DisclosureFileError as exc:
            return Quarantined(path, exc.field, exc.reason)
        except Exception as exc:  # not expected (the fuzz tests look for it); still one file
            return Quarantined(path, None, f"{type(exc).__name__}: {exc}"[:300])
    if parse_markdown is None:
        return None
    try:
        text = _read_text(path, max_bytes)
        return parse_markdown(text, path.resolve().as_uri())
    except DisclosureFileError as exc:
        return Quarantined(path, exc.field, exc.reason)
    except Exception as exc:
        # Someone else's parser: whatever it raises, this card is quarantined and the rest of
        # the directory still loads.
        return Quarantined(path, None, f"{type(exc).__name__}: {exc}"[:300])


def iter_cards_dir(
    directory: Path,
    parse_markdown: MarkdownParser | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    recursive: bool = False,
) -> Iterator[tuple[Path, list[Fact] | Quarantined]]:
    """Each disclosure file in `directory` with its facts, or why it was quarantined.

    `*.yaml`/`*.yml` files use the format above; `*.md` model cards go to `parse_markdown`
    (called with the text and the file's URL) and are skipped when none is given. One bad
    file never stops the others.
    """
    for path in _card_files(directory, recursive):
        outcome = read_card_file(path, parse_markdown, max_bytes=max_bytes)
        if outcome is not None:
            yield path, outcome


def load_cards_dir(
    directory: Path,
    parse_markdown: MarkdownParser | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    recursive: bool = False,
) -> tuple[list[Fact], list[Quarantined]]:
    """Facts from every disclosure file in `directory`; unusable files are quarantined."""
    facts: list[Fact] = []
    bad: list[Quarantined] = []
    for _path, result in iter_cards_dir(
        directory, parse_markdown, max_bytes=max_bytes, recursive=recursive
    ):
        if isinstance(result, Quarantined):
            bad.append(result)
        else:
            facts.extend(result)
    return facts, bad


__all__ = [
    "MAX_ALIASES",
    "MAX_BYTES",
    "MAX_NODES",
    "Disclosure",
    "DisclosureFileError",
    "PhaseDisclosure",
    "Quarantined",
    "disclosure_facts",
    "dump_disclosure",
    "iter_cards_dir",
    "load_cards_dir",
    "load_disclosure_file",
    "parse_disclosure",
    "read_card_file",
    "read_disclosure",
]

"""Users' own disclosure files: one YAML file per model, parsed into `Fact` rows.

The format is described in docs/disclosure-format.md. These files come from users, so the parser
treats them as hostile: it reads at most `max_bytes`, looks at the YAML event stream (aliases,
nesting depth, tags, node count) before building any object, and builds only what
`yaml.safe_load` would (`tasks.cards.safe_yaml.YamlDocument`: a plain document from the checked
events, anything else by `safe_load` itself; on LibYAML's parser where PyYAML has it). Every
problem becomes a `DisclosureFileError` naming the file and, where one exists, the key.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tasks.cards.safe_yaml import DuplicateKeyError, YamlDocument, yaml_safe_load
from tasks.cards.user_yaml_schema import (
    MODEL_KEYS,
    PHASE_KEYS,
    Disclosure,
    PhaseDisclosure,
    describe_error,
    format_value,
)
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
# Where the platform has them: refuse a symbolic link at open, never block on a FIFO.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class DisclosureFileError(Exception):
    """A disclosure file that cannot be used; the message names the file and the key."""

    def __init__(self, path: Path, field: str | None, reason: str) -> None:
        self.path = path
        self.field = field
        self.reason = reason
        where = f"{path.name}: {field}: " if field else f"{path.name}: "
        super().__init__(where + reason)


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Scalar:
    path: str
    value: str
    plain: bool


def read_card_bytes(path: Path, max_bytes: int) -> bytes:
    """At most `max_bytes` + 1 bytes of a card file, which must be a regular file itself: a
    symbolic link is never followed (it could point at /proc/self/environ or /etc/passwd), a
    FIFO, device or folder never opened. Checked with lstat, then opened with O_NOFOLLOW and
    checked again on the open file, so a file swapped for a link in between is refused too."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            raise DisclosureFileError(
                path, None, "a symbolic link: not followed (copy the file itself into the folder)"
            )
        if not stat.S_ISREG(st.st_mode):
            raise DisclosureFileError(path, None, "not a regular file (FIFO, device or folder)")
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)
        try:
            opened = os.fstat(fd)
            if not stat.S_ISREG(opened.st_mode):
                raise DisclosureFileError(path, None, "not a regular file (FIFO, device or folder)")
            if opened.st_size > max_bytes:  # refused unread; a file growing meanwhile: below
                raise DisclosureFileError(
                    path, None, f"file is {opened.st_size} bytes, limit is {max_bytes}"
                )
            return _read_at_most(fd, opened.st_size, max_bytes + 1)
        finally:
            os.close(fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # replaced by a symbolic link after the lstat
            raise DisclosureFileError(path, None, "a symbolic link: not followed") from None
        raise DisclosureFileError(path, None, f"cannot read: {exc.strerror or exc}") from None


def _read_at_most(fd: int, size: int, limit: int) -> bytes:
    """Up to `limit` bytes of an open file whose size was `size`: reads sized by the file, not
    by the limit (a buffered `read(limit)` allocates the whole limit, 16 MB, for a 3 kB card)."""
    parts: list[bytes] = []
    total = 0
    while total < limit:
        wanted = size + 1 - total  # the file as it was, and one byte to see it grew
        block = os.read(fd, min(limit - total, wanted if wanted > 0 else 65_536))
        if not block:
            break
        parts.append(block)
        total += len(block)
    return b"".join(parts)


def decode_card(path: Path, data: bytes, max_bytes: int) -> str:
    """A card file's bytes as text: within the size limit, UTF-8."""
    if len(data) > max_bytes:
        raise DisclosureFileError(path, None, f"file is over the {max_bytes} byte limit")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DisclosureFileError(
            path, None, f"not UTF-8 text (bad byte at offset {exc.start})"
        ) from None


def read_text(path: Path, max_bytes: int) -> str:
    """A card file's text (`read_card_bytes`, `decode_card`)."""
    return decode_card(path, read_card_bytes(path, max_bytes), max_bytes)


class _EventScan:
    """Walks a YAML event stream: keeps the key path of each node, counts nodes and aliases,
    refuses tags, and collects the value scalars by key path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.aliases = 0
        self.nodes = 0
        # Each frame: [kind, key-or-index, expecting_key]; kind is "map" or "seq".
        self.stack: list[list[Any]] = []
        self.scalars: list[_Scalar] = []

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.NodeEvent):
            self._count_node(event)
        if isinstance(event, yaml.AliasEvent):
            self._alias()
        elif isinstance(event, yaml.ScalarEvent):
            p = self._node_path()
            if p is None:
                self.stack[-1][1] = event.value[:100]
            else:
                # A plain scalar's style is None from PyYAML's parser, '' from LibYAML's.
                self.scalars.append(_Scalar(p, event.value, not event.style))
            self._finish_node()
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self._start(event)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            self.stack.pop()
            self._finish_node()

    def _count_node(self, event: yaml.NodeEvent) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise DisclosureFileError(
                self.path, None, f"more than {MAX_NODES} keys and values; not a disclosure"
            )
        if isinstance(event, yaml.AliasEvent):
            return
        tag = getattr(event, "tag", None)
        if tag not in _ALLOWED_TAGS:
            where = self._node_path() or _key_path(self.stack)
            raise DisclosureFileError(
                self.path,
                where,
                f"YAML tag {str(tag)[:80]!r} is not allowed: write plain values "
                "(tags that would build Python objects are refused)",
            )

    def _alias(self) -> None:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise DisclosureFileError(
                self.path, None, f"more than {MAX_ALIASES} YAML aliases (*name); refused"
            )
        if self._node_path() is None:
            self.stack[-1][1] = "(alias key)"
        self._finish_node()

    def _start(self, event: yaml.MappingStartEvent | yaml.SequenceStartEvent) -> None:
        if self._node_path() is None:
            self.stack[-1][1] = "(complex key)"
        if len(self.stack) >= MAX_DEPTH:
            raise DisclosureFileError(self.path, None, f"nested deeper than {MAX_DEPTH} levels")
        kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
        self.stack.append([kind, 0 if kind == "seq" else "", kind == "map"])

    def _node_path(self) -> str | None:
        # None while the node is a mapping key rather than a value.
        if self.stack and self.stack[-1][0] == "map" and self.stack[-1][2]:
            return None
        parts = [str(f[1]) for f in self.stack]
        return ".".join(parts) if parts else "(top level)"

    def _finish_node(self) -> None:
        if not self.stack:
            return
        frame = self.stack[-1]
        if frame[0] == "map":
            frame[2] = not frame[2]
        else:
            frame[1] += 1


def _scan_events(path: Path, text: str) -> tuple[list[_Scalar], YamlDocument]:
    """Check the event stream before anything is constructed; return value scalars by key path,
    and the document, to be loaded once its events have all passed.

    Events carry aliases as references, not expansions, so counting them here is cheap even for
    a file whose constructed form would be enormous.
    """
    scan = _EventScan(path)
    doc = YamlDocument(text)
    try:
        for event in doc.events():
            scan.feed(event)
    except yaml.YAMLError as exc:
        raise DisclosureFileError(path, None, f"not valid YAML: {_yaml_problem(exc)}") from None
    return scan.scalars, doc


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
    scalars, doc = _scan_events(path, text)
    try:
        return doc.load()
    except DuplicateKeyError as exc:
        first, again = exc.context_mark, exc.problem_mark
        lines = f" (lines {first.line + 1} and {again.line + 1})" if first and again else ""
        raise DisclosureFileError(
            path, exc.key, f"duplicate key{lines}: write it once (YAML would keep the last)"
        ) from None
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
        described = [
            (".".join(str(p) for p in e["loc"]) or None, describe_error(e)) for e in errors
        ]
        field, reason = described[0]
        others = "; ".join(f"{f}: {r}" for f, r in described[1:5])
        reason += f" (also {others})" if others else ""
        raise DisclosureFileError(path, field, reason) from None
    except (RecursionError, OverflowError) as exc:
        raise DisclosureFileError(path, None, f"invalid value: {type(exc).__name__}") from None


def read_disclosure(path: Path, *, max_bytes: int = MAX_BYTES) -> Disclosure:
    """Read and validate one disclosure file."""
    return parse_disclosure(path, read_text(path, max_bytes))


def disclosure_file_facts(path: Path, data: bytes, *, max_bytes: int = MAX_BYTES) -> list[Fact]:
    """Facts from a disclosure file's bytes, already read; any problem raises
    `DisclosureFileError`."""
    return disclosure_facts(parse_disclosure(path, decode_card(path, data, max_bytes)), path)


def disclosure_facts(d: Disclosure, path: Path) -> list[Fact]:
    """The facts a validated disclosure states; `path` is the file it came from."""
    name = path.name
    # The file's own citation (a URL or a reference) is the facts' source; without one, the
    # file's name. Never its path: the source is published (leaderboard, report) and a local
    # path names someone's machine, not where the figures come from.
    url = d.source or name

    def fact(phase: str, field: str, key: str, value: Any, **kw: str) -> Fact:
        return Fact(
            model=d.model,
            phase=phase,
            field=field,
            value=format_value(value),
            source_kind="user",
            source_url=url,
            source_locator=f"{name}:{key}",
            raw_text=format_value(value),
            confidence=kw.get("confidence", "high"),
            note=kw.get("note", ""),
        )

    out: list[Fact] = []
    for key in MODEL_KEYS:
        value = getattr(d, key)
        if value is not None:
            out.append(fact("model", key, key, value))
    for phase in ("training", "development"):
        p: PhaseDisclosure | None = getattr(d, phase)
        if p is None:
            continue
        for key, field in PHASE_KEYS.items():
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


__all__ = [
    "MAX_ALIASES",
    "MAX_BYTES",
    "MAX_NODES",
    "DisclosureFileError",
    "decode_card",
    "disclosure_facts",
    "disclosure_file_facts",
    "dump_disclosure",
    "load_disclosure_file",
    "parse_disclosure",
    "read_card_bytes",
    "read_disclosure",
    "read_text",
]

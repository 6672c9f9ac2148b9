"""YAML from untrusted text: the event stream and `safe_load`, on the fastest safe parser.

Shared by the card front matter and users' disclosure files; each checks the event stream with
its own limits before anything is constructed. `YamlDocument` gives both from one parse: the
events for the checks, and the document built from those same events when it is plain (no
anchor, alias, merge key, collection key, second document or tag beyond the core scalar ones);
anything else is loaded by `yaml_safe_load` as before, which then also raises what it raises.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

# LibYAML's C parser where PyYAML was built with it (the PyPI wheels are), else the pure-Python
# one. Both emit the same event objects and both loaders construct with the same Python
# SafeConstructor, so the checks on the event stream and what `safe_load` may build are the
# same; the C parser scans ~10x faster. It takes UTF-8 only: a str it cannot encode (a lone
# surrogate) goes to the Python reader, which rejects it as a YAML error as before.
_C_SAFE_LOADER: type[Any] | None = getattr(yaml, "CSafeLoader", None)
_MERGE_TAG = "tag:yaml.org,2002:merge"


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping that names one key twice: YAML says that is an error, PyYAML keeps the last
    value silently. Which one the writer meant is not ours to guess."""

    def __init__(self, key: str, first: yaml.Mark, again: yaml.Mark) -> None:
        super().__init__(
            "while constructing a mapping",
            first,
            f"found duplicate key {key!r} (also on line {first.line + 1})",
            again,
        )
        self.key = key


def _refuse_duplicate_keys(node: yaml.MappingNode) -> None:
    seen: dict[tuple[str, str], yaml.Mark] = {}
    for key_node, _value in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
            continue  # merge keys (<<) may override, by design
        ident = (key_node.tag, key_node.value)
        if ident in seen:
            raise DuplicateKeyError(key_node.value[:100], seen[ident], key_node.start_mark)
        seen[ident] = key_node.start_mark


class _Strict:
    """Mixed into a safe loader: a mapping with a duplicate key is an error, not 'last wins'."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        _refuse_duplicate_keys(node)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class _StrictSafeLoader(_Strict, yaml.SafeLoader):
    pass


_StrictCSafeLoader: type[Any] | None = (
    type("_StrictCSafeLoader", (_Strict, _C_SAFE_LOADER), {}) if _C_SAFE_LOADER else None
)


def _safe_loader(text: str) -> Any:
    if _StrictCSafeLoader is not None:
        try:
            return _StrictCSafeLoader(text)
        except UnicodeEncodeError:
            pass
    return _StrictSafeLoader(text)


def yaml_events(text: str) -> Iterator[yaml.Event]:
    """The YAML event stream of untrusted text (nothing is constructed): `yaml.parse` on the
    fastest safe parser available."""
    return _events_of(_safe_loader(text))


def _events_of(loader: Any) -> Iterator[yaml.Event]:
    """A loader's events, the loader disposed of once they are read (or left)."""
    try:
        while loader.check_event():
            yield loader.get_event()
    finally:
        loader.dispose()


def yaml_safe_load(text: str) -> Any:
    """`yaml.safe_load` on the fastest safe loader available (LibYAML's when present), except
    that a duplicate key in a mapping raises `DuplicateKeyError` instead of keeping the last."""
    loader = _safe_loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


_CORE = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ = _CORE + "str", _CORE + "map", _CORE + "seq"
# The scalars `safe_load` builds with a plain function of the node (SafeConstructor's).
_SCALARS = frozenset(_CORE + t for t in ("null", "bool", "int", "float", "timestamp"))


class _NotPlain(Exception):  # a signal inside YamlDocument, never raised out of it
    """The document needs PyYAML's own composer and constructor."""


class YamlDocument:
    """One parse of untrusted YAML for both its checks and its data.

    `events()` yields the event stream (as `yaml_events`) for the caller to check, and builds
    the document from the same events as they pass; `load()`, once every event has been seen,
    returns what `yaml_safe_load` would: the built document when it is plain (above), else
    `yaml_safe_load(text)` itself. A scalar the built path cannot construct (a date such as
    2024-02-30, an integer too long to convert) sends it to `yaml_safe_load` too, so the errors
    are PyYAML's, raised by `load()` as before. Checking and loading cost a third less than
    checking the events and then calling `safe_load`, which parses the text again and constructs
    it node by node (0.64-0.67 -> 0.45 CPU-s for the YAML of 10,000 bench cards)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._loader: Any = None
        self._plain = True
        self._complete = False
        self._documents = 0
        # Each open collection: [container, pending key or _NO_KEY, the keys' (tag, text)].
        self._stack: list[list[Any]] = []
        self._data: Any = None

    def events(self) -> Iterator[yaml.Event]:
        self._loader = _safe_loader(self.text)
        for event in _events_of(self._loader):
            if self._plain:
                try:
                    self._feed(event)
                except Exception:  # PyYAML's loader builds it, and raises what it raises
                    self._plain = False
            yield event

    @property
    def built(self) -> bool:
        """Whether `load()` returns the document built from the events (not `safe_load`'s)."""
        return self._plain and self._complete

    def load(self) -> Any:
        if self.built:
            return self._data
        return yaml_safe_load(self.text)

    def _feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.ScalarEvent):
            tag = self._scalar_tag(event)
            self._add(self._scalar(tag, event), (tag, event.value))
        elif isinstance(event, yaml.CollectionStartEvent):
            self._start(event, isinstance(event, yaml.MappingStartEvent))
        elif isinstance(event, yaml.CollectionEndEvent):
            self._add(self._stack.pop()[0], None)
        elif isinstance(event, yaml.DocumentStartEvent):
            self._documents += 1
            if self._documents > 1:  # safe_load refuses a second document
                raise _NotPlain
        elif isinstance(event, yaml.StreamEndEvent):
            self._complete = True
        elif isinstance(event, yaml.AliasEvent):
            raise _NotPlain

    def _scalar_tag(self, event: yaml.ScalarEvent) -> str:
        if event.anchor is not None:
            raise _NotPlain
        if event.tag is None or event.tag == "!":  # resolved as PyYAML's composer does
            return str(self._loader.resolve(yaml.ScalarNode, event.value, event.implicit))
        return event.tag

    def _scalar(self, tag: str, event: yaml.ScalarEvent) -> Any:
        if tag == _STR:
            return event.value
        if tag not in _SCALARS:
            raise _NotPlain
        # Without its marks: a constructor that fails sends the document to safe_load, whose
        # error names the place.
        node = yaml.ScalarNode(tag, event.value, style=event.style)
        return self._loader.yaml_constructors[tag](self._loader, node)

    def _start(self, event: yaml.CollectionStartEvent, mapping: bool) -> None:
        if event.anchor is not None or event.tag not in (None, "!", _MAP if mapping else _SEQ):
            raise _NotPlain
        if self._stack and self._stack[-1][1] is _NO_KEY:  # a collection as a mapping key
            raise _NotPlain
        self._stack.append([{}, _NO_KEY, set()] if mapping else [[], None, None])

    def _add(self, value: Any, key: tuple[str, str] | None) -> None:
        """A finished node into the collection around it; `key` is a scalar's (tag, text)."""
        if not self._stack:
            self._data = value
            return
        frame = self._stack[-1]
        container = frame[0]
        if isinstance(container, list):
            container.append(value)
        elif frame[1] is _NO_KEY:
            if key is None or key[0] == _MERGE_TAG or key in frame[2]:
                raise _NotPlain  # a collection key, a merge key (<<) or a duplicate key
            frame[2].add(key)
            frame[1] = value
        else:
            container[frame[1]] = value
            frame[1] = _NO_KEY


_NO_KEY = object()  # a mapping waiting for its next key

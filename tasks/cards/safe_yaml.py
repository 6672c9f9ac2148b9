"""YAML from untrusted text: the event stream and `safe_load`, on the fastest safe parser.

Shared by the card front matter and users' disclosure files; each checks the event stream with
its own limits before anything is constructed.
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
    loader = _safe_loader(text)
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

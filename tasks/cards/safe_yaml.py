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

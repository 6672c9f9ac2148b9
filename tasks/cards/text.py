"""Card text clean-up: inline Markdown and HTML stripped, sentences split, text shortened."""

from __future__ import annotations

import re

_LINK = re.compile(r"\[([^\]]{0,300})\]\([^)]{0,500}\)")
_TAG = re.compile(r"<[^>]{0,300}>")


def clean_inline(text: str) -> str:
    """Drop Markdown emphasis, links (keep text), HTML tags and escapes; collapse spaces."""
    t = _LINK.sub(r"\1", text) if "[" in text else text
    if "<" in t:
        t = _TAG.sub("", t)
    if "\\" in t:
        t = t.replace("\\-", "-").replace("\\*", "*").replace("\\_", "_").replace("\\+", "+")
    t = t.replace("**", "").replace("__", "").replace("`", "")
    # str.split() and the regex \s agree on what is white space (both Py_UNICODE_ISSPACE).
    return " ".join(t.split())


def short(s: str, n: int = 160) -> str:
    """`s` on one line, cut to `n` characters with '...' (for warnings, notes and locators)."""
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 3] + "..."


_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[A-Z*\"(])")


def sentences(text: str) -> list[str]:
    # Split on '.', ';' followed by space and a capital/bold/quote; keeps '39.3M' intact.
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def line_at(text: str, offset: int) -> int:
    """The 1-based line of `text` that holds `offset`."""
    return text.count("\n", 0, offset) + 1

"""Model and hardware names as cards write them: display names, headings, GPU lines."""

from __future__ import annotations

import re

from tasks.cards.text import clean_inline

_LLAMA = re.compile(r"(?i)^(?:meta[- ])?llama[- ]?(\d(?:\.\d)?)(.*)$")
_LLAMA_SIZE = re.compile(r"(?i)^[- ]\d+(?:\.\d+)?[bm]\b")


def normalise_model_name(name: str) -> str:
    """Consistent display names: markup stripped, 'Meta-Llama-3.1-8B' / 'Llama3.1 8B' ->
    'Llama 3.1 8B'. Other names keep their spelling (resolved later via model_aliases)."""
    n = clean_inline(name).strip(" *^:")
    m = _LLAMA.match(n)
    if m:
        rest = m.group(2)
        # 'Llama-3.1-8B-Instruct' -> 'Llama 3.1 8B Instruct'; '3.2-vision 11B' keeps its dash.
        if _LLAMA_SIZE.match(rest):
            rest = rest.replace("-", " ")
        n = " ".join(f"Llama {m.group(1)}{rest}".split())
    return n


_GENERIC_HEADINGS = re.compile(
    r"(?i)^(model (details|information|summary|description|overview|card)|overview|introduction|"
    r"table of contents|problem description|model trained using autotrain|license|usage|"
    r"citation|uses|evaluation|training|training details|intended use)$"
)


_LEADING_SYMBOLS = re.compile(r"^[^\w(]+")
_MODEL_CARD_FOR = re.compile(r"(?i)^model card for\s+")
_MODEL_CARD_SUFFIX = re.compile(r"(?i)\s+model card$")


def name_from_heading(h: str) -> str | None:
    """The model a heading names ('Model Card for Foo-7B' -> 'Foo-7B'); None for generic ones."""
    t = clean_inline(h)
    t = _LEADING_SYMBOLS.sub("", t).strip()  # emoji and symbols before the name
    t = _MODEL_CARD_FOR.sub("", t)
    t = _MODEL_CARD_SUFFIX.sub("", t).strip()
    if not t or _GENERIC_HEADINGS.match(t) or len(t) > 80:
        return None
    return t


def loose(name: str) -> str:
    """A name for comparison only: no punctuation, spaces or case ('IDEFICS-80B' ~ 'idefics80b')."""
    return re.sub(r"[\W_]+", "", name).casefold()


def split_hardware(text: str) -> tuple[int | None, str]:
    """'384 A100 80GB GPUs' -> (384, 'A100 80GB'); '32 x 8 x A100 GPUs' -> (256, 'A100');
    'TPU v3-256' -> (None, 'TPU v3-256'); '1 pod TPU v3-256 = ... = 256 TPU v3' -> (256, 'TPU v3').
    """
    t = clean_inline(text)
    if "=" in t:
        t = t.rsplit("=", 1)[1].strip()
    count: int | None = None
    # Counts are bounded to 9 digits: int() of a 5000-digit string raises, and no cluster is bigger.
    m = re.match(r"^\s*(\d[\d,]{0,8}(?:\s*[x×]\s*\d[\d,]{0,8}){0,3})\s*[x×]?\s+(.+)$", t)
    if m and re.search(r"[A-Za-z]", m.group(2)):
        nums = [int(p.replace(",", "")) for p in re.split(r"\s*[x×]\s*", m.group(1)) if p]
        prod = 1
        for n in nums:
            prod *= n
        count = prod
        t = m.group(2)
    t = re.sub(r"(?i)\s*\b(gpus?|chips?|accelerators?)\b\s*$", "", t).strip(" ,.")
    t = re.sub(r"(?i)\s*\(.*?\)\s*$", "", t).strip() or t
    return count, t

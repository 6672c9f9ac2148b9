"""Fuzzing the parsers that read what others wrote: model cards, YAML disclosures, and the CSV
readers. Each may fail only with its documented error type, within a deadline, in bounded memory.

Examples per target: FOOTPRINTS_FUZZ_EXAMPLES (default 300, kept modest so the reliability suite
stays within minutes on two cores); the total is printed at the end of the session.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_helpers import FUZZ_COUNTS

from tasks.cards import (
    CardError,
    DisclosureFileError,
    load_disclosure_file,
    parse_card,
    parse_disclosure,
)
from tasks.core.facts import FACT_COLUMNS
from tasks.load.ingest import read_csv_text
from tasks.sources.models.epoch_rows import COLUMNS as EPOCH_COLUMNS
from tasks.sources.models.epoch_rows import parse_epoch_models
from tasks.sources.models.hfco2 import HFCO2FormatError, parse_hfco2
from tasks.sources.models.snapshot import read_facts_csv

EXAMPLES = int(os.environ.get("FOOTPRINTS_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=3),  # a hang or a blow-up fails the example
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=os.environ.get("FOOTPRINTS_FUZZ_RANDOM") is None,  # reproducible by default
    database=None,
)
# The readers' documented failures: ingest_payload turns exactly these into a SourceError.
CSV_ERRORS = (pl.exceptions.PolarsError, ValueError, UnicodeDecodeError)
MEMORY_BUDGET = 500 * 2**20
_STATUS = Path("/proc/self/status")
_BASELINE: dict[str, int] = {}


def _vm(field: str) -> int | None:
    """A /proc/self/status size in bytes (Linux), else None."""
    if not _STATUS.exists():
        return None
    for line in _STATUS.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return None


@pytest.fixture(scope="module", autouse=True)
def _reset_peak_rss() -> None:
    """Reset this process's peak RSS (VmHWM) before the fuzz targets run, so the memory check
    sees what they used, not what earlier tests of the session did."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return
    _BASELINE["rss"] = _vm("VmRSS") or 0


def counted(name: str) -> None:
    FUZZ_COUNTS[name] = FUZZ_COUNTS.get(name, 0) + 1


# ---------------------------------------------------------------------------------------------
# Strategies

NUMBERS = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1,234.5", "3.8e25", "30.84M", "-0", "1e309", "NaN", "0x1F", "½", "٣"]),
)
UNITS = st.sampled_from(
    ["GPU hours", "hours", "MWh", "kWh", "tCO2eq", "t CO2e", "kg", "g", "W", "days", "", "%"]
)
WORDS = st.sampled_from(
    [
        "Hardware Type",
        "Hours used",
        "Compute Region",
        "Carbon Emitted",
        "Training Time (GPU hours)",
        "Power Consumption (W)",
        "Carbon Emitted(Location-Based) (tCO2eq)",
        "H100-80GB",
        "A100 SXM",
        "TPUv4",
        "us-east-1",
        "France",
        "co2_eq_emissions",
        "emissions",
        "Llama",
        "|",
        "---",
        "&a",
        "*a",
        "!!python/object",
        "\x00",
        "\u202e",
        "🙂",
    ]
)
LINE = st.lists(st.one_of(WORDS, NUMBERS, UNITS, st.text(max_size=20)), max_size=8).map(" ".join)


@st.composite
def cards(draw: st.DrawFn) -> str:
    """Model-card-shaped text: optional front matter, tables, key: value lines, prose."""
    parts = []
    if draw(st.booleans()):
        front = draw(
            st.one_of(
                st.dictionaries(
                    st.sampled_from(["co2_eq_emissions", "model-index", "license", "tags", "x"]),
                    st.recursive(
                        st.one_of(st.none(), st.booleans(), NUMBERS, st.text(max_size=15)),
                        lambda c: st.lists(c, max_size=3) | st.dictionaries(UNITS, c, max_size=3),
                        max_leaves=12,
                    ),
                    max_size=4,
                ).map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
                st.lists(LINE, max_size=6).map("\n".join),
            )
        )
        parts.append(f"---\n{front}\n---\n")
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["table", "kv", "prose", "heading"]))
        if kind == "table":
            cols = draw(st.integers(1, 5))
            rows = draw(st.lists(st.lists(LINE, min_size=cols, max_size=cols), max_size=5))
            header = draw(st.lists(WORDS, min_size=cols, max_size=cols))
            lines = ["| " + " | ".join(header) + " |", "|" + "---|" * cols]
            lines += ["| " + " | ".join(r) + " |" for r in rows]
            parts.append("\n".join(lines) + "\n")
        elif kind == "kv":
            parts.append(f"- **{draw(WORDS)}:** {draw(NUMBERS)} {draw(UNITS)}\n")
        elif kind == "heading":
            parts.append(f"## {draw(WORDS)}\n")
        else:
            parts.append(draw(LINE) + "\n")
    return "".join(parts)


DISCLOSURE_KEYS = [
    "model",
    "organization",
    "release_date",
    "parameters_b",
    "training_tokens_b",
    "training_flops",
    "training",
    "development",
    "source",
    "unknown_key",
]
PHASE_KEYS = [
    "gpu",
    "gpu_count",
    "gpu_hours",
    "duration_days",
    "start",
    "end",
    "power_w",
    "pue",
    "location",
    "carbon_intensity_kg_per_kwh",
    "energy_mwh",
    "co2e_t",
    "co2e_market_t",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates().map(str),
    NUMBERS,
)


@st.composite
def disclosures(draw: st.DrawFn) -> str:
    """YAML text: mostly disclosure-shaped mappings, sometimes mangled or hostile."""
    doc = draw(
        st.dictionaries(
            st.sampled_from(DISCLOSURE_KEYS),
            st.one_of(
                SCALARS,
                st.dictionaries(st.sampled_from(PHASE_KEYS), SCALARS, max_size=8),
                st.lists(SCALARS, max_size=3),
            ),
            max_size=9,
        )
    )
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    mangle = draw(st.sampled_from(["none", "cut", "insert", "tag", "alias", "raw"]))
    if mangle == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif mangle == "insert":
        at = draw(st.integers(0, len(text)))
        text = (
            text[:at]
            + draw(st.sampled_from(["{", "[", ": ", "\t", "&a ", "*a", "'", '"']))
            + text[at:]
        )
    elif mangle == "tag":
        text = text.replace(": ", ": !!python/object/apply:os.getcwd ", 1)
    elif mangle == "alias":
        text = "x: &x [1, 2, 3]\n" + "".join(f"y{i}: [*x, *x, *x]\n" for i in range(30)) + text
    elif mangle == "raw":
        text = draw(st.text(max_size=300))
    return text


def csv_text(header: list[str]) -> st.SearchStrategy[bytes]:
    """CSV bytes with `header` (shuffled, cut, or replaced) and cells of any shape."""
    cell = st.one_of(NUMBERS, UNITS, WORDS, st.text(max_size=25), st.just(""))

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        cols = draw(
            st.one_of(
                st.just(header),
                st.permutations(header),
                st.lists(st.sampled_from(header), min_size=1, max_size=len(header)),
                st.lists(st.text(max_size=8), max_size=6),
            )
        )
        rows = draw(st.lists(st.lists(cell, min_size=len(cols), max_size=len(cols)), max_size=12))
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(cols)
        writer.writerows(rows)
        data = buffer.getvalue().encode()
        how = draw(st.sampled_from(["ok", "ok", "cut", "bytes", "bom", "ragged"]))
        if how == "cut":
            data = data[: draw(st.integers(0, len(data)))]
        elif how == "bytes":
            data = data + draw(st.binary(max_size=60))
        elif how == "bom":
            data = b"\xef\xbb\xbf" + data
        elif how == "ragged":
            data = data + b'\n"unterminated,' + draw(st.binary(max_size=20))
        return data

    return st.one_of(build(), st.binary(max_size=300))


# ---------------------------------------------------------------------------------------------
# Targets


@FUZZ
@given(cards())
def test_parse_card(text: str) -> None:
    counted("parse_card")
    try:
        parsed = parse_card(text, "https://example.org/card.md", source_kind="user")
    except CardError:
        return
    assert isinstance(parsed.facts, list)


@FUZZ
@given(disclosures())
def test_parse_disclosure(text: str) -> None:
    counted("parse_disclosure")
    try:
        parse_disclosure(Path("fuzz.yaml"), text)
    except DisclosureFileError:
        return


@FUZZ
@given(st.one_of(disclosures().map(str.encode), st.binary(max_size=400)))
def test_load_disclosure_file(data: bytes) -> None:
    counted("load_disclosure_file")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "card.yaml"
        path.write_bytes(data)
        try:
            facts = load_disclosure_file(path)
        except DisclosureFileError:
            return
    assert all(f.model for f in facts)


@FUZZ
@given(csv_text(["key", "low", "central", "high", "unit", "source", "note"]))
def test_read_csv_text(data: bytes) -> None:
    counted("read_csv_text")
    try:
        frame = read_csv_text(data)
    except CSV_ERRORS:
        return
    assert all(dtype == pl.String for dtype in frame.schema.values())


@FUZZ
@given(csv_text(list(FACT_COLUMNS)))
def test_read_facts_csv(data: bytes) -> None:
    counted("read_facts_csv")
    try:
        frame = read_facts_csv(data)
    except CSV_ERRORS:
        return
    assert frame.columns == list(FACT_COLUMNS)


@FUZZ
@given(
    csv_text(
        [
            "modelId",
            "co2_eq_emissions",
            "source",
            "training_type",
            "geographical_location",
            "hardware_used",
            "size",
            "auto",
            "parameters",
        ]
    )
)
def test_parse_hfco2(data: bytes) -> None:
    counted("parse_hfco2")
    try:
        parse_hfco2(data, "https://example.org/HFCO2.csv")
    except HFCO2FormatError:
        return


@FUZZ
@given(csv_text([names[0] for names in EPOCH_COLUMNS.values()]))
def test_parse_epoch_models(data: bytes) -> None:
    counted("parse_epoch_models")
    try:
        parse_epoch_models(data, "https://epoch.ai/data/all_ai_models.csv")
    except ValueError:  # its documented error (UnicodeDecodeError is one too)
        return


def test_fuzzing_stayed_within_memory() -> None:
    """The process's peak RSS grew by less than the budget while the parsers were fuzzed."""
    peak = _vm("VmHWM")
    if peak is None or "rss" not in _BASELINE:
        pytest.skip("no /proc/self/clear_refs here: the peak RSS cannot be measured per module")
    grew = peak - _BASELINE["rss"]
    assert grew < MEMORY_BUDGET, f"grew by {grew / 2**20:.0f} MB"

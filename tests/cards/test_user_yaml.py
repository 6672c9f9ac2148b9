"""Users' disclosure YAML files: the format, its errors, and hostile input."""

from __future__ import annotations

import shutil
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.cards.user_yaml import (
    MAX_ALIASES,
    MAX_NODES,
    DisclosureFileError,
    dump_disclosure,
    load_disclosure_file,
    read_disclosure,
)
from tasks.cards.user_yaml_schema import Disclosure
from tasks.core.facts import Fact

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cards"

FULL = """\
model: Full Model
organization: Example Org
release_date: 2024-05-06
parameters_b: 70
training_tokens_b: 15000
training_flops: 6.3e+24
training:
  gpu: H100-80GB
  gpu_count: 2048
  gpu_hours: 1500000
  duration_days: 30.5
  start: 2024-01-01
  end: 2024-01-31
  power_w: 700
  pue: 1.1
  location: US-CAL-CISO
  carbon_intensity_kg_per_kwh: 0.25
  energy_mwh: 1155
  co2e_t: 288.75
  co2e_market_t: 0
development:
  gpu_hours: 400000
  energy_mwh: 300
  co2e_t: 75
source: Internal report 2024-07, table 3
"""

# (phase, field) -> (value, unit) for FULL
FULL_EXPECTED = {
    ("model", "organization"): ("Example Org", ""),
    ("model", "release_date"): ("2024-05-06", "date"),
    ("model", "parameters_b"): ("70", "billion parameters"),
    ("model", "training_tokens_b"): ("15000", "billion tokens"),
    ("model", "training_flops"): ("6.3e+24", "FLOP"),
    ("training", "gpu"): ("H100-80GB", ""),
    ("training", "gpu_count"): ("2048", "count"),
    ("training", "gpu_hours"): ("1500000", "h"),
    ("training", "duration_days"): ("30.5", "d"),
    ("training", "start_date"): ("2024-01-01", "date"),
    ("training", "end_date"): ("2024-01-31", "date"),
    ("training", "power_w"): ("700", "W"),
    ("training", "pue"): ("1.1", "ratio"),
    ("training", "location"): ("US-CAL-CISO", ""),
    ("training", "carbon_intensity_kg_per_kwh"): ("0.25", "kg/kWh"),
    ("training", "energy_mwh"): ("1155", "MWh"),
    ("training", "co2e_t"): ("288.75", "t"),
    ("training", "co2e_market_t"): ("0", "t"),
    ("development", "gpu_hours"): ("400000", "h"),
    ("development", "energy_mwh"): ("300", "MWh"),
    ("development", "co2e_t"): ("75", "t"),
}


def write(tmp_path: Path, text: str | bytes, name: str = "card.yaml") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode() if isinstance(text, str) else text)
    return p


def by_key(facts: list[Fact]) -> dict[tuple[str, str], Fact]:
    return {(f.phase, f.field): f for f in facts}


# --- the examples and the fields ----------------------------------------------------------------


def test_examples_load() -> None:
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert [p.name for p in files] == ["acme-7b.yaml", "heron-1b.yaml"]
    acme = by_key(load_disclosure_file(EXAMPLES / "acme-7b.yaml"))
    assert {k for k in acme if k[0] == "training"} == {
        ("training", "gpu"),
        ("training", "gpu_count"),
        ("training", "duration_days"),
        ("training", "location"),
    }
    assert acme[("training", "gpu_count")].value == "512"
    heron = by_key(load_disclosure_file(EXAMPLES / "heron-1b.yaml"))
    assert heron[("training", "energy_mwh")].value == "36.1"
    assert heron[("training", "co2e_t")].value == "14.8"
    assert heron[("training", "co2e_market_t")].value == "0"
    # The example's own arithmetic holds: GPU-hours x power x PUE = energy, energy x CI = CO2.
    gpu_h = float(heron[("training", "gpu_hours")].value)
    mwh = gpu_h * 330 / 1e6 * 1.15
    assert mwh == pytest.approx(36.1, abs=0.05)
    assert mwh * 0.41 == pytest.approx(14.8, abs=0.05)


def test_every_field_lands_with_its_unit(tmp_path: Path) -> None:
    facts = load_disclosure_file(write(tmp_path, FULL, "full.yaml"))
    got = by_key(facts)
    assert len(facts) == len(got) == len(FULL_EXPECTED)  # duration given: nothing derived
    for key, (value, unit) in FULL_EXPECTED.items():
        assert (got[key].value, got[key].unit) == (value, unit), key
    for f in facts:
        assert f.source_kind == "user"
        assert f.confidence == "high"
        assert f.model == "Full Model"
        # the file's own citation is the source; its local path appears nowhere
        assert f.source_url == "Internal report 2024-07, table 3"
        assert f.note == ""
        assert str(tmp_path) not in repr(f)
    assert got[("training", "gpu_hours")].source_locator == "full.yaml:training.gpu_hours"
    assert got[("model", "parameters_b")].source_locator == "full.yaml:parameters_b"


def test_source_is_the_file_name_without_a_citation(tmp_path: Path) -> None:
    (f,) = load_disclosure_file(write(tmp_path, "model: m\nparameters_b: 1\n", "m.yaml"))
    assert f.source_url == "m.yaml"
    assert str(tmp_path) not in repr(f)


def test_source_url_when_source_is_a_url(tmp_path: Path) -> None:
    p = write(tmp_path, "model: m\nparameters_b: 1\nsource: https://example.org/card\n", "m.yml")
    (f,) = load_disclosure_file(p)
    assert f.source_url == "https://example.org/card"
    assert f.source_locator == "m.yml:parameters_b"  # the file stays in the locator
    assert f.note == ""


def test_duration_derived_from_start_end_only_when_absent(tmp_path: Path) -> None:
    p = write(tmp_path, "model: m\ntraining:\n  start: 2024-01-01\n  end: 2024-01-31\n")
    got = by_key(load_disclosure_file(p))
    d = got[("training", "duration_days")]
    assert (d.value, d.confidence, d.note) == ("31", "medium", "derived from start/end")
    assert d.source_locator == "card.yaml:training.start+training.end"
    assert got[("training", "start_date")].value == "2024-01-01"
    same_day = write(tmp_path, "model: m\ndevelopment:\n  start: 2024-01-01\n  end: 2024-01-01\n")
    assert by_key(load_disclosure_file(same_day))[("development", "duration_days")].value == "1"


def test_lenient_spellings_of_valid_values(tmp_path: Path) -> None:
    text = (
        "model: m\nrelease_date: '2024-02-29'\nparameters_b: '7'\ntraining_flops: 1e24\n"
        "training:\n  gpu: 4090\n  gpu_hours: 24_700_000\n"
    )
    got = by_key(load_disclosure_file(write(tmp_path, text)))
    assert got[("model", "release_date")].value == "2024-02-29"
    assert got[("model", "training_flops")].value == "1e+24"  # YAML 1.1 reads 1e24 as text
    assert got[("training", "gpu")].value == "4090"
    assert got[("training", "gpu_hours")].value == "24700000"


# --- round trip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["acme-7b.yaml", "heron-1b.yaml", "full.yaml"])
def test_round_trip(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name == "full.yaml":
        path.write_text(FULL)
    else:
        shutil.copy(EXAMPLES / name, path)
    before = load_disclosure_file(path)
    path.write_text(dump_disclosure(read_disclosure(path)))
    assert load_disclosure_file(path) == before
    assert dump_disclosure(read_disclosure(path)) == path.read_text()


_pos = st.floats(min_value=1e-6, max_value=1e30, allow_nan=False, allow_infinity=False)
_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1).map(
    str.strip
)


@given(
    name=_text.filter(bool),
    params=st.none() | _pos,
    hours=st.none() | _pos,
    pue=st.none() | st.floats(min_value=0.01, max_value=3),
    count=st.none() | st.integers(min_value=1, max_value=10_000_000),
    start=st.none() | st.dates(),
    gpu=st.none() | _text.filter(lambda s: 0 < len(s) <= 500),
)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_round_trip_generated(
    tmp_path: Path,
    name: str,
    params: float | None,
    hours: float | None,
    pue: float | None,
    count: int | None,
    start: object,
    gpu: str | None,
) -> None:
    try:
        d = Disclosure.model_validate(
            {
                "model": name,
                "parameters_b": params,
                "training": {
                    "gpu_hours": hours,
                    "pue": pue,
                    "gpu_count": count,
                    "start": start,
                    "gpu": gpu,
                },
            }
        )
    except Exception:
        return  # e.g. a name pydantic rejects; round trip is about valid disclosures
    path = tmp_path / "gen.yaml"
    path.write_text(dump_disclosure(d), encoding="utf-8")
    assert read_disclosure(path) == d
    first = load_disclosure_file(path)
    path.write_text(dump_disclosure(read_disclosure(path)), encoding="utf-8")
    assert load_disclosure_file(path) == first


# --- invalid files: the error names file and field ----------------------------------------------

INVALID = [
    ("training:\n  gpu_hours: 5\n", "model", "required"),
    ("model: ''\n", "model", "must not be empty"),
    ("model: m\ntraining:\n  gpu_hours: 0\n", "training.gpu_hours", "must be > 0"),
    ("model: m\ntraining:\n  gpu_hours: -5\n", "training.gpu_hours", "must be > 0"),
    ("model: m\ntraining:\n  gpu_hourz: 5\n", "training.gpu_hourz", "unknown key"),
    ("model: m\nparams_b: 5\n", "params_b", "unknown key"),
    ("model: m\ntraining:\n  gpu_count: 8.5\n", "training.gpu_count", "whole number"),
    ("model: m\ntraining:\n  gpu_count: 0\n", "training.gpu_count", "must be > 0"),
    ("model: m\ntraining:\n  pue: 3.5\n", "training.pue", "must be <= 3"),
    ("model: m\ntraining:\n  pue: 0\n", "training.pue", "must be > 0"),
    ("model: m\ndevelopment:\n  power_w: 0.5\n", "development.power_w", "must be >= 1"),
    ("model: m\ntraining:\n  power_w: 5000\n", "training.power_w", "must be <= 3000"),
    (
        "model: m\ntraining:\n  carbon_intensity_kg_per_kwh: 400\n",
        "training.carbon_intensity_kg_per_kwh",
        "must be <= 2",
    ),
    ("model: m\ntraining:\n  co2e_market_t: -1\n", "training.co2e_market_t", "must be >= 0"),
    ("model: m\ntraining:\n  co2e_t: 0\n", "training.co2e_t", "must be > 0"),
    ("model: m\ntraining:\n  energy_mwh: lots\n", "training.energy_mwh", "must be a number"),
    ("model: m\nparameters_b: .nan\n", "parameters_b", "finite"),
    ("model: m\nparameters_b: .inf\n", "parameters_b", "finite"),
    ("model: m\nparameters_b: yes\n", "parameters_b", "not true/false"),
    (
        "model: m\ntraining:\n  start: 2024-02-03\n  end: 2024-02-01\n",
        "training.end",
        "before start",
    ),
    ("model: m\ntraining:\n  start: 2024-02-30\n", "training.start", "day is out of range"),
    ("model: m\nrelease_date: 2024-01-01 10:00:00\n", "release_date", "without a time"),
    ("model: m\nrelease_date: 20240101\n", "release_date", "YYYY-MM-DD"),
    ("model: m\nrelease_date: March 2024\n", "release_date", "YYYY-MM-DD"),
    ("model: m\ntraining: 5\n", "training", "mapping"),
    ("model: m\nparameters_b: " + "9" * 5000 + "\n", "parameters_b", "too many digits"),
    ("model: m\ntraining:\n  gpu: [a, b]\n", "training.gpu", "must be text"),
]


@pytest.mark.parametrize(("text", "field", "fragment"), INVALID)
def test_invalid_names_file_and_field(tmp_path: Path, text: str, field: str, fragment: str) -> None:
    with pytest.raises(DisclosureFileError) as info:
        load_disclosure_file(write(tmp_path, text, "acme.yaml"))
    err = info.value
    assert err.path == tmp_path / "acme.yaml"
    assert err.field == field
    assert str(err).startswith(f"acme.yaml: {field}: ")
    assert fragment in str(err)


def test_message_matches_documented_shape(tmp_path: Path) -> None:
    p = write(tmp_path, "model: m\ntraining:\n  gpu_hours: 0\n", "acme.yaml")
    with pytest.raises(
        DisclosureFileError, match=r"^acme\.yaml: training\.gpu_hours: must be > 0$"
    ):
        load_disclosure_file(p)


def test_several_errors_are_all_mentioned(tmp_path: Path) -> None:
    p = write(tmp_path, "model: m\ntraining:\n  pue: 9\n  power_w: 0\n")
    with pytest.raises(DisclosureFileError) as info:
        load_disclosure_file(p)
    assert "training.pue" in str(info.value) and "training.power_w" in str(info.value)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("# only a comment\n", "empty"),
        ("- model: m\n", "not a list"),
        ("just a string\n", "not a str"),
        ("model: m\n---\nmodel: n\n", "single document"),
        ("model: m\n  training: [\n", "not valid YAML"),
        ("model: m\x00\n", "not valid YAML"),
    ],
)
def test_file_level_errors(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(DisclosureFileError) as info:
        load_disclosure_file(write(tmp_path, text, "acme.yaml"))
    assert str(info.value).startswith("acme.yaml: ")
    assert info.value.field is None
    assert fragment in str(info.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(DisclosureFileError, match="cannot read: No such file"):
        load_disclosure_file(tmp_path / "nope.yaml")
    with pytest.raises(DisclosureFileError, match="not a regular file"):
        load_disclosure_file(tmp_path)


# --- hostile input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (
            "model: m\ntraining:\n  gpu: !!python/object/apply:os.system ['touch {marker}']\n",
            "training.gpu",
        ),
        ("model: !!python/object/apply:subprocess.check_output [['touch', '{marker}']]\n", "model"),
        ("!!python/object/new:os.system ['touch {marker}']\n", "(top level)"),
        ("model: m\n? !!python/name:os.system\n: 1\n", None),
        ("model: m\nsource: !!binary aGVsbG8=\n", "source"),
        ("model: m\ntraining: !!python/object:builtins.dict {{}}\n", "training"),
    ],
)
def test_python_tags_are_refused_and_never_run(
    tmp_path: Path, text: str, field: str | None
) -> None:
    marker = tmp_path / "ran"
    p = write(tmp_path, text.format(marker=marker), "evil.yaml")
    with pytest.raises(DisclosureFileError) as info:
        load_disclosure_file(p)
    assert "not allowed" in str(info.value)
    if field is not None:
        assert info.value.field == field
    assert not marker.exists()


def _alias_bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "model: m\n" + "\n".join(lines) + "\n"


def test_alias_bomb_rejected_quickly(tmp_path: Path) -> None:
    p = write(tmp_path, _alias_bomb(levels=13), "bomb.yaml")  # 108 aliases, 9**13 leaves
    t0 = time.perf_counter()
    with pytest.raises(DisclosureFileError, match=f"more than {MAX_ALIASES} YAML aliases"):
        load_disclosure_file(p)
    assert time.perf_counter() - t0 < 1.0


def test_small_bomb_under_the_limit_is_never_expanded(tmp_path: Path) -> None:
    # The classic 9x9 bomb has 72 aliases. safe_load shares, not copies, aliased nodes, and
    # validation does not walk into a value of the wrong type, so it fails fast as well.
    p = write(tmp_path, _alias_bomb(levels=9) + "training:\n  gpu: *a8\n", "bomb.yaml")
    t0 = time.perf_counter()
    with pytest.raises(DisclosureFileError) as info:
        load_disclosure_file(p)
    assert time.perf_counter() - t0 < 1.0
    assert info.value.field == "training.gpu"
    assert "must be text" in str(info.value)


def test_a_few_aliases_are_fine_but_unknown_keys_still_fail(tmp_path: Path) -> None:
    text = "model: m\ntraining:\n  location: &loc France\ndevelopment:\n  location: *loc\n"
    got = by_key(load_disclosure_file(write(tmp_path, text)))
    assert got[("development", "location")].value == "France"


def test_big_file_rejected_before_reading(tmp_path: Path) -> None:
    p = tmp_path / "big.yaml"
    with p.open("wb") as fh:
        fh.write(b"model: m\n# ")
        fh.write(b"x" * 10_000_000)
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(DisclosureFileError, match="limit"):
            load_disclosure_file(p)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - t0 < 0.5
    assert peak < 1_000_000  # the 10 MB were never read


def test_many_nodes_rejected_quickly(tmp_path: Path) -> None:
    text = "model: m\n" + "".join(f"k{i}: [1, 2]\n" for i in range(80_000))
    p = write(tmp_path, text[:990_000])
    t0 = time.perf_counter()
    with pytest.raises(DisclosureFileError, match=f"more than {MAX_NODES} keys"):
        load_disclosure_file(p)
    assert time.perf_counter() - t0 < 1.0


def test_max_bytes_is_configurable(tmp_path: Path) -> None:
    p = write(tmp_path, "model: m\nparameters_b: 1\n")
    assert load_disclosure_file(p, max_bytes=1000)
    with pytest.raises(DisclosureFileError, match="limit"):
        load_disclosure_file(p, max_bytes=10)


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe\x00\x01garbage\x80\x81",
        bytes(range(256)) * 4,
        b"model: caf\xe9\n",  # Latin-1, not UTF-8
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    ],
)
def test_binary_garbage_rejected(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(DisclosureFileError) as info:
        load_disclosure_file(write(tmp_path, data, "bin.yaml"))
    assert str(info.value).startswith("bin.yaml: ")


def test_deep_nesting_rejected(tmp_path: Path) -> None:
    p = write(tmp_path, "model: " + "[" * 50_000 + "]" * 50_000 + "\n")
    t0 = time.perf_counter()
    with pytest.raises(DisclosureFileError, match="nested deeper"):
        load_disclosure_file(p)
    assert time.perf_counter() - t0 < 1.0


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    (f,) = load_disclosure_file(write(tmp_path, b"\xef\xbb\xbfmodel: m\nparameters_b: 2\n"))
    assert f.value == "2"


_KEYS = ["model", "training", "development", "gpu_hours", "pue", "start", "source", "x"]
_VALUES = [
    "1",
    "-1",
    "0",
    "m",
    "2024-01-01",
    "2024-13-01",
    "[1, 2]",
    "{a: 1}",
    "&a 1",
    "*a",
    "!!python/none ''",
    ".nan",
    "yes",
    "'",
    '"',
    "|",
    ">",
    "~",
    "1e400",
]
_yamlish = st.lists(
    st.tuples(
        st.sampled_from(["", "  ", "    ", "- "]), st.sampled_from(_KEYS), st.sampled_from(_VALUES)
    ),
    max_size=12,
).map(lambda rows: "\n".join(f"{ind}{k}: {v}" for ind, k, v in rows))


@given(st.one_of(st.text(max_size=400), _yamlish, st.binary(max_size=400)))
@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_arbitrary_input_only_raises_disclosure_file_error(
    tmp_path: Path, data: str | bytes
) -> None:
    p = tmp_path / "fuzz.yaml"
    p.write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    try:
        facts = load_disclosure_file(p)
    except DisclosureFileError as exc:
        assert str(exc).startswith("fuzz.yaml: ")
    else:
        assert all(isinstance(f, Fact) for f in facts)


def test_dump_is_safe_yaml(tmp_path: Path) -> None:
    d = read_disclosure(EXAMPLES / "heron-1b.yaml")
    text = dump_disclosure(d)
    assert "!!" not in text
    assert yaml.safe_load(text)["training"]["gpu_hours"] == 95232

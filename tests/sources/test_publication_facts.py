"""The curated developer-published figures in warehouse/snapshot/models/publication_facts.csv.

The file is hand-maintained (docs/published-disclosures.md): these tests hold it to the facts
contract, to its citation rules, and to the board's model names. The last tests build the bundled
snapshot into a temporary warehouse and look the names and figures up there.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from tasks.core.facts import FACT_COLUMNS, FIELD_VALUES, Fact
from tasks.core.settings import get_settings
from tasks.load.ingest import ingest_snapshot_files
from tasks.load.warehouse import open_warehouse
from tasks.model.transform import build_models
from tasks.sources.grid import snapshot as grid_intensity
from tasks.sources.hardware import snapshot as gpu_specs
from tasks.sources.models import snapshot as model_disclosures
from tasks.sources.models.snapshot import read_facts_csv

NATURAL_KEY = ("source_url", "model", "phase", "field", "source_locator")
FOOTPRINT_FIELDS = {"co2e_t", "co2e_market_t", "energy_mwh"}
# Models no other bundled source names: the file adds them to the board on purpose.
# (LLaMA-33B is on the board from Epoch AI's Notable AI Models list too, since the 2025 list.)
NEW_ON_THE_BOARD = {"LLaMA-7B", "LLaMA-13B", "GShard-600B"}


@pytest.fixture(scope="module")
def facts(snapshot_dir: Path) -> list[Fact]:
    frame = read_facts_csv((snapshot_dir / "models" / "publication_facts.csv").read_bytes())
    assert tuple(frame.columns) == FACT_COLUMNS
    out = []
    for row in frame.iter_rows(named=True):
        fact = Fact(**{k: v for k, v in row.items() if k != "unit"})
        assert fact.unit == row["unit"], row
        out.append(fact)
    return out


def test_every_row_is_a_cited_high_confidence_publication(facts: list[Fact]) -> None:
    assert facts
    for f in facts:
        assert f.source_kind == "publication" and f.confidence == "high", f
        assert f.source_url.startswith("https://"), f
        assert f.source_locator.strip() and f.raw_text.strip() and f.value.strip(), f


def test_at_least_forty_models(facts: list[Fact]) -> None:
    assert len({f.model for f in facts}) >= 40


def test_natural_key_unique(facts: list[Fact]) -> None:
    keys = [tuple(getattr(f, k) for k in NATURAL_KEY) for f in facts]
    assert len(keys) == len(set(keys))


def test_every_footprint_says_what_it_covers(facts: list[Fact]) -> None:
    fields: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in facts:
        fields[f.model, f.phase].add(f.field)
    for (model, phase), present in fields.items():
        if present & FOOTPRINT_FIELDS:
            missing = {"energy_boundary", "run_scope"} - present
            assert not missing, f"{model} ({phase}) lacks {sorted(missing)}"


def test_one_value_per_model_field_and_paper(facts: list[Fact]) -> None:
    """A paper printing two different values for one field would be two rows; none does here."""
    seen: dict[tuple[str, str, str, str], str] = {}
    for f in facts:
        key = (f.model, f.phase, f.field, f.source_url)
        assert seen.setdefault(key, f.value) == f.value, f


def test_closed_vocabularies_are_enforced() -> None:
    assert FIELD_VALUES["energy_boundary"] == {"it_equipment", "facility", "unstated"}
    good = {"model": "M", "phase": "training", "source_kind": "publication"}
    where = {"source_url": "https://example.org", "source_locator": "Table 1"}
    Fact(field="run_scope", value="all_runs", **good, **where)
    with pytest.raises(ValueError, match="energy_boundary must be one of"):
        Fact(field="energy_boundary", value="pue", **good, **where)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled snapshot (grid, GPUs, models, assumptions), built."""
    settings = get_settings(warehouse=tmp_path_factory.mktemp("pub") / "w.duckdb")
    files = (
        *grid_intensity.SNAPSHOT_FILES,
        *gpu_specs.SNAPSHOT_FILES,
        *model_disclosures.SNAPSHOT_FILES,
        *model_disclosures.ASSUMPTION_FILES,
    )
    with open_warehouse(settings=settings) as con:
        ingest_snapshot_files(con, files, settings=settings)
        build_models(con)
    return settings.warehouse


def test_every_model_is_on_the_board(facts: list[Fact], warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        board = {r[0] for r in con.sql("select model from rpt_leaderboard").fetchall()}
        others = {
            r[0]
            for r in con.sql(
                "select distinct model from stg_disclosures__facts "
                "where source_kind <> 'publication'"
            ).fetchall()
        }
        aliases = dict(con.sql("select alias, model from raw_model_aliases").fetchall())
    names = {aliases.get(f.model, f.model) for f in facts}
    assert names <= board, sorted(names - board)
    # Apart from the few it adds on purpose, the file only attaches figures to known rows.
    assert names - others == NEW_ON_THE_BOARD


def test_publications_rank_with_cards_and_drive_the_board(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        ranks = con.sql(
            "select distinct source_rank from stg_disclosures__facts "
            "where source_kind = 'publication'"
        ).fetchall()
        lamda = con.execute(
            "select disclosed_training_co2e_t, gpu_count from rpt_leaderboard where model = 'LaMDA'"
        ).fetchone()
    assert ranks == [(2,)]
    assert lamda == (25.2, 1024)

"""A user's cards directory lands as one batch: good files land, bad ones are quarantined."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tasks.core.settings import get_settings
from tasks.load.validate import ValidationFailed
from tasks.load.warehouse import open_warehouse
from tasks.sources.models.user_cards import land_user_cards

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "cards"


@pytest.fixture()
def cards(tmp_path: Path) -> Path:
    d = tmp_path / "cards"
    d.mkdir()
    for f in EXAMPLES.glob("*.yaml"):
        shutil.copy(f, d / f.name)
    (d / "broken.yaml").write_text("model: Broken\ntraining:\n  gpu_hours: -5\n")
    (d / "typo.yaml").write_text("model: Typo\ntraining:\n  gpu_hourz: 5\n")
    (d / "evil.yaml").write_text("!!python/object/apply:os.system ['touch pwned']\n")
    (d / "notes.txt").write_text("not a card")
    return d


def test_good_files_land_bad_files_quarantined(tmp_path: Path, cards: Path) -> None:
    settings = get_settings(warehouse=tmp_path / "w.duckdb")
    with open_warehouse(settings=settings) as con:
        loaded = land_user_cards(con, cards, settings=settings)
        assert loaded.files == 5  # the .txt file is not a card
        assert loaded.result.status == "success"
        reasons = dict(loaded.quarantined)
        assert set(reasons) == {str(cards / n) for n in ("broken.yaml", "typo.yaml", "evil.yaml")}
        assert "training.gpu_hours" in reasons[str(cards / "broken.yaml")]
        assert "gpu_hourz" in reasons[str(cards / "typo.yaml")]
        assert not (Path.cwd() / "pwned").exists()
        models = {
            r[0] for r in con.execute("select distinct model from raw_model_disclosures").fetchall()
        }
        assert models == {"Acme 7B", "Heron 1B"}
        # each fact carries the hash of its own file, and the file is archived under that hash
        for url, sha in con.execute(
            "select distinct _source_url, _source_sha256 from raw_model_disclosures"
        ).fetchall():
            assert (settings.raw_path / "user_cards" / sha).read_bytes() == Path(
                url.removeprefix("file://")
            ).read_bytes()
        q = con.execute("select row_key, reason from meta_quarantine order by row_key").fetchall()
        assert [k for k, _ in q] == [
            f"file={cards / n}" for n in ("broken.yaml", "evil.yaml", "typo.yaml")
        ]

        again = land_user_cards(con, cards, settings=settings)
        assert again.result.status == "unchanged"


def test_directory_of_only_bad_files_fails_naming_them(tmp_path: Path) -> None:
    d = tmp_path / "bad"
    d.mkdir()
    (d / "x.yaml").write_text("- not\n- a mapping\n")
    settings = get_settings(warehouse=tmp_path / "w.duckdb")
    with open_warehouse(settings=settings) as con:
        with pytest.raises(ValidationFailed, match=r"x\.yaml"):
            land_user_cards(con, d, settings=settings)
        assert con.execute("select count(*) from raw_model_disclosures").fetchall()[0][0] == 0
        assert con.execute("select status from meta_load_log").fetchall() == [("rejected",)]


def test_markdown_card_lands(tmp_path: Path, shared_data: Path) -> None:
    d = tmp_path / "md"
    d.mkdir()
    shutil.copy(shared_data / "model_cards" / "meta-llama_llama3_1_MODEL_CARD.md", d / "card.md")
    settings = get_settings(warehouse=tmp_path / "w.duckdb")
    with open_warehouse(settings=settings) as con:
        loaded = land_user_cards(con, d, settings=settings)
        assert loaded.result.inserted > 10
        got = con.execute(
            "select value from raw_model_disclosures where model = 'Llama 3.1 405B' "
            "and field = 'gpu_hours' and source_kind = 'user'"
        ).fetchall()
        assert got == [("30840000",)]

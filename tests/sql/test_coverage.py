"""Every notable model to 2026 (issue 15, coverage), on the bundled snapshot's real rows: Epoch's
Notable and Large-Scale lists reach the board, a listed model with no usable evidence lands in
rpt_not_estimable with what it lacks, and the disclosure scorecard counts what the source files
say, checked against the shared CSVs themselves."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from trust_fixtures import one_row as _one

pytestmark = pytest.mark.slow

LISTS = (
    "epoch_notable_ai_models_2026-01-01_to_2026-04-24.csv",
    "epoch_large_scale_ai_models_2026-01-01_to_2026-04-24.csv",
    "epoch_notable_ai_models_upto_2025-12-31.csv",
    "epoch_large_scale_ai_models_upto_2025-12-31.csv",
)


@pytest.fixture(scope="module")
def con(trust_con):
    return trust_con  # the shared read-only connection (tests/conftest.py)


@pytest.mark.parametrize(
    ("model", "missing", "confidence"),
    [
        ("GPT-5", "no hardware or GPU-hours", "Speculative"),
        ("Claude Opus 4.5", "no training compute, hardware or GPU-hours", None),
        # Epoch names its TPUs, but gives no compute
        ("Gemini 3 Pro", "no training compute or GPU-hours", None),
        # fine-tunes of DeepSeek-V3 whose compute on file includes the base's pre-training
        ("DeepSeek-V3.1", "no fine-tune compute, hardware or GPU-hours", "Confident"),
        ("DeepSeek-R1", "no fine-tune compute, hardware or GPU-hours", "Confident"),
    ],
)
def test_closed_models_are_reported_with_what_is_missing(con, model, missing, confidence) -> None:
    got = _one(
        con,
        "select organization is not null, release_date is not null, missing, "
        "compute_confidence from rpt_not_estimable where model = ?",
        [model],
    )
    assert got == (True, True, missing, confidence)
    assert not con.execute("select 1 from rpt_leaderboard where model = ?", [model]).fetchall()


def test_2025_and_2026_models_with_compute_and_hardware_are_ranked(con) -> None:
    kimi = _one(
        con,
        "select release_date, estimation_tier, compute_confidence, gpu_id from rpt_leaderboard "
        "where model = 'Kimi K2'",
        [],
    )
    assert (str(kimi[0]), kimi[1], kimi[2]) == ("2025-07-11", 5, "Confident")
    assert "h800" in kimi[3]
    glm = _one(
        con,
        "select release_date, compute_confidence from rpt_leaderboard where model = 'GLM-5'",
        [],
    )
    assert (str(glm[0]), glm[1]) == ("2026-02-17", "Likely")
    newest = _one(con, "select max(release_date) from rpt_leaderboard", [])[0]
    assert str(newest) >= "2026-03-01"


def test_a_renamed_model_stays_one_row(con) -> None:
    """Epoch renamed GPT-4 'GPT-4 (Mar 2023)': one model, its list facts from the newer file."""
    assert (
        _one(con, "select count(*) from rpt_leaderboard where model like 'GPT-4 (Mar%'", [])[0] == 0
    )
    lists = _one(con, "select epoch_lists from dim_model where model = 'GPT-4'", [])[0]
    assert "notable" in lists


def test_gemini_31_pro_listed_twice_is_one_model_from_one_row(con) -> None:
    assert _one(con, "select count(*) from rpt_not_estimable where model = 'Gemini 3.1 Pro'", [])
    rows = con.execute(
        "select distinct source_url, source_locator from stg_disclosures__facts "
        "where model = 'Gemini 3.1 Pro' and field = 'organization'"
    ).fetchall()
    # the notable list's 2026 row wins over the large-scale list's two rows
    assert len(rows) == 1 and rows[0][0].endswith("/notable_ai_models.csv")
    assert rows[0][1] == "row Model=Gemini 3.1 Pro"


def _listed_by_hand(shared_data: Path, organization: str) -> tuple[int, int]:
    """(listed models, of those with a training hardware) for one organisation, read from the
    shared CSVs with the csv module: the newest file listing a model decides."""
    seen: dict[str, bool] = {}
    for name in LISTS:
        with (shared_data / "models" / name).open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                model = " ".join(row["Model"].split())
                if row["Organization"].strip() == organization and model not in seen:
                    seen[model] = bool(row["Training hardware"].strip())
    return len(seen), sum(seen.values())


def test_scorecard_counts_match_the_source_files(con, shared_data: Path) -> None:
    listed, with_hardware = _listed_by_hand(shared_data, "Moonshot")
    assert (listed, with_hardware) == (9, 2)
    row = _one(
        con,
        "select notable_models, hardware_models, hardware_share, energy_models, "
        "emissions_models, on_board + needs_review + not_estimable "
        "from rpt_disclosure_scorecard where organization = 'Moonshot'",
        [],
    )
    assert row == (listed, with_hardware, round(with_hardware / listed, 3), 0, 0, listed)
    anthropic = _one(
        con,
        "select notable_models, not_estimable, hardware_models + gpu_hours_models + "
        "energy_models + location_models + emissions_models "
        "from rpt_disclosure_scorecard where organization = 'Anthropic'",
        [],
    )
    assert anthropic == (_listed_by_hand(shared_data, "Anthropic")[0], anthropic[0], 0)


def test_speculative_compute_widens_the_range(con) -> None:
    """A tier-5 run on a compute Epoch calls Speculative spans compute_rel_speculative (1/3-3x)
    on top of the MFU range (0.2-0.5): 2.5 x 9 = 22.5x in GPU-hours."""
    rows = con.execute(
        "select model, max(gpu_hours) filter (where bound = 'high') "
        "/ max(gpu_hours) filter (where bound = 'low') from int_runs_estimated "
        "where phase = 'training' and estimation_tier = 5 and compute_confidence = ? "
        "group by model",
        ["Speculative"],
    ).fetchall()
    assert rows
    assert all(ratio == pytest.approx(0.5 / 0.2 * 3 / 0.333, rel=1e-3) for _, ratio in rows)
    confident = _one(
        con,
        "select max(gpu_hours) filter (where bound = 'high') "
        "/ max(gpu_hours) filter (where bound = 'low') from int_runs_estimated "
        "where model = 'Kimi K2' and phase = 'training'",
        [],
    )[0]
    assert confident == pytest.approx(0.5 / 0.2)

"""The refresh summary: new models, changed figures and quarantined rows, as Markdown."""

from __future__ import annotations

from tasks.outputs.artifacts import ModelFigures, diff_leaderboards, refresh_summary_markdown

BEFORE = [
    {"model": "A", "total_co2e_t": 100.0, "training_co2e_t": 50.0, "estimation_tier": 3},
    {"model": "B", "total_co2e_t": 10.0, "training_co2e_t": 5.0, "estimation_tier": 4},
    {"model": "Gone", "total_co2e_t": 1.0, "training_co2e_t": 0.5, "estimation_tier": 5},
]
AFTER = [
    ModelFigures("A", 100.0 + 1e-9, 50.0, 3),  # float noise is not a change
    ModelFigures("B", 20.0, 8.0, 1),
    ModelFigures("New | one", 3.0, 1.0, 2),
]


def test_diff() -> None:
    d = diff_leaderboards(BEFORE, AFTER)
    assert d.new_models == ["New | one"]
    assert d.dropped_models == ["Gone"]
    assert [(b.model, a.total_co2e_t) for b, a in d.changed] == [("B", 20.0)]


def test_markdown() -> None:
    quarantined = [
        {"table_name": "raw_assumptions", "source_url": "a.csv", "row_number": 4,
         "reason": "low: 'abc' is not a valid double"},
    ]  # fmt: skip
    text = refresh_summary_markdown(BEFORE, AFTER, quarantined)
    assert "**1** new, **1** dropped and **1** changed models" in text
    assert "- New | one" in text
    assert "| B | 10.0 | 20.0 | +100.0% | 5.0 | 8.0 | 4 → 1 |" in text
    assert "| raw_assumptions | a.csv | 4 | low: 'abc' is not a valid double |" in text


def test_first_run_and_nothing_quarantined() -> None:
    text = refresh_summary_markdown([], AFTER, [])
    assert "First build: **3** models" in text
    assert "## Quarantined rows\n\nNone." in text
    assert "## Changed figures" not in text


def test_quarantine_counts_from_load_results() -> None:
    loads = [{"table": "raw_zones", "batch_scope": "snapshot:zones", "quarantined": 2}]
    assert "raw_zones `snapshot:zones`: 2 row(s)" in refresh_summary_markdown(BEFORE, BEFORE, loads)

"""The HTML report in a real browser: every model in the table, sorting, filtering, charts.

Drives Debian's Chromium (/usr/bin/chromium) through Playwright, fully offline: the report must
not need the network, so the browser is given none (QUIC off, no background networking, and every
non-file request is aborted and recorded). Skips, saying why, when Chromium or Playwright is
missing. Leaves a screenshot in tests/artifacts/report.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.core.settings import get_settings
from tasks.load.ingest import ingest_snapshot_files
from tasks.load.warehouse import open_warehouse
from tasks.model.transform import build_models
from tasks.outputs.report import build_report
from tasks.sources.grid import snapshot as grid_intensity
from tasks.sources.hardware import snapshot as gpu_specs
from tasks.sources.models import snapshot as model_disclosures

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, list[str]]:
    """A warehouse built from the bundled snapshot, and its report."""
    root = tmp_path_factory.mktemp("report")
    settings = get_settings(warehouse=root / "w.duckdb")
    files = (
        *grid_intensity.SNAPSHOT_FILES,
        *gpu_specs.SNAPSHOT_FILES,
        *model_disclosures.SNAPSHOT_FILES,
        *model_disclosures.ASSUMPTION_FILES,
    )
    with open_warehouse(settings=settings) as con:
        ingest_snapshot_files(con, files, settings=settings)
        build_models(con)
        models = [
            r[0] for r in con.execute("select model from rpt_leaderboard order by rank").fetchall()
        ]
        path = build_report(con, root / "report")
    return path, len(models), models


@pytest.fixture(scope="module")
def page(report: tuple[Path, int, list[str]], tmp_path_factory: pytest.TempPathFactory):
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright (Python) is not installed"
    )
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as pw:
        # A persistent context on a fresh folder is Playwright's way to give Chromium its own
        # --user-data-dir (it refuses the flag in `args`).
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1500, "height": 1000},
        )
        try:
            requested: list[str] = []

            def offline(route) -> None:  # the report must not fetch anything
                requested.append(route.request.url)
                route.abort()

            context.route("http*://**/*", offline)
            pg = context.new_page()
            errors: list[str] = []
            pg.on("pageerror", lambda e: errors.append(str(e)))
            pg.goto(report[0].as_uri(), wait_until="load")
            pg.wait_for_selector("#chart-carbon .main-svg", timeout=30_000)
            yield _Page(pg, errors, requested)
        finally:
            context.close()


class _Page:
    def __init__(self, page, errors: list[str], requested: list[str]) -> None:
        self.page, self.errors, self.requested = page, errors, requested

    def models(self, visible_only: bool = True) -> list[str]:
        sel = (
            "#board tbody tr:not([hidden]) td:nth-child(2)"
            if visible_only
            else ("#board tbody tr td:nth-child(2)")
        )
        return self.page.eval_on_selector_all(sel, "els => els.map(e => e.textContent.trim())")


def test_table_holds_every_model(page: _Page, report: tuple[Path, int, list[str]]) -> None:
    _, count, models = report
    assert count > 0
    assert page.page.locator("#board tbody tr").count() == count
    assert page.models() == models  # in rank order, none hidden
    assert page.page.text_content("#count") == f"showing {count} of {count} models"
    assert not page.errors, page.errors
    assert not page.requested, f"the report fetched {page.requested[:3]}"


def test_sorting_by_a_header(page: _Page, report: tuple[Path, int, list[str]]) -> None:
    pg = page.page
    header = pg.locator("#board thead th", has_text="model").first
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    names = page.models()
    assert names == sorted(names, key=str.lower)
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    assert page.models() == sorted(names, key=str.lower, reverse=True)
    # numeric sort on total t CO2e, ascending: the reverse of rank order for distinct totals
    total = pg.locator('#board thead th[data-col="total_co2e_t"]')
    total.click()
    values = pg.eval_on_selector_all(
        "#board tbody tr td:nth-child(16)",
        "els => els.map(e => e.dataset.v === '' ? null : Number(e.dataset.v))",
    )
    present = [v for v in values if v is not None]
    assert present == sorted(present)
    # back to rank order for the other tests
    pg.locator('#board thead th[data-col="rank"]').click()
    assert page.models() == report[2]


def test_filtering(page: _Page, report: tuple[Path, int, list[str]]) -> None:
    pg = page.page
    pg.fill("#filter", "llama 3.1")
    shown = page.models()
    assert shown and all("llama 3.1" in m.lower() for m in shown)
    assert pg.text_content("#count") == f"showing {len(shown)} of {report[1]} models"
    pg.fill("#filter", "")
    pg.select_option("#basis", "disclosed")
    disclosed = pg.locator("#board tbody tr:not([hidden])")
    assert 0 < disclosed.count() < report[1]
    assert pg.locator("#board tbody tr:not([hidden]) .badge.estimated").count() == 0
    pg.select_option("#basis", "")
    pg.fill("#filter", "no model has this name zzz")
    assert page.models() == []
    pg.fill("#filter", "")
    assert len(page.models()) == report[1]


def test_charts_rendered_and_numbers_link_to_sources(page: _Page) -> None:
    pg = page.page
    for chart in ("chart-carbon", "chart-energy", "chart-water"):
        assert pg.locator(f"#{chart} svg.main-svg").count() > 0, chart
    # stacked bars: training, development, embodied traces, plus the total with whiskers
    assert pg.locator("#chart-carbon .barlayer .trace").count() == 3
    assert pg.locator("#chart-carbon .errorbar").count() > 0
    first = pg.locator("#board tbody tr").first
    link = first.locator("td.num a").first.get_attribute("href")
    assert link and link.startswith("#src-")
    assert first.locator(f"td{link}").count() == 1
    assert first.locator("td.sources a[href^='http']").count() > 0
    # the top-N control changes the visible range of the carbon chart
    pg.select_option("#topn", "10")
    rng = pg.evaluate("document.getElementById('chart-carbon').layout.xaxis.range")
    assert rng == [-0.5, 9.5]


def test_screenshot(page: _Page) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg = page.page
    pg.select_option("#topn", "30")
    pg.evaluate("window.scrollTo(0, 0)")
    target = ARTIFACTS / "report.png"
    pg.screenshot(path=str(target), full_page=False)
    assert target.stat().st_size > 10_000
    # two more, of the other charts and of the table, for people reviewing the layout
    pg.evaluate("document.getElementById('energy').scrollIntoView()")
    pg.screenshot(path=str(ARTIFACTS / "report-charts.png"))
    pg.evaluate("document.getElementById('leaderboard').scrollIntoView()")
    pg.screenshot(path=str(ARTIFACTS / "report-table.png"))


def test_report_is_written_atomically(report: tuple[Path, int, list[str]]) -> None:
    path = report[0]
    assert path.name == "index.html"
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    text = path.read_text(encoding="utf-8")
    assert "<script src=" not in text  # plotly.js inlined: works offline


def test_audit_section_only_when_the_table_exists(report: tuple[Path, int, list[str]]) -> None:
    from tasks.outputs.report import render_report

    db = report[0].parent.parent / "w.duckdb"
    with open_warehouse(db) as con:
        # Both cases inside transactions rolled back, so the warehouse is left as built.
        con.execute("begin transaction")
        try:
            con.execute("drop table if exists rpt_disclosure_audit")
            without = render_report(con)
        finally:
            con.execute("rollback")
        con.execute("begin transaction")
        try:
            con.execute(
                "create or replace table rpt_disclosure_audit as select 'Llama 3.1 405B' as "
                "model, 'power_w' as field, 'card says 700 W, table implies 500 W' as finding, "
                "'https://example.org/card' as source_url, 2.5 as ratio"
            )
            with_audit = render_report(con)
        finally:
            con.execute("rollback")
    assert 'id="audit"' not in without and 'href="#audit"' not in without
    assert 'id="audit"' in with_audit and 'href="#audit"' in with_audit
    assert '<a href="https://example.org/card"' in with_audit
    assert "card says 700 W" in with_audit

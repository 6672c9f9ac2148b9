"""The HTML report, as written and in a real browser: small, the first page of the leaderboard in
the HTML itself, every model reachable page by page, sorting and filtering over all of them,
charts, and no local path anywhere.

The warehouse is the bundled snapshot plus the README's example cards (`examples/cards`), the
files a local path could leak from. The browser is Debian's Chromium (/usr/bin/chromium) driven
by Playwright, fully offline: QUIC off, no background networking, and every non-file request is
aborted and recorded. Skips, saying why, when Chromium or Playwright is missing. Prints the
report's size and when the table was ready (measured, never asserted: the machine may be busy),
and leaves screenshots in tests/artifacts/.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tasks.core.settings import REPO_ROOT, get_settings
from tasks.load.ingest import ingest_snapshot_files
from tasks.load.warehouse import open_warehouse
from tasks.model.transform import build_models
from tasks.outputs.report import PAGE_ROWS, build_report
from tasks.sources.grid import snapshot as grid_intensity
from tasks.sources.hardware import snapshot as gpu_specs
from tasks.sources.models import snapshot as model_disclosures
from tasks.sources.models.user_cards import land_user_cards

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
MAX_BYTES = 3_000_000
ACME_CITATION = "Example file written for the footprints documentation; not a real model."
HERON_CITATION = "https://example.org/heron-1b/model-card"

pytestmark = pytest.mark.slow


class Built:
    def __init__(self, path: Path, models: list[str], anchors: list[str], root: Path) -> None:
        self.path, self.models, self.anchors, self.root = path, models, anchors, root

    def local_paths(self) -> list[str]:
        """What no output may contain: where the checkout and the cards are on this machine."""
        return ["file://", str(REPO_ROOT), str(self.root)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A warehouse built from the bundled snapshot and the example cards, and its report."""
    from tasks.outputs.report import anchor

    root = tmp_path_factory.mktemp("report")
    cards = root / "my cards"
    shutil.copytree(REPO_ROOT / "examples" / "cards", cards)
    settings = get_settings(warehouse=root / "w.duckdb")
    files = (
        *grid_intensity.SNAPSHOT_FILES,
        *gpu_specs.SNAPSHOT_FILES,
        *model_disclosures.SNAPSHOT_FILES,
        *model_disclosures.ASSUMPTION_FILES,
    )
    with open_warehouse(settings=settings) as con:
        ingest_snapshot_files(con, files, settings=settings)
        land_user_cards(con, cards, settings=settings)
        build_models(con)
        models = [
            r[0] for r in con.execute("select model from rpt_leaderboard order by rank").fetchall()
        ]
        path = build_report(con, root / "report")
    return Built(path, models, [anchor(m) for m in models], root)


# ---------------------------------------------------------------------------------------------
# The file as written


def test_small_and_the_first_page_in_the_html(built: Built) -> None:
    size = built.path.stat().st_size
    assert size <= MAX_BYTES, f"{size:,} bytes"
    text = built.path.read_text(encoding="utf-8")
    board = text[text.index('<table id="board">') :]
    body = board[board.index("<tbody>") : board.index("</tbody>")]
    names = [html.unescape(m) for m in re.findall(r'<td class="model"><b>(.*?)</b></td>', body)]
    assert len(names) == PAGE_ROWS >= 25
    assert names == built.models[:PAGE_ROWS]
    assert "<script src=" not in text  # works offline


def test_no_local_path_and_the_cards_citations_kept(built: Built) -> None:
    text = built.path.read_text(encoding="utf-8")
    for local in built.local_paths():
        assert local not in text, local
    assert "Acme 7B" in built.models and "Heron 1B" in built.models
    assert ACME_CITATION in text
    assert HERON_CITATION in text


def test_written_readable_by_others_and_atomically(built: Built) -> None:
    mask = os.umask(0o022)
    os.umask(mask)
    assert built.path.stat().st_mode & 0o777 == 0o666 & ~mask
    assert not [p for p in built.path.parent.iterdir() if p.name.endswith(".tmp")]


# ---------------------------------------------------------------------------------------------
# In the browser


class _Page:
    def __init__(self, page: Any, errors: list[str], requested: list[str]) -> None:
        self.page, self.errors, self.requested = page, errors, requested

    def models(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "#board tbody tr td:nth-child(2)", "els => els.map(e => e.textContent.trim())"
        )

    def rows(self, table: str = "board") -> list[list[tuple[str, str | None]]]:
        """Each row's cells as (text, first link), as the DOM has them."""
        return self.page.eval_on_selector_all(
            f"#{table} tbody tr",
            """rows => rows.map(r => Array.from(r.cells).map(c => {
                const a = c.querySelector('a');
                return [c.textContent, a ? a.getAttribute('href') : null];
            }))""",
        )

    def written(self, path: Path, table: str = "board") -> list[list[list[str | None]]]:
        """The rows as written in the file, read by the browser's parser (which runs no
        script), as `rows` gives them."""
        return self.page.evaluate(
            """([text, table]) => Array.from(new DOMParser().parseFromString(text, 'text/html')
                .querySelectorAll(`#${table} tbody tr`)).map(r => Array.from(r.cells).map(c => {
                    const a = c.querySelector('a');
                    return [c.textContent, a ? a.getAttribute('href') : null];
                }))""",
            [path.read_text(encoding="utf-8"), table],
        )

    def go(self, where: str) -> None:
        self.page.click(f'#board-pager button[data-go="{where}"]')


@pytest.fixture(scope="module")
def page(built: Built, tmp_path_factory: pytest.TempPathFactory):
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright (Python) is not installed"
    )
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as pw:
        # A persistent context on a fresh folder is Playwright's way to give Chromium its own
        # --user-data-dir (it refuses the flag in `args`).
        try:
            context = pw.chromium.launch_persistent_context(
                str(profile),
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
                headless=True,
                viewport={"width": 1500, "height": 1000},
            )
        except sync_api.Error as err:  # installed but unable to start here (a container's limits)
            pytest.skip(f"Chromium at {CHROMIUM} does not start: {str(err).splitlines()[0]}")
        try:
            requested: list[str] = []

            def offline(route: Any) -> None:  # the report must not fetch anything
                requested.append(route.request.url)
                route.abort()

            context.route("http*://**/*", offline)
            pg = context.new_page()
            errors: list[str] = []
            pg.on("pageerror", lambda e: errors.append(str(e)))
            pg.goto(built.path.as_uri(), wait_until="load")
            pg.wait_for_selector("html[data-charts-ready]", timeout=60_000)
            yield _Page(pg, errors, requested)
        finally:
            context.close()


def test_time_to_table_measured(
    page: _Page, built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    """When the table shows and works, in a fresh load: printed, not asserted (issue 16's goal
    is 2 s; the machine running the suite may be busy)."""
    pg = page.page
    started = time.monotonic()
    pg.reload(wait_until="commit")
    pg.wait_for_selector("#board tbody tr", state="visible")
    visible = time.monotonic() - started
    pg.wait_for_selector("html[data-table-ready]")
    ready = time.monotonic() - started
    pg.wait_for_selector("html[data-charts-ready]", timeout=60_000)
    paint = pg.evaluate(
        "(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || null"
    )
    with capsys.disabled():
        print(
            f"\nreport: {built.path.stat().st_size / 1e6:.2f} MB; first contentful paint "
            f"{paint or 0:.0f} ms; table visible {visible * 1000:.0f} ms and working "
            f"{ready * 1000:.0f} ms after the request (in-page: "
            f"{pg.get_attribute('html', 'data-table-ready')} ms); charts drawn at "
            f"{pg.get_attribute('html', 'data-charts-ready')} ms"
        )
    assert pg.locator("#board tbody tr").count() == PAGE_ROWS
    assert not page.errors, page.errors
    assert not page.requested, f"the report fetched {page.requested[:3]}"


def test_script_renders_rows_as_the_html_does(page: _Page, built: Built) -> None:
    written = page.written(built.path)
    assert len(written) == PAGE_ROWS
    page.go("next")
    assert page.models() == built.models[PAGE_ROWS : 2 * PAGE_ROWS]
    page.go("prev")  # page 1 again, now rendered by the script
    assert page.rows() == written


def test_every_model_page_by_page(page: _Page, built: Built) -> None:
    pg = page.page
    seen: list[str] = []
    pg.select_option("#board-pager select", "250")
    while True:
        seen += page.models()
        if pg.locator('#board-pager button[data-go="next"]').is_disabled():
            break
        page.go("next")
    assert seen == built.models
    assert pg.text_content("#count") == f"showing {len(built.models)} of {len(built.models)} models"
    pg.select_option("#board-pager select", str(PAGE_ROWS))
    page.go("first")
    assert page.models() == built.models[:PAGE_ROWS]


def test_sorting_by_a_header_sorts_every_model(page: _Page, built: Built) -> None:
    pg = page.page
    header = pg.locator('#board thead th[data-col="model"]')
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert page.models() == sorted(built.models, key=str.lower)[:PAGE_ROWS]
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    assert page.models() == sorted(built.models, key=str.lower, reverse=True)[:PAGE_ROWS]
    # numeric, ascending: the smallest totals of all models on page 1, empty cells last
    pg.locator('#board thead th[data-col="total_co2e_t"]').click()
    values = pg.eval_on_selector_all(
        "#board tbody tr td:nth-child(16)",
        "els => els.map(e => e.dataset.v === '' ? null : Number(e.dataset.v))",
    )
    present = [v for v in values if v is not None]
    assert present == sorted(present)
    page.go("last")
    last = pg.eval_on_selector_all(
        "#board tbody tr td:nth-child(16)", "els => els.map(e => Number(e.dataset.v))"
    )
    assert min(last) >= max(present)
    pg.locator('#board thead th[data-col="rank"]').click()  # back to rank order
    assert page.models() == built.models[:PAGE_ROWS]


def test_filtering_searches_every_model(page: _Page, built: Built) -> None:
    pg = page.page
    pg.fill("#filter", "llama 3.1")
    shown = page.models()
    expected = [m for m in built.models if "llama 3.1" in m.lower()]
    assert shown and all("llama 3.1" in m.lower() for m in shown)
    assert set(expected) <= set(shown)
    assert pg.text_content("#count") == f"showing {len(shown)} of {len(built.models)} models"
    pg.fill("#filter", "heron")  # a model far down the board, from a user's card
    assert page.models() == ["Heron 1B"]
    assert pg.locator(f'#board tbody tr td.sources a[href="{HERON_CITATION}"]').count() > 0
    pg.fill("#filter", "acme")
    assert ACME_CITATION in (pg.locator("#board tbody tr td.sources").first.text_content() or "")
    pg.fill("#filter", "")
    pg.select_option("#basis", "disclosed")
    assert pg.locator("#board tbody tr").count() > 0
    assert pg.locator("#board tbody tr .badge.estimated").count() == 0
    pg.select_option("#basis", "")
    pg.fill("#filter", "no model has this name zzz")
    assert page.models() == []
    assert pg.text_content("#count") == f"showing 0 of {len(built.models)} models"
    pg.fill("#filter", "")
    assert page.models() == built.models[:PAGE_ROWS]


def test_no_local_path_in_the_page(page: _Page, built: Built) -> None:
    pg = page.page
    content = pg.content()  # the DOM, with the rows the script rendered and its data
    hrefs = pg.eval_on_selector_all("[href]", "els => els.map(e => e.getAttribute('href'))")
    for local in built.local_paths():
        assert local not in content, local
        assert not [h for h in hrefs if local in h], local


def test_charts_and_links_to_the_table(page: _Page, built: Built) -> None:
    pg = page.page
    for chart in ("chart-carbon", "chart-energy", "chart-water"):
        assert pg.locator(f"#{chart} svg").count() == 1, chart
    # stacked bars: training, development, embodied, plus one whisker per model shown
    assert pg.locator("#chart-carbon g.series").count() == 3
    assert pg.locator("#chart-carbon line.whisker").count() == 30
    pg.select_option("#topn", "10")
    assert pg.locator("#chart-carbon line.whisker").count() == 10
    assert pg.get_attribute("#chart-carbon", "data-models") == "10"
    assert pg.locator("#chart-energy g.series circle").count() > 100
    assert pg.locator("#chart-water g.series.training rect").count() == 25
    # every number links to its row's sources, which link to the originals
    first = pg.locator("#board tbody tr").first
    link = first.locator("td.num a").first.get_attribute("href")
    assert link and link.startswith("#src-")
    assert first.locator(f"td{link}").count() == 1
    assert first.locator("td.sources a[href^='http']").count() > 0
    # a chart's mark finds its model in the table, on whatever page it is
    dated = pg.eval_on_selector_all(
        "#chart-energy a", "els => els.map(e => e.getAttribute('href').slice(1))"
    )
    far = next(i for i in range(PAGE_ROWS * 3, len(built.anchors)) if built.anchors[i] in dated)
    pg.locator(f'#chart-energy a[href="#{built.anchors[far]}"]').first.dispatch_event("click")
    pg.wait_for_selector(f"#board tbody tr#{built.anchors[far]}")
    assert built.models[far] in page.models()
    assert f"page {far // PAGE_ROWS + 1} of" in (pg.text_content("#board-pager .pageinfo") or "")
    # a link to a model (as a chart's mark or a shared URL gives) finds it the same way
    pg.evaluate(f"location.hash = '#{built.anchors[far + PAGE_ROWS]}'")
    pg.wait_for_selector(f"#board tbody tr#{built.anchors[far + PAGE_ROWS]}")
    pg.evaluate("history.replaceState(null, '', location.pathname)")
    page.go("first")


@pytest.mark.parametrize("table", ["audit", "not-estimable", "scorecard"])
def test_report_tables_are_paged_and_filtered(page: _Page, built: Built, table: str) -> None:
    """The audit, the models that cannot be estimated (~900 rows) and the disclosure scorecard:
    the first page in the HTML, a filter over every row, the script's rows as the HTML's."""
    pg = page.page
    if not pg.locator(f"#{table}-table").count():
        pytest.skip(f"this warehouse has no {table} table")
    written = page.written(built.path, f"{table}-table")
    total = pg.text_content(f"#{table}-count") or ""
    assert total.startswith("showing ")
    assert len(written) == min(PAGE_ROWS, int(total.split(" of ")[1].split()[0]))
    assert pg.locator(f"#{table}-table tbody tr").count() <= PAGE_ROWS
    # a word of the last row: found, wherever its page is
    word = pg.evaluate(
        """id => { const d = JSON.parse(document.getElementById('report-data').textContent);
            const t = d.tables[id], r = t.rows[t.rows.length - 1];
            const i = t.text.findIndex((x, j) => x && r[j] !== null);
            return d.strings[r[i]]; }""",
        table,
    ).split()[0]
    pg.fill(f"#{table}-filter", word)
    rows = pg.locator(f"#{table}-table tbody tr")
    assert rows.count() > 0
    assert all(word.lower() in (t or "").lower() for t in rows.all_text_contents())
    pg.fill(f"#{table}-filter", "")  # page 1 again, now rendered by the script
    assert page.rows(f"{table}-table") == written


def test_screenshots(page: _Page) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg = page.page
    pg.select_option("#topn", "30")
    pg.evaluate("window.scrollTo(0, 0)")
    target = ARTIFACTS / "report.png"
    pg.screenshot(path=str(target), full_page=False)
    assert target.stat().st_size > 10_000
    for section, name in (("carbon", "report-carbon"), ("energy", "report-charts")):
        pg.evaluate(f"document.getElementById('{section}').scrollIntoView()")
        pg.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_audit_section_only_when_the_table_exists(built: Built) -> None:
    from tasks.outputs.report import render_report

    with open_warehouse(built.root / "w.duckdb") as con:
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

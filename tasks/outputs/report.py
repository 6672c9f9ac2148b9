"""The static report: one `index.html` that works offline and opens fast.

The whole leaderboard is a sortable, filterable HTML table shown a page at a time: the first page
is in the HTML itself, so the table shows as soon as the page does, and every row travels as one
compact JSON array (each distinct text stored once) that the page's own script filters, sorts and
renders page by page; a reader searching for one model still finds it. The charts (a stacked bar
chart of training / development / embodied carbon with the low-high range of the total, training
energy coloured by whether the emissions were disclosed, water) are drawn by the same script as
SVG from those rows, so no chart library is inlined (plotly.js alone was 4.8 MB). The disclosure
audit, the listed models that cannot be estimated and each organisation's disclosure scorecard,
when the warehouse has them, are paged the same way; then the methodology and data licences.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from string import Template
from typing import Any, NamedTuple

import duckdb

from tasks.core.citations import TIER_METHODS, URL_PATTERN, source_urls
from tasks.load.archive import atomic_write_bytes, published_mode

TEMPLATE = Path(__file__).resolve().parent / "templates" / "report.html"
SCRIPT = TEMPLATE.with_name("report.js")
REPORT_NAME = "index.html"
DEFAULT_TOP_N = 30
WATER_TOP_N = 25
AUDIT_TABLE = "rpt_disclosure_audit"
NOT_ESTIMABLE_TABLE = "rpt_not_estimable"
SCORECARD_TABLE = "rpt_disclosure_scorecard"
# Rows of a table in the HTML itself (its first page); the page's script renders the others.
PAGE_ROWS = 50


def linkify(text: str | None) -> str:
    """HTML of `text` with each http(s) URL as a link; everything else escaped."""
    if not text:
        return ""
    out, pos = [], 0
    for m in URL_PATTERN.finditer(text):
        out.append(html.escape(text[pos : m.start()]))
        url = m.group(0)
        out.append(
            f'<a href="{html.escape(url, quote=True)}" rel="noopener noreferrer">'
            f"{html.escape(_short(url))}</a>"
        )
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _short(url: str, limit: int = 70) -> str:
    bare = re.sub(r"^https?://(www\.)?", "", url)
    return bare if len(bare) <= limit else bare[: limit - 1] + "…"


def anchor(model: str) -> str:
    """A stable, HTML-safe id for a model's table row."""
    slug = re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-")
    return f"m-{slug or 'model'}-{abs(hash_text(model)) % 10_000:04d}"


def hash_text(text: str) -> int:
    # Python's hash() is salted per process; the anchor must be the same on every build.
    h = 0
    for ch in text:
        h = (h * 131 + ord(ch)) % 1_000_000_007
    return h


def fmt(v: Any) -> str:
    """A number as a reader wants it: separators, about three significant figures."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        if v == 0:
            return "0"
        if abs(v) >= 100:
            return f"{v:,.0f}"
        return f"{v:.3g}"
    return str(v)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict]:
    cursor = con.execute(sql, list(params))
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_name = ?", [name]
        ).fetchall()[0][0]
    )


# (column, header, kind) of the leaderboard table. kind: num | text | link-free special cases.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("rank", "#", "rank"),
    ("model", "model", "model"),
    ("organization", "organisation", "text"),
    ("release_date", "released", "text"),
    ("parameters_b", "params (B)", "num"),
    ("gpu", "hardware", "text"),
    ("gpu_count", "GPUs", "num"),
    ("gpu_hours", "GPU-hours", "num"),
    ("place", "place (grid zone)", "text"),
    ("carbon_intensity_kg_per_kwh", "kg CO2e/kWh", "num"),
    ("carbon_intensity_granularity", "intensity from", "text"),
    ("training_energy_mwh", "training MWh", "num"),
    ("training_co2e_t", "training t CO2e", "num"),
    ("development_co2e_t", "development t CO2e", "num"),
    ("embodied_co2e_t", "embodied t CO2e", "num"),
    ("total_co2e_t", "total t CO2e", "num"),
    ("total_co2e_t_low", "low", "num"),
    ("total_co2e_t_high", "high", "num"),
    ("total_water_kl", "water kL", "num"),
    ("training_cost_usd", "rental USD", "num"),
    ("amortised_cost_usd", "amortised USD", "num"),
    ("creation_cost_usd", "creation USD (frontier)", "num"),
    ("training_co2e_basis", "training emissions", "basis"),
    ("estimation_tier", "tier", "num"),
    ("sources", "sources", "sources"),
)


def _place(row: dict[str, Any]) -> str:
    place, zone = row.get("location") or "", row.get("grid_zone") or ""
    if place and zone:
        return f"{place} ({zone})"
    return place or zone


def _cell(row: dict[str, Any], column: str, kind: str, src_id: str) -> str:
    value = _place(row) if column == "place" else row.get(column)
    if kind == "num":
        if value is None:
            return '<td class="num" data-v=""></td>'
        # Every number links to the row's sources (the last cell), which link to the originals.
        return (
            f'<td class="num" data-v="{value!r}"><a href="#{src_id}" title="sources">'
            f"{html.escape(fmt(value))}</a></td>"
        )
    if kind == "rank":
        return f'<td class="num" data-v="{value}">{value}</td>'
    if kind == "model":
        return f'<td class="model"><b>{html.escape(str(value))}</b></td>'
    if kind == "basis":
        b = html.escape(str(value or ""))
        return f'<td><span class="badge {b}">{b}</span></td>'
    if kind == "sources":
        urls = source_urls(value)
        items = "".join(
            f'<li><a href="{html.escape(u, quote=True)}" rel="noopener noreferrer">'
            f"{html.escape(_short(u))}</a></li>"
            for u in urls
        )
        conflict = row.get("conflicting_fields")
        note = (
            f'<div class="muted">sources disagree on: {html.escape(str(conflict))}</div>'
            if conflict
            else ""
        )
        return (
            f'<td class="sources" id="{src_id}"><details><summary>{len(urls)} source'
            f"{'s' if len(urls) != 1 else ''}</summary><ol>{items}</ol>"
            f'<div class="muted">{linkify(value)}</div></details>{note}</td>'
        )
    if isinstance(value, date | datetime):
        value = value.isoformat()
    return f"<td>{html.escape(str(value or ''))}</td>"


def _table(rows: list[dict[str, Any]]) -> tuple[str, str]:
    """The leaderboard's header and its first page of rows (the script renders the others)."""
    head = "".join(
        f'<th scope="col" data-col="{c}" data-type="{"num" if k in ("num", "rank") else "text"}">'
        f"{html.escape(h)}</th>"
        for c, h, k in COLUMNS
    )
    body = []
    for row in rows[:PAGE_ROWS]:
        rid = anchor(row["model"])
        src_id = f"src-{rid}"
        cells = "".join(_cell(row, c, k, src_id) for c, _, k in COLUMNS)
        body.append(
            f'<tr id="{rid}" data-basis="{html.escape(str(row.get("training_co2e_basis") or ""))}"'
            f' data-tier="{row.get("estimation_tier") or ""}">{cells}</tr>'
        )
    return head, "\n".join(body)


# What each leaderboard row carries to the page's script beyond the table's own columns: its
# anchor, the note on conflicting sources, and the figures the charts draw.
BOARD_EXTRA = (
    "anchor",
    "conflicting_fields",
    "training_water_kl",
    "development_water_kl",
    "embodied_water_kl",
)


class _Strings:
    """Each distinct text once: a packed table refers to texts by their index here (2,000 rows
    share about 230 distinct `sources` cells, most of the report's bytes)."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self._index: dict[str, int] = {}

    def ref(self, text: str) -> int:
        if text not in self._index:
            self._index[text] = len(self.texts)
            self.texts.append(text)
        return self._index[text]


def _packed(value: Any, strings: _Strings) -> Any:
    """A cell as the script gets it: null, a text's index, or a number (full precision, to sort
    by) with the index of its text as `fmt` shows it (so one formatter writes every cell)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, int | float):
        return [value, strings.ref(fmt(value))]
    if isinstance(value, date | datetime):
        value = value.isoformat()
    return strings.ref(str(value))


def _pack(rows: list[dict[str, Any]], fields: Sequence[str], strings: _Strings) -> dict:
    """Rows as arrays in `fields` order, texts by index into `strings`; `text` says which
    fields hold texts (their numbers are indexes)."""
    text = [any(isinstance(r.get(f), str | date) for r in rows) for f in fields]
    return {
        "fields": list(fields),
        "text": text,
        "rows": [[_packed(r.get(f), strings) for f in fields] for r in rows],
    }


def _board_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "place": _place(r), "anchor": anchor(r["model"])} for r in rows]


class _Paged(NamedTuple):
    """A report table shown like the audit: its first page in the HTML, every row packed for the
    page's script to filter and page (report.js `pagedTable`, by `id`)."""

    table: str
    id: str
    title: str
    blurb: str  # may use {n}, the row count
    nav: str
    noun: str


# The paged tables, in the report's order.
PAGED = (
    _Paged(
        AUDIT_TABLE,
        "audit",
        "Disclosure audit",
        "{n} findings: where disclosures disagree with each other or with what their own "
        "numbers imply.",
        "Audit",
        "findings",
    ),
    _Paged(
        NOT_ESTIMABLE_TABLE,
        "not-estimable",
        "Models that cannot be estimated",
        "{n} models on Epoch AI's Notable or Large-Scale lists disclose too little to estimate "
        "their footprint: neither ranked nor in review. Newest first, with what is missing.",
        "Not estimable",
        "models",
    ),
    _Paged(
        SCORECARD_TABLE,
        "scorecard",
        "Disclosure scorecard",
        "{n} organisations: how many of their listed models disclose energy, GPU-hours, "
        "hardware, location and emissions (a model of several organisations counts for each).",
        "Scorecard",
        "organisations",
    ),
)


def _paged_section(
    con: duckdb.DuckDBPyConnection, paged: _Paged, strings: _Strings
) -> tuple[str, str, dict | None]:
    """A report table, when the warehouse has it (built by another stage): its section with the
    first page of rows, the nav link, and its packed rows; empty otherwise."""
    if not _table_exists(con, paged.table):
        return "", "", None
    try:
        rows = _rows(con, f"select * from {paged.table}")
    except duckdb.Error:
        return "", "", None
    columns = list(rows[0]) if rows else []
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in columns)
    body = "\n".join(
        "<tr>" + "".join(_audit_cell(v) for v in r.values()) + "</tr>" for r in rows[:PAGE_ROWS]
    )
    pid = paged.id
    section = f"""
<section id="{pid}">
  <h2>{html.escape(paged.title)}</h2>
  <p class="muted">{html.escape(paged.blurb.format(n=f"{len(rows):,}"))}</p>
  <div class="controls">
    <label>Filter <input type="search" id="{pid}-filter" placeholder="any text in a row…"
      aria-controls="{pid}-table"></label>
    <span class="count" id="{pid}-count" aria-live="polite"></span>
  </div>
  <div class="tablewrap"><table id="{pid}-table"><thead><tr>{head}</tr></thead>
  <tbody>{body}</tbody></table></div>
  <div class="pager" id="{pid}-pager"></div>
</section>"""
    packed = {**_pack(rows, columns, strings), "noun": paged.noun}
    return section, f'<a href="#{pid}">{html.escape(paged.nav)}</a>', packed


def _audit_cell(v: Any) -> str:
    if isinstance(v, int | float) and not isinstance(v, bool):
        return f'<td class="num">{html.escape(fmt(v))}</td>'
    return f"<td>{linkify(fmt(v) if not isinstance(v, str) else v)}</td>"


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element: no '</' can end it early."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")


METHODOLOGY = """
<p>Per model we compute three footprints, each in energy (MWh), carbon (t CO2e) and water (kL):
<b>training</b> (the final run of the released model), <b>development</b> (everything before it:
sweeps, ablations, failed runs; the disclosed development run, else training × a development ratio
of 0.8) and <b>embodied</b> (manufacturing the GPUs, amortised per GPU-hour over a four-year
life).</p>
<ul>
<li>IT energy = GPU-hours × power per GPU; facility energy = IT energy × PUE (default 1.2).
Power defaults to 85% of the GPU's TDP; a card whose power figure already includes PUE gets no
second PUE.</li>
<li>Operational carbon = facility energy × the grid's carbon intensity: the zone's annual average
for the run's year, else the country's, else the world average (0.475 kg/kWh) when the place is
unknown. For a run that discloses its emissions, the intensity shown is the one its own numbers
imply. Market-based emissions are shown beside, never instead of, location-based ones.</li>
<li>Water = facility energy × (on-site 0.2 + off-site 1.29 L/kWh); embodied water per GPU as
published.</li>
<li>Estimation ladder (best available input wins): 1 disclosed emissions · 2 disclosed energy ×
intensity · 3 disclosed GPU-hours × power × PUE × intensity · 4 GPU count × duration, then as 3 ·
5 training FLOPs / (peak FLOP/s × MFU 0.35), then as 3.</li>
<li>Ranges: every coefficient has a low, central and high value with its source; disclosed figures
get ±5% for rounding. The low and high footprints take the matching ends of every input (interval
arithmetic), so they are the extremes of the stated input ranges, not a confidence interval.</li>
<li>Low-confidence figures (a database's own modelling, a figure contradicted by its card, a
suspect unit) are kept and shown in the audit but never drive an estimate.</li>
</ul>"""


def _stats(rows: list[dict[str, Any]], quarantined: int) -> str:
    disclosed = sum(1 for r in rows if r.get("training_co2e_basis") == "disclosed")
    total = sum(float(r.get("total_co2e_t") or 0) for r in rows)
    energy = sum(float(r.get("total_energy_mwh") or 0) for r in rows)
    items = [
        (f"{len(rows):,}", "models"),
        (f"{disclosed:,}", "disclose their training emissions"),
        (f"{total:,.0f} t", "CO2e in all (central estimate)"),
        (f"{energy / 1000:,.0f} GWh", "of electricity"),
        (f"{quarantined:,}", "source rows set aside by validation"),
    ]
    return "".join(
        f"<li><b>{html.escape(v)}</b><span>{html.escape(t)}</span></li>" for v, t in items
    )


def render_report(con: duckdb.DuckDBPyConnection, *, top_n: int = DEFAULT_TOP_N) -> str:
    """The report's HTML from the warehouse (rpt_leaderboard must exist)."""
    if not _table_exists(con, "rpt_leaderboard"):
        raise LookupError("the warehouse has no rpt_leaderboard: run `footprints run` first")
    rows = _rows(con, "select * from rpt_leaderboard order by rank")
    quarantined = con.execute("select count(*) from meta_quarantine").fetchall()[0][0]
    build = con.execute(
        "select build_id, built_at from meta_build_log where status = 'built' "
        "order by built_at desc limit 1"
    ).fetchall()
    build_id, built_at = (build[0][0][:12], str(build[0][1])[:19]) if build else ("–", "–")
    head, body = _table(rows)
    strings = _Strings()
    board = _pack(_board_rows(rows), [c for c, _, _ in COLUMNS] + list(BOARD_EXTRA), strings)
    sections = [_paged_section(con, paged, strings) for paged in PAGED]
    tables = {p.id: packed for p, (_, _, packed) in zip(PAGED, sections, strict=True) if packed}
    data = {
        "strings": strings.texts,
        "columns": [[c, k] for c, _, k in COLUMNS],
        "board": board,
        "tables": tables,
        "urlPattern": URL_PATTERN.pattern,
        "pageRows": PAGE_ROWS,
        "waterTop": WATER_TOP_N,
    }
    choices = [10, top_n, 50, 100] if top_n not in (10, 50, 100) else [10, 30, 50, 100]
    options = sorted({c for c in choices if c < len(rows)})
    shown = min(top_n, len(rows))
    topn_options = (
        "".join(
            f'<option value="{n}"{" selected" if n == shown else ""}>top {n}</option>'
            for n in options
        )
        + f'<option value="all"{" selected" if top_n >= len(rows) else ""}>all {len(rows)}</option>'
    )
    tiers = sorted({r["estimation_tier"] for r in rows if r.get("estimation_tier") is not None})
    undated = sum(1 for r in rows if r.get("training_energy_mwh") and not r.get("release_date"))
    watered = sum(1 for r in rows if r.get("total_water_kl"))
    values = {
        "model_count": f"{len(rows):,}",
        "stats": _stats(rows, quarantined),
        "audit_nav": "".join(nav for _, nav, _ in sections),
        "topn_options": topn_options,
        "energy_undated": f"{undated:,}",
        "water_n": str(min(WATER_TOP_N, watered)),
        "tier_options": "".join(f'<option value="{t}">{t}</option>' for t in tiers),
        "table_head": head,
        "table_body": body,
        "shown_count": f"showing {len(rows)} of {len(rows)} models",
        "tier_legend": html.escape(" · ".join(f"{t} {TIER_METHODS[t]}" for t in (1, 2, 3, 4, 5))),
        "audit_section": "".join(section for section, _, _ in sections),
        "methodology": METHODOLOGY,
        "built_at": html.escape(f"{built_at} UTC" if build else datetime.now(UTC).isoformat()),
        "build_id": html.escape(build_id),
        "data": _script_json(data),
        "script": SCRIPT.read_text(encoding="utf-8"),
    }
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(values)


def build_report(
    con: duckdb.DuckDBPyConnection, out_dir: Path, *, top_n: int = DEFAULT_TOP_N
) -> Path:
    """Write `<out_dir>/index.html` atomically (temp file + rename); returns its path."""
    target = Path(out_dir) / REPORT_NAME
    html_bytes = render_report(con, top_n=top_n).encode("utf-8")
    atomic_write_bytes(target, html_bytes, mode=published_mode())
    return target

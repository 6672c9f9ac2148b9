"""The static report: one `index.html` that works offline, with every figure embedded.

It holds the whole leaderboard as a sortable, filterable table (no paging: a reader searching for
one model must find it), a stacked bar chart of training / development / embodied carbon with the
low-high range of the total, training energy coloured by whether the emissions were disclosed,
water, the disclosure audit, the listed models that cannot be estimated and each organisation's
disclosure scorecard when the warehouse has them, and the methodology and data licences.
Plotly's JavaScript is inlined (no CDN), so the file opens without a network.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from string import Template
from typing import Any

import duckdb
import plotly.graph_objects as go
import plotly.offline

from tasks.core.citations import TIER_METHODS, URL_PATTERN, source_urls
from tasks.load.archive import PUBLISHED_MODE, atomic_write_bytes

TEMPLATE = Path(__file__).resolve().parent / "templates" / "report.html"
REPORT_NAME = "index.html"
DEFAULT_TOP_N = 30
WATER_TOP_N = 25
AUDIT_TABLE = "rpt_disclosure_audit"
NOT_ESTIMABLE_TABLE = "rpt_not_estimable"
SCORECARD_TABLE = "rpt_disclosure_scorecard"

# The estimation ladder (README 'Methodology'), in words a model-card reader follows.
COLOURS = {
    "training": "#1a5fb4",
    "development": "#62a0ea",
    "embodied": "#c64600",
    "disclosed": "#1e8e3e",
    "estimated": "#e8a000",
}


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
    head = "".join(
        f'<th scope="col" data-col="{c}" data-type="{"num" if k in ("num", "rank") else "text"}">'
        f"{html.escape(h)}</th>"
        for c, h, k in COLUMNS
    )
    body = []
    for row in rows:
        rid = anchor(row["model"])
        src_id = f"src-{rid}"
        cells = "".join(_cell(row, c, k, src_id) for c, _, k in COLUMNS)
        body.append(
            f'<tr id="{rid}" data-basis="{html.escape(str(row.get("training_co2e_basis") or ""))}"'
            f' data-tier="{row.get("estimation_tier") or ""}">{cells}</tr>'
        )
    return head, "\n".join(body)


def _figure_html(fig: Any, div_id: str, extra_attrs: str = "") -> str:
    markup = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
    )
    if extra_attrs:
        markup = markup.replace(f'id="{div_id}"', f'id="{div_id}" {extra_attrs}', 1)
    return f'<div class="chart">{markup}</div>'


def _carbon_chart(rows: list[dict[str, Any]], top_n: int = DEFAULT_TOP_N) -> str:
    models = [r["model"] for r in rows]
    ids = [anchor(m) for m in models]
    fig = go.Figure()
    for part in ("training", "development", "embodied"):
        fig.add_bar(
            name=part,
            x=models,
            y=[r.get(f"{part}_co2e_t") or 0 for r in rows],
            marker_color=COLOURS[part],
            customdata=ids,
            hovertemplate=f"%{{x}}<br>{part}: %{{y:,.4~g}} t CO2e<extra></extra>",
        )
    totals = [r.get("total_co2e_t") or 0 for r in rows]
    pairs = list(zip(rows, totals, strict=True))
    fig.add_scatter(
        name="total, low–high",
        x=models,
        y=totals,
        mode="markers",
        marker={"color": "#1d1d1f", "size": 4},
        error_y={
            "type": "data",
            "symmetric": False,
            "array": [max((r.get("total_co2e_t_high") or t) - t, 0) for r, t in pairs],
            "arrayminus": [max(t - (r.get("total_co2e_t_low") or t), 0) for r, t in pairs],
            "color": "#444",
            "thickness": 1,
            "width": 3,
        },
        customdata=ids,
        text=[f"{fmt(r.get('total_co2e_t_low'))}–{fmt(r.get('total_co2e_t_high'))}" for r in rows],
        hovertemplate="%{x}<br>total: %{y:,.4~g} t CO2e (range %{text})<extra></extra>",
    )
    fig.update_layout(
        barmode="stack",
        height=560,
        margin={"l": 70, "r": 20, "t": 20, "b": 170},
        legend={"orientation": "h", "y": 1.06, "x": 0, "traceorder": "normal"},
        yaxis={"title": {"text": "t CO2e"}, "rangemode": "tozero"},
        xaxis={
            "tickangle": -50,
            "range": [-0.5, min(top_n, len(rows)) - 0.5],
            # Long names would eat the plot: shorten the label, the hover keeps the full name.
            "tickmode": "array",
            "tickvals": models,
            "ticktext": [m if len(m) <= 28 else m[:27] + "…" for m in models],
        },
        template="plotly_white",
    )
    return _figure_html(fig, "chart-carbon", f'data-models="{len(rows)}"')


def _energy_chart(rows: list[dict[str, Any]]) -> tuple[str, int]:
    fig = go.Figure()
    for basis in ("disclosed", "estimated"):
        sel = [
            r
            for r in rows
            if r.get("training_co2e_basis") == basis
            and r.get("training_energy_mwh")
            and r.get("release_date")
        ]
        fig.add_scatter(
            name=f"emissions {basis} ({len(sel)})",
            x=[r["release_date"].isoformat() for r in sel],
            y=[r["training_energy_mwh"] for r in sel],
            mode="markers",
            marker={
                "color": COLOURS[basis],
                "size": 7 if basis == "disclosed" else 5,
                "opacity": 0.85,
            },
            customdata=[anchor(r["model"]) for r in sel],
            text=[f"{r['model']} (tier {r.get('estimation_tier')})" for r in sel],
            hovertemplate="%{text}<br>%{x}<br>%{y:,.4~g} MWh<extra></extra>",
        )
    fig.update_layout(
        height=480,
        margin={"l": 70, "r": 20, "t": 20, "b": 50},
        yaxis={"type": "log", "title": {"text": "training energy, MWh (log)"}},
        xaxis={"title": {"text": "release date"}},
        legend={"orientation": "h", "y": 1.08, "x": 0},
        template="plotly_white",
    )
    undated = sum(1 for r in rows if r.get("training_energy_mwh") and not r.get("release_date"))
    return _figure_html(fig, "chart-energy"), undated


def _water_chart(rows: list[dict[str, Any]]) -> tuple[str, int]:
    top = sorted(
        (r for r in rows if r.get("total_water_kl")),
        key=lambda r: -float(r["total_water_kl"]),
    )[:WATER_TOP_N]
    top.reverse()  # largest at the top of a horizontal bar chart
    fig = go.Figure()
    for part in ("training", "development", "embodied"):
        fig.add_bar(
            name=part,
            orientation="h",
            y=[r["model"] for r in top],
            x=[r.get(f"{part}_water_kl") or 0 for r in top],
            marker_color=COLOURS[part],
            customdata=[anchor(r["model"]) for r in top],
            hovertemplate=f"%{{y}}<br>{part}: %{{x:,.4~g}} kL<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        height=max(480, 22 * len(top) + 100),
        margin={"l": 190, "r": 20, "t": 20, "b": 50},
        xaxis={"title": {"text": "kL"}},
        legend={"orientation": "h", "y": 1.06, "x": 0, "traceorder": "normal"},
        template="plotly_white",
    )
    return _figure_html(fig, "chart-water"), len(top)


def _table_section(
    con: duckdb.DuckDBPyConnection,
    table: str,
    section_id: str,
    title: str,
    blurb: str,
    nav: str,
) -> tuple[str, str]:
    """A report table in full as a section and its navigation link, when the warehouse has it
    (built by another stage); ('', '') otherwise. `blurb` may use {n}, the row count."""
    if not _table_exists(con, table):
        return "", ""
    try:
        rows = _rows(con, f"select * from {table}")
    except duckdb.Error:
        return "", ""
    columns = list(rows[0]) if rows else []
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in columns)
    body = "\n".join(
        "<tr>"
        + "".join(
            f'<td class="num">{html.escape(fmt(v))}</td>'
            if isinstance(v, int | float) and not isinstance(v, bool)
            else f"<td>{linkify(fmt(v) if not isinstance(v, str) else v)}</td>"
            for v in r.values()
        )
        + "</tr>"
        for r in rows
    )
    section = f"""
<section id="{section_id}">
  <h2>{html.escape(title)}</h2>
  <p class="muted">{blurb.format(n=f"{len(rows):,}")}</p>
  <div class="tablewrap"><table id="{section_id}-table"><thead><tr>{head}</tr></thead>
  <tbody>{body}</tbody></table></div>
</section>"""
    return section, f'<a href="#{section_id}">{html.escape(nav)}</a>'


def _audit_section(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """The disclosure audit, when the warehouse has one; '' otherwise."""
    return _table_section(
        con,
        AUDIT_TABLE,
        "audit",
        "Disclosure audit",
        "{n} findings: where disclosures disagree with each other or with what their own "
        "numbers imply.",
        "Audit",
    )


def _gaps_sections(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """What cannot be estimated, and who discloses what (when the warehouse has them)."""
    gaps, gaps_nav = _table_section(
        con,
        NOT_ESTIMABLE_TABLE,
        "not-estimable",
        "Not estimable",
        "{n} models on Epoch AI's Notable or Large-Scale lists disclose too little to estimate "
        "their footprint: neither ranked nor in review. Newest first, with what is missing.",
        "Not estimable",
    )
    card, card_nav = _table_section(
        con,
        SCORECARD_TABLE,
        "scorecard",
        "Disclosure scorecard",
        "{n} organisations: how many of their listed models disclose energy, GPU-hours, "
        "hardware, location and emissions (a model of several organisations counts for each).",
        "Scorecard",
    )
    return gaps + card, gaps_nav + card_nav


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
    water_chart, water_n = _water_chart(rows)
    energy_chart, undated = _energy_chart(rows)
    audit, audit_nav = _audit_section(con)
    gaps, gaps_nav = _gaps_sections(con)
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
    values = {
        "plotly_js": plotly.offline.get_plotlyjs(),
        "model_count": f"{len(rows):,}",
        "stats": _stats(rows, quarantined),
        "audit_nav": audit_nav + gaps_nav,
        "topn_options": topn_options,
        "carbon_chart": _carbon_chart(rows, top_n),
        "energy_chart": energy_chart,
        "energy_undated": f"{undated:,}",
        "water_chart": water_chart,
        "water_n": str(water_n),
        "tier_options": "".join(f'<option value="{t}">{t}</option>' for t in tiers),
        "table_head": head,
        "table_body": body,
        "tier_legend": html.escape(" · ".join(f"{t} {TIER_METHODS[t]}" for t in (1, 2, 3, 4, 5))),
        "audit_section": audit + gaps,
        "methodology": METHODOLOGY,
        "built_at": html.escape(f"{built_at} UTC" if build else datetime.now(UTC).isoformat()),
        "build_id": html.escape(build_id),
    }
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(values)


def build_report(
    con: duckdb.DuckDBPyConnection, out_dir: Path, *, top_n: int = DEFAULT_TOP_N
) -> Path:
    """Write `<out_dir>/index.html` atomically (temp file + rename); returns its path."""
    target = Path(out_dir) / REPORT_NAME
    atomic_write_bytes(target, render_report(con, top_n=top_n).encode("utf-8"), mode=PUBLISHED_MODE)
    return target

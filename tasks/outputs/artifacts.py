"""Prefect artifacts of a run: what landed, what was rejected, and the leaderboard's top.

The comparison of two builds (`refresh_summary_markdown`) and the row shaping are pure functions,
so they are tested without a Prefect server; the `publish_*` functions only hand the result to
Prefect.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from tasks.load.warehouse import read_sql

LOAD_COLUMNS = (
    "table",
    "batch_scope",
    "status",
    "rows_in",
    "inserted",
    "updated",
    "deleted",
    "quarantined",
    "expectations_evaluated",
    "expectations_failed",
    "message",
)

# A relative change below this is float noise or rounding in a source, not news.
CHANGE_TOLERANCE = 1e-6


def publish_load_summary(key: str, results: list[dict[str, Any]]) -> None:
    """The validation and load summary of one ingest flow, as a table artifact."""
    rows = [{c: r.get(c) for c in LOAD_COLUMNS} for r in results]
    create_table_artifact(key=key, table=rows, description="Validation and load summary")


def _has_leaderboard(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(read_sql("reports/select_has_leaderboard.sql")).fetchall()[0][0])


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]


def leaderboard_top(con: duckdb.DuckDBPyConnection, n: int = 20) -> list[dict[str, Any]]:
    """The top `n` of rpt_leaderboard as plain dicts (empty before the first build)."""
    if not _has_leaderboard(con):
        return []
    return _rows(con.execute(read_sql("reports/select_artifact_top.sql"), [n]))


def publish_leaderboard_top(
    con_or_rows: duckdb.DuckDBPyConnection | Sequence[Mapping[str, Any]],
    n: int = 20,
    key: str = "leaderboard-top",
) -> list[dict[str, Any]]:
    """The top `n` models by total t CO2e (with low-high range) as a table artifact.

    Takes an open connection, or rows already read (so a flow that closed its connection can
    still publish). Returns the rows published."""
    if isinstance(con_or_rows, duckdb.DuckDBPyConnection):
        rows = leaderboard_top(con_or_rows, n)
    else:
        rows = [dict(r) for r in list(con_or_rows)[:n]]
    create_table_artifact(
        key=key,
        table=rows,
        description=f"Top {len(rows)} models by total t CO2e (training + development + embodied)",
    )
    return rows


@dataclass(frozen=True)
class ModelFigures:
    """One model's headline figures in a leaderboard snapshot."""

    model: str
    total_co2e_t: float | None
    training_co2e_t: float | None
    estimation_tier: int | None = None
    training_co2e_basis: str | None = None


def _as_figures(rows: Sequence[ModelFigures | Mapping[str, Any]]) -> dict[str, ModelFigures]:
    out: dict[str, ModelFigures] = {}
    for r in rows:
        if isinstance(r, ModelFigures):
            out[r.model] = r
        else:
            out[str(r["model"])] = ModelFigures(
                model=str(r["model"]),
                total_co2e_t=r.get("total_co2e_t"),
                training_co2e_t=r.get("training_co2e_t"),
                estimation_tier=r.get("estimation_tier"),
                training_co2e_basis=r.get("training_co2e_basis"),
            )
    return out


def _changed(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    return not math.isclose(a, b, rel_tol=CHANGE_TOLERANCE, abs_tol=1e-9)


def _fmt(v: float | None) -> str:
    if v is None:
        return "–"
    return f"{v:,.1f}" if abs(v) >= 1 else f"{v:.3g}"


def _pct(a: float | None, b: float | None) -> str:
    if a is None or a == 0 or b is None:
        return ""
    return f"{(b - a) / a:+.1%}"


@dataclass(frozen=True)
class RefreshDiff:
    new_models: list[str]
    dropped_models: list[str]
    changed: list[tuple[ModelFigures, ModelFigures]]  # (before, after)


def diff_leaderboards(
    previous: Sequence[ModelFigures | Mapping[str, Any]],
    current: Sequence[ModelFigures | Mapping[str, Any]],
) -> RefreshDiff:
    """What changed between two snapshots: models added, removed, and changed figures."""
    before, after = _as_figures(previous), _as_figures(current)
    changed = [
        (before[m], after[m])
        for m in after
        if m in before
        and (
            _changed(before[m].total_co2e_t, after[m].total_co2e_t)
            or _changed(before[m].training_co2e_t, after[m].training_co2e_t)
            or before[m].estimation_tier != after[m].estimation_tier
        )
    ]
    # Largest absolute move in total first: that is what a reader wants to see.
    changed.sort(key=lambda p: -abs((p[1].total_co2e_t or 0) - (p[0].total_co2e_t or 0)))
    return RefreshDiff(
        new_models=sorted(m for m in after if m not in before),
        dropped_models=sorted(m for m in before if m not in after),
        changed=changed,
    )


def refresh_summary_markdown(
    previous: Sequence[ModelFigures | Mapping[str, Any]],
    current: Sequence[ModelFigures | Mapping[str, Any]],
    quarantined: Sequence[Mapping[str, Any]],
    *,
    max_rows: int = 50,
) -> str:
    """Markdown: new models, changed figures and quarantined rows since the last run.

    `quarantined` is rows of meta_quarantine for this run (table_name, source_url, row_number,
    reason), or load results with a `quarantined` count (table, batch_scope, quarantined)."""
    d = diff_leaderboards(previous, current)
    first_run = not previous
    lines = ["# Refresh summary", ""]
    if first_run:
        lines.append(f"First build: **{len(d.new_models)}** models on the leaderboard.")
    else:
        lines.append(
            f"**{len(d.new_models)}** new, **{len(d.dropped_models)}** dropped and "
            f"**{len(d.changed)}** changed models; {len(_as_figures(current))} on the leaderboard."
        )
    if d.new_models and not first_run:
        lines += ["", "## New models", ""]
        lines += [f"- {m}" for m in d.new_models[:max_rows]]
        if len(d.new_models) > max_rows:
            lines.append(f"- … and {len(d.new_models) - max_rows} more")
    if d.dropped_models:
        lines += ["", "## Dropped models", ""]
        lines += [f"- {m}" for m in d.dropped_models[:max_rows]]
    lines += _changed_lines(d.changed, max_rows)
    lines += _quarantine_lines(quarantined, max_rows)
    return "\n".join(lines) + "\n"


def _changed_lines(changed: list[tuple[ModelFigures, ModelFigures]], max_rows: int) -> list[str]:
    """The changed figures as a table, largest move first ([] when nothing changed)."""
    if not changed:
        return []
    lines = [
        "",
        "## Changed figures",
        "",
        "| model | total t CO2e before | after | change | training t before | after | tier |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for b, a in changed[:max_rows]:
        tier = (
            f"{b.estimation_tier} → {a.estimation_tier}"
            if b.estimation_tier != a.estimation_tier
            else str(a.estimation_tier or "")
        )
        lines.append(
            f"| {_md(a.model)} | {_fmt(b.total_co2e_t)} | {_fmt(a.total_co2e_t)} | "
            f"{_pct(b.total_co2e_t, a.total_co2e_t)} | {_fmt(b.training_co2e_t)} | "
            f"{_fmt(a.training_co2e_t)} | {tier} |"
        )
    if len(changed) > max_rows:
        lines.append(f"\n… and {len(changed) - max_rows} more.")
    return lines


def _quarantine_lines(quarantined: Sequence[Mapping[str, Any]], max_rows: int) -> list[str]:
    """The quarantined rows (or per-load counts) of this run, or 'None.'."""
    lines = ["", "## Quarantined rows", ""]
    q_rows = [q for q in quarantined if "reason" in q]
    q_counts = [q for q in quarantined if "reason" not in q and q.get("quarantined")]
    if not q_rows and not q_counts:
        lines.append("None.")
    for q in q_counts:
        lines.append(
            f"- {q.get('table', '')} `{q.get('batch_scope', '')}`: {q['quarantined']} row(s)"
        )
    if q_rows:
        lines += ["| table | source | row | reason |", "|---|---|---:|---|"]
        for q in q_rows[:max_rows]:
            lines.append(
                f"| {q.get('table_name', '')} | {_md(str(q.get('source_url', '')))} | "
                f"{q.get('row_number', '')} | {_md(str(q.get('reason', '')))} |"
            )
        if len(q_rows) > max_rows:
            lines.append(f"\n… and {len(q_rows) - max_rows} more (see meta_quarantine).")
    return lines


def _md(text: str) -> str:
    """Table-cell safe: a pipe or newline in a model name or reason would break the table."""
    return text.replace("|", "\\|").replace("\n", " ")


def quarantined_for_loads(
    con: duckdb.DuckDBPyConnection, load_ids: Sequence[str]
) -> list[dict[str, Any]]:
    """Rows of meta_quarantine written by the given loads (the load results of this run)."""
    ids = [i for i in load_ids if i]
    if not ids:
        return []
    return _rows(con.execute(read_sql("reports/select_quarantined_for_loads.sql"), [ids]))


def leaderboard_figures(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The leaderboard's headline figures now ([] before the first build): taken before a
    refresh writes anything and again after its build, to say what changed.

    Plain dicts, so the result can cross a Prefect task boundary."""
    if not _has_leaderboard(con):
        return []
    return _rows(con.execute(read_sql("reports/select_leaderboard_figures.sql")))


def publish_refresh_artifacts(
    con: duckdb.DuckDBPyConnection,
    previous: Sequence[Mapping[str, Any]],
    loads: Sequence[Mapping[str, Any]],
    n: int = 20,
) -> str:
    """After the build: publish the leaderboard top and the refresh summary (new models, changed
    figures, rows quarantined by `loads`, the LoadResult dicts of this run). Returns the
    summary markdown."""
    current = leaderboard_figures(con)
    quarantined = quarantined_for_loads(con, [str(r.get("load_id") or "") for r in loads])
    publish_leaderboard_top(con, n)
    return publish_refresh_summary(previous, current, quarantined)


def publish_refresh_summary(
    previous: Sequence[ModelFigures | Mapping[str, Any]],
    current: Sequence[ModelFigures | Mapping[str, Any]],
    quarantined: Sequence[Mapping[str, Any]],
    key: str = "refresh-summary",
) -> str:
    """Publish `refresh_summary_markdown` as a markdown artifact; returns the markdown."""
    text = refresh_summary_markdown(previous, current, quarantined)
    create_markdown_artifact(
        key=key, markdown=text, description="New models, changed figures, quarantined rows"
    )
    return text

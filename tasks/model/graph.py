"""The SQL models and their build order, read from sql/ itself: no list of models kept by hand.

Each file sql/<layer>/<name>.sql whose name carries its layer's prefix is one model, a view in
staging and a table elsewhere, named like the file (the jaffle-shop rule: one model = one file =
one table). A model depends on every model it names outside comments and string literals; the
build order is a topological sort of those references, ties broken by layer then name, so the
layers build in turn and the order is the same on every machine. A model reads its own layer or
an earlier one, and reports read marts (and other reports) only. Other files in a layer folder
(`select_*.sql`, the queries the exports run) are not models.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from tasks.load.warehouse import WarehouseError

LAYERS = ("staging", "intermediate", "marts", "reports")
PREFIXES = {
    "staging": ("stg_",),
    "intermediate": ("int_",),
    "marts": ("fct_", "dim_"),
    "reports": ("rpt_",),
}
# The layers each layer may read (staging reads the raw tables, which are not models).
READS = {
    "staging": (),
    "intermediate": ("staging", "intermediate"),
    "marts": ("staging", "intermediate", "marts"),
    "reports": ("marts", "reports"),
}
_LAYER_OF_PREFIX = {prefix: layer for layer, prefixes in PREFIXES.items() for prefix in prefixes}
# Comments and string literals, removed before looking for names: a comment may mention a model
# it does not read, and a literal is data. One alternation, so `--` inside a literal stays data.
_NOT_CODE = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.DOTALL)
_MODEL_NAME = re.compile(
    r"\b(?:" + "|".join(re.escape(p) for p in _LAYER_OF_PREFIX) + r")[a-z0-9_]+\b", re.IGNORECASE
)


class ModelGraphError(WarehouseError):
    """The SQL models cannot be ordered: a cycle, a name no file defines, or a layer read out of
    turn. The message names the files."""


@dataclass(frozen=True)
class SqlModel:
    name: str
    layer: str
    path: Path
    depends_on: tuple[str, ...]

    @property
    def materialization(self) -> str:
        return "view" if self.layer == "staging" else "table"


def referenced_models(sql: str) -> set[str]:
    """The model names (by their prefixes) a SQL text reads, outside comments and literals."""
    code = _NOT_CODE.sub(" ", sql)
    return {name.lower() for name in _MODEL_NAME.findall(code)}


def _layer_of(name: str) -> str | None:
    return next((layer for p, layer in _LAYER_OF_PREFIX.items() if name.startswith(p)), None)


def discover_models(sql_dir: Path) -> dict[str, SqlModel]:
    """Every model file under sql_dir's layer folders, with the models it references."""
    models: dict[str, SqlModel] = {}
    for layer in LAYERS:
        for path in sorted((sql_dir / layer).glob("*.sql")):
            name = path.stem
            named_layer = _layer_of(name)
            if named_layer is None:
                continue
            if named_layer != layer:
                prefix = name.split("_")[0]
                raise ModelGraphError(
                    f"{shown_path(path)}: a {prefix}_ model belongs in sql/{named_layer}/"
                )
            refs = referenced_models(path.read_text(encoding="utf-8")) - {name}
            models[name] = SqlModel(name, layer, path, tuple(sorted(refs)))
    return models


def _check_references(models: dict[str, SqlModel], external: dict[str, str]) -> None:
    layers = {name: m.layer for name, m in models.items()} | external
    problems = []
    for model in models.values():
        for ref in model.depends_on:
            if ref not in layers:
                problems.append(
                    f"{shown_path(model.path)} reads {ref}, which no file in sql/ defines"
                )
            elif layers[ref] not in READS[model.layer]:
                allowed = " or ".join(READS[model.layer]) or "raw tables"
                problems.append(
                    f"{shown_path(model.path)} reads {ref} ({layers[ref]}): "
                    f"{model.layer} read {allowed} only"
                )
    if problems:
        raise ModelGraphError("; ".join(problems))


def build_order(models: dict[str, SqlModel], external: dict[str, str]) -> list[SqlModel]:
    """The models in an order where each comes after everything it reads.

    `external` maps the tables built outside sql/ (name -> layer) that models may read."""
    _check_references(models, external)
    graph = TopologicalSorter(
        {name: [r for r in m.depends_on if r in models] for name, m in models.items()}
    )
    try:
        graph.prepare()
    except CycleError as err:
        cycle = " -> ".join(shown_path(models[name].path) for name in err.args[1])
        raise ModelGraphError(f"the SQL models read each other in a cycle: {cycle}") from None
    order: list[SqlModel] = []
    ready: list[tuple[int, str]] = []  # the next model is the first ready one by layer, name
    while graph.is_active():
        for name in graph.get_ready():
            heapq.heappush(ready, (LAYERS.index(models[name].layer), name))
        _, name = heapq.heappop(ready)
        order.append(models[name])
        graph.done(name)
    return order


def shown_path(path: Path) -> str:
    """sql/<layer>/<file>, the way a reader finds it in the tree."""
    return "/".join(path.parts[-3:])

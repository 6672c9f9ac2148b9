"""Tables in a card as rows of cell text: Markdown pipe tables and HTML `<table>`s.

Only the markup is read here (rows, cells, spans, line numbers); `tables` decides which tables
hold footprint figures and what the cells mean.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any


@dataclass(slots=True)
class Table:
    """A table's header and rows as cell text, with the card lines they came from."""

    header: list[str]
    rows: list[tuple[int, list[str]]]  # (1-based line, cells)
    start_line: int
    end_line: int
    name: str = ""
    # (row index, column) -> 1-based line of the cell; HTML cells sit on their own lines.
    cell_lines: dict[tuple[int, int], int] = dataclasses.field(default_factory=dict)


def _split_pipe_row(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    cells = _PIPE.split(s) if "\\" in s else s.split("|")  # an escaped \| is not a cell border
    return [c.strip() for c in cells]


_PIPE = re.compile(r"(?<!\\)\|")


# Matched against the row with all whitespace removed (no backtracking over long blank runs).
_SEP_ROW = re.compile(r"\|?(?::?-{2,}:?\|)*:?-{2,}:?\|?")


def _is_sep_row(line: str) -> bool:
    return len(line) < 5000 and bool(_SEP_ROW.fullmatch("".join(line.split())))


def find_pipe_tables(lines: list[str], skip: set[int]) -> list[Table]:
    """Markdown pipe tables (a header row, a separator row, body rows); `skip` lines excluded."""
    tables: list[Table] = []
    i = 0
    n = len(lines)
    while i < n - 1:
        if (i + 1) not in skip and lines[i].lstrip().startswith("|") and _is_sep_row(lines[i + 1]):
            header = _split_pipe_row(lines[i])
            rows: list[tuple[int, list[str]]] = []
            j = i + 2
            while j < n and lines[j].lstrip().startswith("|"):
                rows.append((j + 1, _split_pipe_row(lines[j])))
                j += 1
            tables.append(Table(header, rows, i + 1, j))
            i = j
        else:
            i += 1
    return tables


class _HTMLTables(HTMLParser):
    """Collects <table> rows and cell text with line numbers; honours colspan/rowspan."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._stack: list[dict[str, Any]] = []  # nested tables
        self._cell: list[str] | None = None
        self._cell_span = (1, 1)
        self._cell_line = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag == "table":
            self._close_cell()  # a table nested in an open cell: the cell text ends here
            self._stack.append({"rows": [], "start": line, "row": None, "pending": {}})
        elif not self._stack:
            return
        elif tag == "tr":
            self._close_row()
            self._stack[-1]["row"] = (line, [])
        elif tag in ("td", "th"):
            self._close_cell()
            if self._stack[-1]["row"] is None:
                self._stack[-1]["row"] = (line, [])
            a = dict(attrs)
            self._cell = []
            self._cell_line = line
            self._cell_span = (_span(a.get("colspan")), _span(a.get("rowspan")))
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if not self._stack:
            return
        if tag in ("td", "th"):
            self._close_cell()
        elif tag == "tr":
            self._close_row()
        elif tag == "table":
            self._close_row()
            t = self._stack.pop()
            rows = t["rows"]
            if rows:
                header = rows[0][1]
                per_row = t.get("row_cell_lines", [])[1:]
                cell_lines = {
                    (r, c): ln for r, cols in enumerate(per_row) for c, ln in cols.items()
                }
                self.tables.append(
                    Table(header, rows[1:], t["start"], self.getpos()[0], "", cell_lines)
                )

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def _close_cell(self) -> None:
        if self._cell is None or not self._stack:
            self._cell = None
            return
        t = self._stack[-1]
        text = re.sub(r"\s+", " ", "".join(self._cell)).strip()
        colspan, rowspan = self._cell_span
        if t["row"] is None:
            t["row"] = (self._cell_line, [])
        row = t["row"][1]
        lines_of: dict[int, int] = t.setdefault("cell_lines", {})
        pending: dict[int, tuple[str, int]] = t["pending"]
        col = len(row)
        for _ in range(colspan):
            while col in pending:  # cells carried down by an earlier rowspan
                row.append(pending[col][0])
                col += 1
            lines_of[len(row)] = self._cell_line
            row.append(text)
            if rowspan > 1:
                pending[col] = (text, rowspan)
            col += 1
        self._cell = None

    def _close_row(self) -> None:
        self._close_cell()
        if not self._stack:
            return
        t = self._stack[-1]
        if t["row"] is None:
            return
        line, row = t["row"]
        pending: dict[int, tuple[str, int]] = t["pending"]
        col = len(row)
        while col in pending:
            row.append(pending[col][0])
            col += 1
        # Age the rowspans: a span registered in this row is consumed by the rows below it.
        for c, (txt, left) in list(pending.items()):
            if left <= 1:
                del pending[c]
            else:
                pending[c] = (txt, left - 1)
        t["rows"].append((line, row))
        t.setdefault("row_cell_lines", []).append(t.pop("cell_lines", {}))
        t["row"] = None


def _span(v: str | None) -> int:
    try:
        return max(1, min(int(v or 1), 50))
    except ValueError:
        return 1


def find_html_tables(text: str) -> list[Table]:
    """HTML `<table>`s, spans expanded; malformed markup keeps the tables read so far."""
    if "<table" not in text.lower():
        return []
    p = _HTMLTables()
    try:
        p.feed(text)
        p.close()
    except (AssertionError, ValueError, IndexError):  # malformed markup: keep what was read
        pass
    return p.tables

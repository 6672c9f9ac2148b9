// The report's script (inlined by tasks/outputs/report.py): pages, filters and sorts the
// leaderboard, pages and filters the audit and the other report tables, from the rows in
// #report-data, and draws the charts as SVG.
// The first page of each table is already in the HTML; the cells built here use the same
// markup as report.py's _cell and _audit_cell (tests/outputs/test_report_browser.py compares
// them) and show each number as report.py's fmt wrote it in the data; this script's own fmt
// only labels the charts.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var strings = data.strings;
  var urlPattern = new RegExp(data.urlPattern, "g");

  // ---- cells -----------------------------------------------------------------------------
  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#x27;"}[c];
    });
  }

  function groupThousands(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  // Three significant figures, trailing zeros dropped, exponent when small (chart labels).
  function g3(v) {
    var exp = Number(v.toExponential(2).split("e")[1]);
    if (exp < -4 || exp >= 3) {
      var parts = v.toExponential(2).split("e");
      var mantissa = parts[0].replace(/\.?0+$/, "");
      var e = Number(parts[1]);
      return mantissa + "e" + (e < 0 ? "-" : "+") + (Math.abs(e) < 10 ? "0" : "") + Math.abs(e);
    }
    var fixed = v.toPrecision(3);
    return fixed.indexOf(".") === -1 ? fixed : fixed.replace(/\.?0+$/, "");
  }

  function fmt(v) {
    if (v === null || v === undefined) { return ""; }
    if (typeof v === "boolean") { return v ? "yes" : "no"; }
    if (typeof v !== "number") { return String(v); }
    if (v === 0) { return "0"; }
    if (Math.abs(v) >= 100) {
      var rounded = Math.round(Math.abs(v));
      return (v < 0 ? "-" : "") + groupThousands(String(rounded));
    }
    return g3(v);
  }

  function shortUrl(url) {
    var bare = url.replace(/^https?:\/\/(www\.)?/, "");
    return bare.length <= 70 ? bare : bare.slice(0, 69) + "…";
  }

  function link(url) {
    return "<a href=\"" + esc(url) + "\" rel=\"noopener noreferrer\">" + esc(shortUrl(url)) +
      "</a>";
  }

  function linkify(text) {
    if (!text) { return ""; }
    var out = "", pos = 0, m;
    urlPattern.lastIndex = 0;
    while ((m = urlPattern.exec(text)) !== null) {
      out += esc(text.slice(pos, m.index)) + link(m[0]);
      pos = m.index + m[0].length;
    }
    return out + esc(text.slice(pos));
  }

  function sourceUrls(text) {
    var seen = [];
    (text || "").split(" ; ").forEach(function (part) {
      (part.match(urlPattern) || []).forEach(function (u) {
        if (seen.indexOf(u) === -1) { seen.push(u); }
      });
    });
    return seen;
  }

  // ---- the packed tables -----------------------------------------------------------------
  // A row: its values (texts, numbers, nulls), and as `shown` each number's text.
  function unpack(table) {
    var index = {};
    table.fields.forEach(function (f, i) { index[f] = i; });
    var rows = table.rows.map(function (r) {
      var shown = [];
      var row = r.map(function (v, i) {
        if (Array.isArray(v)) { shown[i] = strings[v[1]]; return v[0]; }
        return table.text[i] && v !== null ? strings[v] : v;
      });
      row.shown = shown;
      return row;
    });
    return {fields: table.fields, text: table.text, index: index, rows: rows};
  }

  var columns = data.columns;  // [field, kind] of the leaderboard's columns, in order
  var board = unpack(data.board);
  var B = board.index;

  function boardCell(row, field, kind, srcId) {
    var v = row[B[field]];
    if (kind === "num") {
      if (v === null) { return "<td class=\"num\" data-v=\"\"></td>"; }
      return "<td class=\"num\" data-v=\"" + String(v) + "\"><a href=\"#" + srcId +
        "\" title=\"sources\">" + esc(row.shown[B[field]]) + "</a></td>";
    }
    if (kind === "rank") { return "<td class=\"num\" data-v=\"" + v + "\">" + v + "</td>"; }
    if (kind === "model") { return "<td class=\"model\"><b>" + esc(v) + "</b></td>"; }
    if (kind === "basis") {
      var b = esc(v || "");
      return "<td><span class=\"badge " + b + "\">" + b + "</span></td>";
    }
    if (kind === "sources") {
      var urls = sourceUrls(v);
      var conflict = row[B.conflicting_fields];
      return "<td class=\"sources\" id=\"" + srcId + "\"><details><summary>" + urls.length +
        " source" + (urls.length !== 1 ? "s" : "") + "</summary><ol>" +
        urls.map(function (u) { return "<li>" + link(u) + "</li>"; }).join("") +
        "</ol><div class=\"muted\">" + linkify(v) + "</div></details>" +
        (conflict ? "<div class=\"muted\">sources disagree on: " + esc(conflict) + "</div>" : "") +
        "</td>";
    }
    return "<td>" + esc(v || "") + "</td>";
  }

  function boardRow(row) {
    var rid = row[B.anchor], srcId = "src-" + rid;
    return "<tr id=\"" + rid + "\" data-basis=\"" + esc(row[B.training_co2e_basis] || "") +
      "\" data-tier=\"" + (row[B.estimation_tier] || "") + "\">" +
      columns.map(function (c) { return boardCell(row, c[0], c[1], srcId); }).join("") + "</tr>";
  }

  // ---- a table shown a page at a time ----------------------------------------------------
  function Pager(opts) {
    var self = this;
    self.rows = opts.rows;
    self.render = opts.render;
    self.tbody = opts.table.tBodies[0];
    self.match = opts.match;
    self.order = null;  // null: the rows' own order (rank); else a compare function
    self.size = data.pageRows;
    self.page = 0;
    self.view = self.rows.slice();
    var bar = opts.pager;
    bar.innerHTML = "<button type=\"button\" data-go=\"first\">« first</button>" +
      "<button type=\"button\" data-go=\"prev\">‹ previous</button>" +
      "<span class=\"pageinfo\"></span>" +
      "<button type=\"button\" data-go=\"next\">next ›</button>" +
      "<button type=\"button\" data-go=\"last\">last »</button>" +
      "<label>rows per page <select>" + [25, 50, 100, 250, 1000].map(function (n) {
        return "<option" + (n === self.size ? " selected" : "") + ">" + n + "</option>";
      }).join("") + "</select></label>";
    self.info = bar.querySelector(".pageinfo");
    self.buttons = bar.querySelectorAll("button");
    self.count = opts.count;
    self.noun = opts.noun;
    bar.addEventListener("click", function (e) {
      var go = e.target.getAttribute && e.target.getAttribute("data-go");
      if (!go) { return; }
      var last = self.pages() - 1;
      self.page = go === "first" ? 0 : go === "last" ? last :
        Math.max(0, Math.min(last, self.page + (go === "next" ? 1 : -1)));
      self.draw();
    });
    bar.querySelector("select").addEventListener("change", function (e) {
      var first = self.page * self.size;
      self.size = Number(e.target.value);
      self.page = Math.floor(first / self.size);
      self.draw();
    });
    self.status();
  }
  Pager.prototype.pages = function () {
    return Math.max(1, Math.ceil(this.view.length / this.size));
  };
  Pager.prototype.refresh = function () {  // the filter or the order changed: back to page 1
    var match = this.match;
    this.view = this.rows.filter(function (r) { return match(r); });
    if (this.order) {
      var order = this.order;
      this.view = this.view.map(function (r, i) { return [r, i]; });
      this.view.sort(function (a, b) { return order(a[0], b[0]) || a[1] - b[1]; });
      this.view = this.view.map(function (p) { return p[0]; });
    }
    this.page = 0;
    this.draw();
  };
  Pager.prototype.draw = function () {
    var start = this.page * this.size;
    this.tbody.innerHTML = this.view.slice(start, start + this.size).map(this.render).join("");
    this.status();
  };
  Pager.prototype.status = function () {
    var n = this.view.length, start = this.page * this.size;
    this.info.textContent = n === 0 ? "no rows" :
      "rows " + (start + 1) + "–" + Math.min(n, start + this.size) + " of " + n.toLocaleString("en-US") +
      " · page " + (this.page + 1) + " of " + this.pages();
    this.buttons[0].disabled = this.buttons[1].disabled = this.page === 0;
    this.buttons[2].disabled = this.buttons[3].disabled = this.page >= this.pages() - 1;
    if (this.count) {
      this.count.textContent = "showing " + n + " of " + this.rows.length + " " + this.noun;
    }
  };
  Pager.prototype.show = function (row) {  // the page holding `row`; false when filtered out
    var i = this.view.indexOf(row);
    if (i === -1) { return false; }
    this.page = Math.floor(i / this.size);
    this.draw();
    return true;
  };

  // ---- the leaderboard -------------------------------------------------------------------
  var table = document.getElementById("board");
  var filter = document.getElementById("filter");
  var basis = document.getElementById("basis");
  var tier = document.getElementById("tier");
  var searchable = ["model", "organization", "gpu", "place", "release_date", "training_co2e_basis"];
  var haystack = board.rows.map(function (r) {
    return searchable.map(function (f) { return r[B[f]] || ""; }).join(" \u0000 ").toLowerCase();
  });
  var rowIndex = new Map(board.rows.map(function (r, i) { return [r, i]; }));
  var words = [];
  var boardPager = new Pager({
    rows: board.rows,
    render: boardRow,
    table: table,
    pager: document.getElementById("board-pager"),
    count: document.getElementById("count"),
    noun: "models",
    match: function (r) {
      var text = haystack[rowIndex.get(r)];
      return words.every(function (w) { return text.indexOf(w) !== -1; }) &&
        (!basis.value || r[B.training_co2e_basis] === basis.value) &&
        (!tier.value || String(r[B.estimation_tier]) === tier.value);
    },
  });

  function applyFilter() {
    words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    boardPager.refresh();
  }
  [filter, basis, tier].forEach(function (el) { el.addEventListener("input", applyFilter); });

  var heads = table.tHead.rows[0].cells;
  function sortBy(col) {
    var th = heads[col], field = columns[col][0];
    var numeric = th.dataset.type === "num";
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    var sign = dir === "ascending" ? 1 : -1, i = B[field];
    boardPager.order = function (a, b) {
      var x = a[i], y = b[i];
      if (!numeric) {
        x = x === null ? "" : String(x).toLowerCase();
        y = y === null ? "" : String(y).toLowerCase();
      }
      // Empty cells last in both directions: 'not known' is not smaller than every number.
      if (x === null || x === "") { return (y === null || y === "") ? 0 : 1; }
      if (y === null || y === "") { return -1; }
      return x < y ? -sign : x > y ? sign : 0;
    };
    boardPager.refresh();
  }
  Array.prototype.forEach.call(heads, function (th, i) {
    th.classList.add("sortable");
    th.tabIndex = 0;
    th.addEventListener("click", function () { sortBy(i); });
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sortBy(i); } });
  });

  var byAnchor = new Map(board.rows.map(function (r) { return [r[B.anchor], r]; }));
  function showModel(anchor) {
    var row = byAnchor.get(anchor);
    if (!row) { return; }
    if (!boardPager.show(row)) {
      filter.value = ""; basis.value = ""; tier.value = "";
      words = [];
      boardPager.refresh();
      boardPager.show(row);
    }
    var tr = document.getElementById(anchor);
    tr.scrollIntoView({block: "center"});
    tr.classList.add("flash");
    setTimeout(function () { tr.classList.remove("flash"); }, 2500);
  }
  function followHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (byAnchor.has(id)) { showModel(id); }
  }
  window.addEventListener("hashchange", followHash);
  followHash();

  // ---- the audit, the models that cannot be estimated, the scorecard ----------------------
  // Each in data.tables by its section's id: `<id>-table`, `-filter`, `-count`, `-pager`.
  function pagedTable(id, packed) {
    var tableEl = document.getElementById(id + "-table");
    if (!tableEl) { return; }
    var t = unpack(packed);
    var render = function (r) {
      return "<tr>" + r.map(function (v, i) {
        if (r.shown[i] !== undefined) { return "<td class=\"num\">" + esc(r.shown[i]) + "</td>"; }
        return "<td>" + linkify(v === null ? "" : fmt(v)) + "</td>";
      }).join("") + "</tr>";
    };
    var text = t.rows.map(function (r) {
      return r.map(function (v) { return v === null ? "" : String(v); }).join(" \u0000 ")
        .toLowerCase();
    });
    var index = new Map(t.rows.map(function (r, i) { return [r, i]; }));
    var input = document.getElementById(id + "-filter");
    var words = [];
    var pager = new Pager({
      rows: t.rows,
      render: render,
      table: tableEl,
      pager: document.getElementById(id + "-pager"),
      count: document.getElementById(id + "-count"),
      noun: packed.noun,
      match: function (r) {
        var haystack = text[index.get(r)];
        return words.every(function (w) { return haystack.indexOf(w) !== -1; });
      },
    });
    input.addEventListener("input", function () {
      words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      pager.refresh();
    });
  }
  Object.keys(data.tables).forEach(function (id) { pagedTable(id, data.tables[id]); });

  // The tables work from here on; the charts are drawn next, after the browser has painted.
  document.documentElement.setAttribute("data-table-ready", String(Math.round(performance.now())));

  // ---- the charts: SVG drawn from the same rows ------------------------------------------
  var NS = "http://www.w3.org/2000/svg";
  var COLOURS = {training: "#1a5fb4", development: "#62a0ea", embodied: "#c64600",
    disclosed: "#1e8e3e", estimated: "#e8a000"};
  var PARTS = ["training", "development", "embodied"];

  function el(tag, attrs, parent, text) {
    var e = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function linked(parent, row, tip) {  // a mark that finds its model in the table
    var id = row[B.anchor];
    var a = el("a", {href: "#" + id}, parent);
    el("title", {}, a, tip);
    a.addEventListener("click", function (e) {  // a second click on the same mark works too
      e.preventDefault();
      history.replaceState(null, "", "#" + id);
      showModel(id);
    });
    return a;
  }
  function canvas(id, height) {
    var box = document.getElementById(id);
    box.textContent = "";
    var width = Math.max(box.clientWidth || 0, 480);
    return {box: box, width: width, height: height,
      svg: el("svg", {viewBox: "0 0 " + width + " " + height, width: width, height: height}, box)};
  }
  function shorten(name) { return name.length <= 28 ? name : name.slice(0, 27) + "…"; }

  // A scale from data to pixels: linear from 0, or logarithmic over whole powers of ten.
  function scale(lo, hi, log, from, to) {
    var ticks = [];
    if (log) {
      var a = Math.floor(Math.log10(lo)), b = Math.max(Math.ceil(Math.log10(hi)), a + 1);
      var every = Math.max(1, Math.ceil((b - a) / 8));
      for (var e = a; e <= b; e += every) { ticks.push(Math.pow(10, e)); }
      lo = Math.pow(10, a); hi = Math.pow(10, b);
      return {ticks: ticks, lo: lo, map: function (v) {
        return from + (Math.log10(Math.max(v, lo)) - a) / (b - a) * (to - from);
      }};
    }
    var step = Math.pow(10, Math.floor(Math.log10((hi || 1) / 5)));
    [1, 2, 2.5, 5, 10].some(function (k) {
      if (hi / (step * k) <= 6) { step *= k; return true; }
      return false;
    });
    for (var t = 0; ; t += step) {  // up to the first tick at or above the largest value
      ticks.push(t);
      if (t >= hi) { break; }
    }
    var top = ticks[ticks.length - 1] || 1;
    return {ticks: ticks, lo: 0, map: function (v) { return from + v / top * (to - from); }};
  }
  function gridY(svg, sc, x0, x1, label) {
    var g = el("g", {"class": "axis y"}, svg);
    sc.ticks.forEach(function (t) {
      var y = sc.map(t);
      el("line", {x1: x0, x2: x1, y1: y, y2: y, stroke: "#eee"}, g);
      el("text", {x: x0 - 6, y: y + 4, "text-anchor": "end", fill: "#555"}, g, fmt(t));
    });
    var mid = (sc.map(sc.ticks[0]) + sc.map(sc.ticks[sc.ticks.length - 1])) / 2;
    el("text", {transform: "translate(14," + mid + ") rotate(-90)", "text-anchor": "middle",
      fill: "#333"}, g, label);
  }
  function legend(svg, x, y, items) {
    var g = el("g", {"class": "legend"}, svg);
    items.forEach(function (it) {
      el("rect", {x: x, y: y - 9, width: 12, height: 12, fill: it[1]}, g);
      var t = el("text", {x: x + 16, y: y + 1, fill: "#333"}, g, it[0]);
      x += 28 + (t.getComputedTextLength ? t.getComputedTextLength() : it[0].length * 7);
    });
  }
  function value(row, field) { return row[B[field]] || 0; }

  var topn = document.getElementById("topn");
  var logy = document.getElementById("logy");

  function drawCarbon() {
    var n = topn.value === "all" ? board.rows.length :
      Math.min(Number(topn.value), board.rows.length);
    var rows = board.rows.slice(0, n);  // rank order: the largest total first
    var c = canvas("chart-carbon", 560), m = {l: 78, r: 16, t: 34, b: 170};
    var log = logy.checked;
    var highs = rows.map(function (r) { return value(r, "total_co2e_t_high") || value(r, "total_co2e_t"); });
    var positives = [];
    rows.forEach(function (r) {
      PARTS.concat(["total_co2e_t_low"]).forEach(function (f) {
        var key = f === "total_co2e_t_low" ? f : f + "_co2e_t";
        if (value(r, key) > 0) { positives.push(value(r, key)); }
      });
    });
    var sy = scale(log ? Math.min.apply(null, positives.concat([1])) : 0,
      Math.max.apply(null, highs.concat([1])), log, c.height - m.b, m.t);
    gridY(c.svg, sy, m.l, c.width - m.r, "t CO2e");
    var band = (c.width - m.l - m.r) / Math.max(n, 1), w = Math.max(band * 0.8, 0.5);
    var series = {};
    PARTS.forEach(function (p) {
      series[p] = el("g", {"class": "series " + p, fill: COLOURS[p]}, c.svg);
    });
    var whiskers = el("g", {"class": "whiskers", stroke: "#444", fill: "#1d1d1f"}, c.svg);
    var labels = el("g", {"class": "axis x", fill: "#333"}, c.svg);
    rows.forEach(function (r, i) {
      var x = m.l + i * band + (band - w) / 2, cx = x + w / 2, base = sy.lo;
      var name = r[B.model];
      PARTS.forEach(function (p) {
        var v = value(r, p + "_co2e_t");
        if (v <= 0) { return; }
        var y0 = sy.map(base), y1 = sy.map(base + v);
        base += v;
        el("rect", {x: x, y: y1, width: w, height: Math.max(y0 - y1, 0)},
          linked(series[p], r, name + "\n" + p + ": " + fmt(v) + " t CO2e"));
      });
      var total = value(r, "total_co2e_t");
      var low = r[B.total_co2e_t_low] === null ? total : r[B.total_co2e_t_low];
      var high = r[B.total_co2e_t_high] === null ? total : r[B.total_co2e_t_high];
      var g = linked(whiskers, r, name + "\ntotal: " + fmt(total) + " t CO2e (range " +
        fmt(low) + "–" + fmt(high) + ")");
      el("line", {"class": "whisker", x1: cx, x2: cx, y1: sy.map(low), y2: sy.map(high)}, g);
      var cap = Math.min(w / 2, 4);
      [low, high].forEach(function (v) {
        el("line", {x1: cx - cap, x2: cx + cap, y1: sy.map(v), y2: sy.map(v)}, g);
      });
      el("circle", {cx: cx, cy: sy.map(total), r: 2}, g);
      if (n <= 100) {
        var ty = c.height - m.b + 8;
        el("text", {x: cx, y: ty, "text-anchor": "end", "font-size": 10,
          transform: "rotate(-50 " + cx + " " + ty + ")"}, labels, shorten(name));
      }
    });
    legend(c.svg, m.l, 16, [["training", COLOURS.training], ["development", COLOURS.development],
      ["embodied", COLOURS.embodied], ["total, low–high", "#1d1d1f"]]);
    c.box.setAttribute("data-models", String(n));
  }

  function drawEnergy() {
    var c = canvas("chart-energy", 480), m = {l: 78, r: 16, t: 34, b: 44};
    var points = board.rows.filter(function (r) {
      return value(r, "training_energy_mwh") > 0 && r[B.release_date];
    });
    if (!points.length) { return; }
    var times = points.map(function (r) { return Date.parse(r[B.release_date]); });
    var t0 = new Date(Math.min.apply(null, times)).getUTCFullYear();
    var t1 = new Date(Math.max.apply(null, times)).getUTCFullYear() + 1;
    var x0 = Date.UTC(t0, 0, 1), x1 = Date.UTC(t1, 0, 1);
    var sx = function (t) { return m.l + (t - x0) / (x1 - x0) * (c.width - m.l - m.r); };
    var energies = points.map(function (r) { return value(r, "training_energy_mwh"); });
    var sy = scale(Math.min.apply(null, energies), Math.max.apply(null, energies), true,
      c.height - m.b, m.t);
    gridY(c.svg, sy, m.l, c.width - m.r, "training energy, MWh (log)");
    var ax = el("g", {"class": "axis x", fill: "#555"}, c.svg);
    var every = Math.max(1, Math.ceil((t1 - t0) / 10));
    for (var y = t0; y <= t1; y += every) {
      el("text", {x: sx(Date.UTC(y, 0, 1)), y: c.height - m.b + 16, "text-anchor": "middle"},
        ax, String(y));
    }
    var counts = {};
    ["estimated", "disclosed"].forEach(function (b) {  // disclosed drawn last, on top
      var g = el("g", {"class": "series " + b, fill: COLOURS[b], "fill-opacity": 0.85}, c.svg);
      var mine = points.filter(function (r) { return r[B.training_co2e_basis] === b; });
      counts[b] = mine.length;
      mine.forEach(function (r) {
        el("circle", {cx: sx(Date.parse(r[B.release_date])),
          cy: sy.map(value(r, "training_energy_mwh")), r: b === "disclosed" ? 3.5 : 2.5},
        linked(g, r, r[B.model] + " (tier " + r[B.estimation_tier] + ")\n" +
          r[B.release_date] + "\n" + fmt(value(r, "training_energy_mwh")) + " MWh"));
      });
    });
    legend(c.svg, m.l, 16, [["emissions disclosed (" + counts.disclosed + ")", COLOURS.disclosed],
      ["emissions estimated (" + counts.estimated + ")", COLOURS.estimated]]);
  }

  function drawWater() {
    var top = board.rows.filter(function (r) { return value(r, "total_water_kl") > 0; })
      .sort(function (a, b) { return value(b, "total_water_kl") - value(a, "total_water_kl"); })
      .slice(0, data.waterTop);
    var c = canvas("chart-water", Math.max(480, 22 * top.length + 90));
    var m = {l: 190, r: 32, t: 34, b: 44};  // room for the last tick label
    if (!top.length) { return; }
    var sx = scale(0, value(top[0], "total_water_kl"), false, m.l, c.width - m.r);
    var ax = el("g", {"class": "axis x", fill: "#555"}, c.svg);
    sx.ticks.forEach(function (t) {
      el("line", {x1: sx.map(t), x2: sx.map(t), y1: m.t, y2: c.height - m.b, stroke: "#eee"}, ax);
      el("text", {x: sx.map(t), y: c.height - m.b + 16, "text-anchor": "middle"}, ax, fmt(t));
    });
    el("text", {x: (m.l + c.width) / 2, y: c.height - 8, "text-anchor": "middle"}, ax, "kL");
    var band = (c.height - m.t - m.b) / top.length, h = band * 0.75;
    var series = {};
    PARTS.forEach(function (p) {
      series[p] = el("g", {"class": "series " + p, fill: COLOURS[p]}, c.svg);
    });
    var names = el("g", {"class": "axis y", fill: "#333"}, c.svg);
    top.forEach(function (r, i) {
      var y = m.t + i * band + (band - h) / 2, base = 0;
      PARTS.forEach(function (p) {
        var v = value(r, p + "_water_kl");
        if (v <= 0) { return; }
        el("rect", {x: sx.map(base), y: y, width: Math.max(sx.map(base + v) - sx.map(base), 0),
          height: h}, linked(series[p], r, r[B.model] + "\n" + p + ": " + fmt(v) + " kL"));
        base += v;
      });
      el("text", {x: m.l - 6, y: y + h / 2 + 4, "text-anchor": "end"}, names, shorten(r[B.model]));
    });
    legend(c.svg, m.l, 16, PARTS.map(function (p) { return [p, COLOURS[p]]; }));
  }

  function drawCharts() { drawCarbon(); drawEnergy(); drawWater(); }
  topn.addEventListener("change", drawCarbon);
  logy.addEventListener("change", drawCarbon);
  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(drawCharts, 200);
  });
  setTimeout(function () {
    drawCharts();
    document.documentElement.setAttribute("data-charts-ready",
      String(Math.round(performance.now())));
  }, 0);
})();

#!/usr/bin/env python3
"""Draw a benchmark run (bench-results.json, written by run.py) as an SVG.

    python3 bench/chart.py build-bench/bench-results.json OUT.svg

Two panels, one row of bars per workload, one bar per backend:
  - generated API / hand-written C: the time ratio (1.0: as fast as the
    hand-written program; lower is better), with each workload's bound
    drawn where one is judged;
  - generated API against SQLAlchemy: how many times faster than Core and
    than the ORM (a log scale), when the run had SQLAlchemy.
run.py calls it after every run, so the chart sits next to the JSON. Plain
SVG written by hand: no plotting library to install.
"""
import json
import os
import math
import sys
from xml.sax.saxutils import escape

BACKENDS = [("sqlite", "SQLite", "#3b7dd8"),
            ("pg", "PostgreSQL", "#d8843b"),
            ("pg-pinned", "PostgreSQL, pinned", "#4a9c5d")]
SQLA = [("core", "Core", "#8e6bbf"), ("orm", "ORM", "#c45b8a")]

FONT = "font-family='DejaVu Sans, Arial, sans-serif'"
LABEL_W = 250      # workload names
PLOT_W = 330       # each panel's plotting width
GAP = 60           # between the panels
BAR_H = 7
TOP = 92


def text(x, y, s, size=11, anchor="start", weight="normal", fill="#222"):
    return ("<text x='%.1f' y='%.1f' %s font-size='%d' text-anchor='%s' "
            "font-weight='%s' fill='%s'>%s</text>" %
            (x, y, FONT, size, anchor, weight, fill, escape(s)))


def rect(x, y, w, h, fill, title=None):
    t = "<title>%s</title>" % escape(title) if title else ""
    return ("<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'>"
            "%s</rect>" % (x, y, max(w, 0.5), h, fill, t))


def line(x1, y1, x2, y2, stroke="#999", dash=None, width=1):
    d = " stroke-dasharray='%s'" % dash if dash else ""
    return ("<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='%s' "
            "stroke-width='%s'%s/>" % (x1, y1, x2, y2, stroke, width, d))


def workloads(rows):
    """The workloads in the run's order, each with its title and rows by
    backend."""
    out, seen = [], {}
    for r in rows:
        if r["workload"] not in seen:
            seen[r["workload"]] = {"name": r["workload"],
                                   "title": r["title"], "by": {}}
            out.append(seen[r["workload"]])
        seen[r["workload"]]["by"][r["backend"]] = r
    return out


def ratio_panel(ws, x0, row_h):
    """generated / raw C time ratios, on a linear scale from 0."""
    top = max([1.3] + [r.get("gen_raw_time_ratio") or 0
                       for w in ws for r in w["by"].values()])
    top = math.ceil(top * 5) / 5
    sx = PLOT_W / top
    out = [text(x0, TOP - 38, "generated API / hand-written C", 13,
                weight="bold"),
           text(x0, TOP - 22, "time ratio: 1.0 is as fast as hand-written "
                "C; lower is better", 10, fill="#555")]
    bottom = TOP + row_h * len(ws)
    for i in range(int(top / 0.2) + 1):
        v = i * 0.2
        x = x0 + v * sx
        out.append(line(x, TOP - 4, x, bottom, "#e4e4e4"))
        out.append(text(x, bottom + 14, "%.1f" % v, 9, "middle", fill="#555"))
    out.append(line(x0 + sx, TOP - 4, x0 + sx, bottom, "#333", width=1.2))
    for k, w in enumerate(ws):
        y = TOP + k * row_h
        bound = None
        for j, (key, name, color) in enumerate(BACKENDS):
            r = w["by"].get(key)
            v = r and r.get("gen_raw_time_ratio")
            if v is None:
                continue
            yy = y + 3 + j * (BAR_H + 1)
            out.append(rect(x0, yy, v * sx, BAR_H, color,
                            "%s %s: %.3f" % (w["name"], name, v)))
            out.append(text(x0 + v * sx + 3, yy + BAR_H - 0.5, "%.2f" % v, 8,
                            fill="#333"))
            if r.get("target") is not None:
                bound = r["target"]
        if bound is not None:
            x = x0 + bound * sx
            out.append(line(x, y + 1, x, y + row_h - 3, "#c0392b", "3,2",
                            1.5))
    return out


def sqla_panel(ws, x0, row_h, have):
    """How many times faster than SQLAlchemy Core and ORM (log scale)."""
    out = [text(x0, TOP - 38, "generated API against SQLAlchemy", 13,
                weight="bold"),
           text(x0, TOP - 22, "times faster than Core and the ORM "
                "(log scale; higher is better)", 10, fill="#555")]
    bottom = TOP + row_h * len(ws)
    if not have:
        out.append(text(x0, TOP + 20, "SQLAlchemy was off in this run "
                        "(BENCH_ARGS='--sqla 0')", 11, fill="#777"))
        return out
    speedups = [1 / r["gen_%s_time_ratio" % k] for w in ws
                for r in w["by"].values() for k, _, _ in SQLA
                if r.get("gen_%s_time_ratio" % k)]
    decades = max(1, math.ceil(math.log10(max(speedups + [10]))))
    sx = PLOT_W / decades
    for d in range(decades + 1):
        x = x0 + d * sx
        out.append(line(x, TOP - 4, x, bottom, "#e4e4e4" if d else "#333"))
        out.append(text(x, bottom + 14, "%gx" % (10 ** d), 9, "middle",
                        fill="#555"))
    for k, w in enumerate(ws):
        y = TOP + k * row_h
        j = 0
        for key, bname, _ in BACKENDS:
            r = w["by"].get(key)
            for impl, iname, color in SQLA:
                v = r and r.get("gen_%s_time_ratio" % impl)
                if not v:
                    continue
                s = 1 / v
                yy = y + 3 + j * (BAR_H + 1)
                j += 1
                width = max(0.0, math.log10(s)) * sx
                out.append(rect(x0, yy, width, BAR_H, color,
                                "%s %s, %s: %.1fx" % (w["name"], bname,
                                                      iname, s)))
                out.append(text(x0 + width + 3, yy + BAR_H - 0.5,
                                "%.1fx %s" % (s, bname), 8, fill="#333"))
    return out


def draw(rep):
    ws = workloads(rep["rows"])
    have_sqla = any(r.get("gen_core_time_ratio") or r.get("gen_orm_time_ratio")
                    for r in rep["rows"])
    per_row = 3
    if have_sqla:
        per_row = max(per_row, max(
            sum(1 for r in w["by"].values() for k, _, _ in SQLA
                if r.get("gen_%s_time_ratio" % k)) for w in ws))
    row_h = per_row * (BAR_H + 1) + 8
    width = LABEL_W + 2 * PLOT_W + GAP + 60
    height = TOP + row_h * len(ws) + 70
    m = rep.get("machine", {})
    head = ("ormc benchmarks, commit %s, %s: N=%s, K=%s, %s repetitions; "
            "%s CPUs (%s); SQLAlchemy %s" % (
                rep.get("commit", "?"), rep.get("date", "?"), rep.get("n"),
                rep.get("k"), rep.get("reps"), m.get("nproc", "?"),
                m.get("cpu", "?"), rep.get("sqlalchemy") or "off"))
    out = ["<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
           "viewBox='0 0 %d %d'>" % (width, height, width, height),
           rect(0, 0, width, height, "#ffffff"),
           text(12, 22, head, 11, weight="bold")]
    lx = 12
    for key, name, color in BACKENDS + (SQLA if have_sqla else []):
        out.append(rect(lx, 32, 10, 10, color))
        label = name if key in dict((b[0], 1) for b in BACKENDS) else \
            "SQLAlchemy " + name
        out.append(text(lx + 14, 41, label, 10))
        lx += 22 + 6.2 * len(label)
    out.append(line(lx + 4, 37, lx + 24, 37, "#c0392b", "3,2", 1.5))
    out.append(text(lx + 28, 41, "bound (gen/raw)", 10))
    for k, w in enumerate(ws):
        y = TOP + k * row_h
        if k % 2 == 0:
            out.append(rect(0, y, width, row_h, "#f7f7f9"))
        out.append(text(12, y + row_h / 2 + 4,
                        "%s  %s" % (w["name"], w["title"]), 11))
    out += ratio_panel(ws, LABEL_W, row_h)
    out += sqla_panel(ws, LABEL_W + PLOT_W + GAP, row_h, have_sqla)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: chart.py RESULTS.json OUT.svg\n")
        return 2
    with open(argv[1]) as f:
        rep = json.load(f)
    svg = draw(rep)
    tmp = argv[2] + ".tmp"
    with open(tmp, "w") as f:
        f.write(svg)
    os.replace(tmp, argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

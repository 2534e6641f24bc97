#!/usr/bin/env python3
"""bench/chart.py draws a run's JSON: test_chart.py CHART_PY SCRATCH_DIR."""
import json
import os
import subprocess
import sys
import xml.dom.minidom

CHART, SCRATCH = sys.argv[1], sys.argv[2]
failures = 0


def check(cond, what):
    global failures
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures += 1


def row(w, title, backend, ratio, target=None, core=None, orm=None):
    r = {"workload": w, "title": title, "backend": backend,
         "gen_raw_time_ratio": ratio}
    if target is not None:
        r["target"] = target
        r["target_met"] = ratio <= target
    if core is not None:
        r["gen_core_time_ratio"] = core
        r["gen_orm_time_ratio"] = orm
    return r


def draw(rep, name):
    src = os.path.join(SCRATCH, name + ".json")
    out = os.path.join(SCRATCH, name + ".svg")
    with open(src, "w") as f:
        json.dump(rep, f)
    p = subprocess.run([sys.executable, CHART, src, out],
                       capture_output=True, text=True)
    check(p.returncode == 0, name + ": chart.py exits 0 (" + p.stderr + ")")
    with open(out) as f:
        svg = f.read()
    doc = xml.dom.minidom.parseString(svg)
    titles = [t.firstChild.data for t in doc.getElementsByTagName("title")]
    return svg, titles


base = {"date": "2026-12-06 10:00:00Z", "commit": "abc1234", "n": 1000,
        "k": 200, "reps": 3, "machine": {"nproc": 2, "cpu": "TEST CPU"}}

rep = dict(base, sqlalchemy="1.4.46", rows=[
    row("W1", "insert one at a time", "sqlite", 1.042, 1.10, 0.25, 0.08),
    row("W1", "insert one at a time", "pg", 0.987, None, 0.5, 0.125),
    row("W1", "insert one at a time", "pg-pinned", 1.013, 1.10),
    row("W6", "bulk insert", "sqlite", 1.21, 1.25, 0.1, 0.02),
])
svg, titles = draw(rep, "with_sqla")
check("W1 SQLite: 1.042" in titles, "a bar per gen/raw ratio, with its value")
check("W1 PostgreSQL, pinned: 1.013" in titles, "pinned PostgreSQL drawn")
check("W6 SQLite: 1.210" in titles, "every workload drawn")
check("W1 SQLite, Core: 4.0x" in titles and "W1 SQLite, ORM: 12.5x" in titles,
      "SQLAlchemy's bars are how many times faster")
check("W1 PostgreSQL, Core: 2.0x" in titles, "SQLAlchemy on PostgreSQL drawn")
check(svg.count("stroke='#c0392b'") == 3, "a bound per judged workload, "
      "and its legend")
check("commit abc1234" in svg and "N=1000, K=200" in svg,
      "the header names the commit and the sizes")
check("SQLAlchemy was off" not in svg, "no note when SQLAlchemy ran")

rep = dict(base, sqlalchemy=None, rows=[
    row("W3", "get by primary key", "sqlite", 1.06, 1.10),
    {"workload": "W9n", "title": "N+1 loop", "backend": "sqlite"},
])
svg, titles = draw(rep, "without_sqla")
check("W3 SQLite: 1.060" in titles, "the C-only run's bar")
check("SQLAlchemy was off in this run" in svg, "the note that it was off")
check("W9n" in svg, "a workload without a ratio still has its row")

p = subprocess.run([sys.executable, CHART], capture_output=True, text=True)
check(p.returncode == 2 and "usage" in p.stderr, "usage error: exit 2")

print("%d failure(s)" % failures)
sys.exit(1 if failures else 0)

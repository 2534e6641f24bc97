#!/usr/bin/env python3
"""bench/sqla_bench.py: the workloads of bench_gen.c through SQLAlchemy.

    sqla_bench.py --mode core|orm --backend sqlite|postgres --url URL
                  --ddl FILE [--n N] [--k K] [--reps R] [--workloads W1,...]

Written for SQLAlchemy 1.4 (Debian 12's), in its 2.0 style (future=True).
Core runs compiled (cached) statements on a Connection; the ORM maps class
Bot to the same table and works through a Session, as an application would.
Same data, key sequences and result lines as the C programs (bench/common.h);
docs/benchmarks.md describes each workload.
"""
import argparse
import datetime
import sys
import time

from sqlalchemy import (Boolean, Column, DateTime, BigInteger, MetaData,
                        String, Table, bindparam, create_engine, event,
                        insert, select, update)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, registry
from sqlalchemy.pool import QueuePool

BASE = datetime.datetime(2024, 1, 1)
EPOCH = datetime.datetime(1970, 1, 1)
US = datetime.timedelta(microseconds=1)
SCOPES = ("chat:write,commands,channels:read,groups:read,im:read,mpim:read,"
          "users:read,team:read")

metadata = MetaData()
bots = Table(
    "slack_bots", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("is_enterprise_install", Boolean, nullable=False, default=False),
    Column("installed_at", DateTime, nullable=False),
)
NON_KEY = [c.name for c in bots.columns if c.name != "id"]

mapper_registry = registry()


class Bot:
    pass


mapper_registry.map_imperatively(Bot, bots)


def teams(n):
    return max(n // 10, 1)


def row(i, n):
    """Row i (its id is i) of a table of n rows; keep in sync with
    bench_make_row() in bench/common.h."""
    t = teams(n)
    team = i % t
    ent = (i // t) % 5 == 4
    return {
        "client_id": "C%03d" % (team % 10),
        "app_id": "A%07d" % (i % 1000),
        "enterprise_id": "E%05d" % (i % 100) if ent else None,
        "enterprise_name": "Enterprise %d" % (i % 100) if ent else None,
        "team_id": "T%06d" % team,
        "team_name": "Team number %d" % team,
        "bot_token": "xoxb-%012d-%012d" % (i, (i * 7) % 1000003),
        "bot_id": "B%09d" % i,
        "bot_user_id": "U%09d" % i,
        "bot_scopes": SCOPES,
        "bot_refresh_token": "xoxe-1-%016d" % i if i % 3 == 0 else None,
        "bot_token_expires_at": (BASE + datetime.timedelta(seconds=i + 43200)
                                 if i % 2 == 0 else None),
        "is_enterprise_install": ent,
        "installed_at": BASE + datetime.timedelta(seconds=i),
    }


def get_id(k, n):
    return (k * 104729) % n + 1


def latest_key(k, n):
    t = (k * 7919) % teams(n)
    return "C%03d" % (t % 10), "T%06d" % t


def foc_id(k, n):
    return get_id(k, n) if k % 2 == 0 else n + 1 + k


def check(b):
    """The checksum of bench/common.h's row_check()."""
    return (b.id + len(b.team_id) + len(b.bot_token)
            + ((b.installed_at - EPOCH) // US) % 1000003
            + (1 if b.enterprise_id is not None else 0))


def result(w, rep, ops, secs, chk):
    print("RESULT %s %d %d %.6f %d" % (w, rep, ops, secs, chk), flush=True)


def make_engine(args):
    if args.backend == "sqlite":
        # a pool, as SQLAlchemy 2.0 has by default (1.4's NullPool would
        # reopen the file for every transaction of the ORM)
        eng = create_engine("sqlite:///" + args.url, future=True,
                            poolclass=QueuePool)

        @event.listens_for(eng, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
            cur.close()
    else:
        url = args.url.replace("postgresql:", "postgresql+psycopg2:", 1)
        eng = create_engine(url, future=True)
    return eng


def reset(eng, args, ddl):
    raw = eng.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("DROP TABLE IF EXISTS slack_bots")
        if args.backend == "sqlite":
            raw.executescript(ddl)
        else:
            cur.execute("SET client_min_messages = warning")
            cur.execute(ddl)
        cur.close()
        raw.commit()
    finally:
        raw.close()


def analyze(eng):
    with eng.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.exec_driver_sql("ANALYZE")


# --- Core ----------------------------------------------------------------

GET = select(bots).where(bots.c.id == bindparam("b_id"))
LATEST = (select(bots)
          .where(bots.c.client_id == bindparam("b_client"),
                 bots.c.enterprise_id.is_(None),
                 bots.c.team_id == bindparam("b_team"))
          .order_by(bots.c.installed_at.desc()).limit(1))
UPDATE = (update(bots).where(bots.c.id == bindparam("b_id"))
          .values({c: bindparam(c) for c in NON_KEY}))


def core_rep(eng, args, ddl, rows, tokens, foc, rep):
    n, k, w = args.n, args.k, args.workloads
    reset(eng, args, ddl)
    ins = insert(bots)
    t0 = time.perf_counter()
    s = 0
    with eng.begin() as c:
        for r in rows:
            s += c.execute(ins, r).inserted_primary_key[0]
    result("W1", rep, n, time.perf_counter() - t0, s)
    analyze(eng)
    auto = eng.connect().execution_options(isolation_level="AUTOCOMMIT")
    if "W2" in w:
        t0 = time.perf_counter()
        s = cnt = 0
        for b in auto.execute(select(bots)):
            s += check(b)
            cnt += 1
        result("W2", rep, cnt, time.perf_counter() - t0, s)
    if "W3" in w:
        t0 = time.perf_counter()
        s = 0
        for j in range(k):
            s += check(auto.execute(GET, {"b_id": get_id(j, n)}).one())
        result("W3", rep, k, time.perf_counter() - t0, s)
    if "W4" in w:
        t0 = time.perf_counter()
        s = 0
        for j in range(k):
            client, team = latest_key(j, n)
            b = auto.execute(LATEST, {"b_client": client,
                                      "b_team": team}).first()
            if b is not None:
                s += check(b)
        result("W4", rep, k, time.perf_counter() - t0, s)
    if "W5" in w:
        t0 = time.perf_counter()
        with eng.begin() as c:
            for j in range(k):
                i = get_id(j, n)
                p = dict(rows[i - 1])
                p["bot_token"] = tokens[j]
                p["b_id"] = i
                if c.execute(UPDATE, p).rowcount != 1:
                    sys.exit("W5: no row %d" % i)
        result("W5", rep, k, time.perf_counter() - t0, 0)
    if "W7" in w:
        # look first; create when missing (ON CONFLICT DO NOTHING, so that
        # a concurrent creator wins and is then read); as race-safe as the
        # C programs' insert-first order, with as many statements on average
        dialect_insert = (sqlite_insert if args.backend == "sqlite"
                          else pg_insert)
        ins_ignore = dialect_insert(bots).on_conflict_do_nothing(
            index_elements=["id"])
        t0 = time.perf_counter()
        s = created = 0
        for j, r in enumerate(foc):
            b = auto.execute(GET, {"b_id": r["id"]}).first()
            if b is None:
                if auto.execute(ins_ignore, r).rowcount == 1:
                    created += 1
                    b = _Row(r)  # every value is known: no read back
                else:
                    b = auto.execute(GET, {"b_id": r["id"]}).one()
            s += check(b)
        if created != k // 2:
            sys.exit("W7: created %d, expected %d" % (created, k // 2))
        result("W7", rep, k, time.perf_counter() - t0, s)
    auto.close()
    if "W6" in w:
        reset(eng, args, ddl)
        t0 = time.perf_counter()
        with eng.begin() as c:
            c.execute(ins, rows)
        result("W6", rep, n, time.perf_counter() - t0, 0)


class _Row:
    """A created row as the values it was created from (all are known)."""
    __slots__ = ("id", "team_id", "bot_token", "installed_at",
                 "enterprise_id")

    def __init__(self, r):
        for f in self.__slots__:
            setattr(self, f, r[f])


# --- ORM -----------------------------------------------------------------

def orm_rep(eng, args, ddl, rows, tokens, foc, rep):
    n, k, w = args.n, args.k, args.workloads
    reset(eng, args, ddl)
    auto = eng.execution_options(isolation_level="AUTOCOMMIT")
    t0 = time.perf_counter()
    s = 0
    with Session(eng) as session:
        for r in rows:
            b = Bot(**r)
            session.add(b)
            session.flush()
            s += b.id
        session.commit()
    result("W1", rep, n, time.perf_counter() - t0, s)
    analyze(eng)
    if "W2" in w:
        t0 = time.perf_counter()
        s = cnt = 0
        with Session(auto) as session:
            for b in session.execute(select(Bot)).scalars():
                s += check(b)
                cnt += 1
        result("W2", rep, cnt, time.perf_counter() - t0, s)
    if "W3" in w:
        t0 = time.perf_counter()
        s = 0
        with Session(auto) as session:
            for j in range(k):
                s += check(session.get(Bot, get_id(j, n)))
        result("W3", rep, k, time.perf_counter() - t0, s)
    if "W4" in w:
        t0 = time.perf_counter()
        s = 0
        with Session(auto) as session:
            for j in range(k):
                client, team = latest_key(j, n)
                b = session.execute(
                    select(Bot)
                    .where(Bot.client_id == client,
                           Bot.enterprise_id.is_(None),
                           Bot.team_id == team)
                    .order_by(Bot.installed_at.desc()).limit(1)
                ).scalars().first()
                if b is not None:
                    s += check(b)
        result("W4", rep, k, time.perf_counter() - t0, s)
    if "W5" in w:
        t0 = time.perf_counter()
        with Session(eng) as session:
            for j in range(k):
                b = session.get(Bot, get_id(j, n))
                b.bot_token = tokens[j]
                session.flush()
            session.commit()
        result("W5", rep, k, time.perf_counter() - t0, 0)
    if "W7" in w:
        t0 = time.perf_counter()
        s = created = 0
        with Session(auto, expire_on_commit=False) as session:
            for r in foc:
                b = session.get(Bot, r["id"])
                if b is None:
                    b = Bot(**r)
                    session.add(b)
                    session.commit()
                    created += 1
                s += check(b)
        if created != k // 2:
            sys.exit("W7: created %d, expected %d" % (created, k // 2))
        result("W7", rep, k, time.perf_counter() - t0, s)
    if "W6" in w:
        reset(eng, args, ddl)
        t0 = time.perf_counter()
        with Session(eng) as session:
            session.bulk_insert_mappings(Bot, rows)
            session.commit()
        result("W6", rep, n, time.perf_counter() - t0, 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["core", "orm"], required=True)
    ap.add_argument("--backend", choices=["sqlite", "postgres"],
                    required=True)
    ap.add_argument("--url", required=True)
    ap.add_argument("--ddl", required=True)
    ap.add_argument("--n", type=int, default=100000)
    ap.add_argument("--k", type=int, default=20000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--workloads", default="W1,W2,W3,W4,W5,W6,W7")
    args = ap.parse_args()
    args.workloads = set(args.workloads.split(","))
    with open(args.ddl) as f:
        ddl = f.read()
    n, k = args.n, args.k
    rows = [row(i, n) for i in range(1, n + 1)]
    tokens = ["xoxb-upd-%012d" % get_id(j, n) for j in range(k)]
    foc = []
    for j in range(k):
        i = foc_id(j, n)
        r = row(i, n)
        r["id"] = i
        foc.append(r)
    eng = make_engine(args)
    run = core_rep if args.mode == "core" else orm_rep
    for rep in range(1, args.reps + 1):
        run(eng, args, ddl, rows, tokens, foc, rep)
    eng.dispose()


if __name__ == "__main__":
    main()

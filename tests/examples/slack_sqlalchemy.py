#!/usr/bin/env python3
"""slack_sdk's installation store tables, made and used by SQLAlchemy.

    slack_sqlalchemy.py create|write|check URL

URL is the database as the C test harness gives it: "sqlite:PATH", or a
libpq connection string (key=value ...) for PostgreSQL, search_path
included.

  create  creates slack_installations and slack_bots as slack_sdk's
          SQLAlchemyInstallationStore.create_tables() does (metadata.
          create_all over the table definitions below);
  write   inserts the rows of PY_INSTALLATION and PY_BOT (team T1) as
          slack_sdk's save() does, and a bot of team T3 that leaves
          is_enterprise_install and installed_at to their SQLAlchemy
          defaults; the C side reads them back and compares;
  check   reads the rows the C side wrote (team T2) and compares them with
          C_INSTALLATION and C_BOT; exits 1 on a difference.

tests/examples/test_slack_sqlalchemy.c runs it; the values here and there
must agree.
"""
import datetime
import sys

import sqlalchemy
from sqlalchemy import (
    Table,
    Column,
    Integer,
    String,
    DateTime,
    Index,
    MetaData,
)
from sqlalchemy.sql.sqltypes import Boolean


# The two table definitions, copied as they are from slack_sdk
# (slack_sdk/oauth/installation_store/sqlalchemy/__init__.py,
# SQLAlchemyInstallationStore.build_installations_table and
# build_bots_table; https://github.com/slackapi/python-slack-sdk, MIT
# License).
def build_installations_table(metadata: MetaData, table_name: str) -> Table:
    return sqlalchemy.Table(
        table_name,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("client_id", String(32), nullable=False),
        Column("app_id", String(32), nullable=False),
        Column("enterprise_id", String(32)),
        Column("enterprise_name", String(200)),
        Column("enterprise_url", String(200)),
        Column("team_id", String(32)),
        Column("team_name", String(200)),
        Column("bot_token", String(200)),
        Column("bot_id", String(32)),
        Column("bot_user_id", String(32)),
        Column("bot_scopes", String(1000)),
        Column("bot_refresh_token", String(200)),  # added in v3.8.0
        Column("bot_token_expires_at", DateTime),  # added in v3.8.0
        Column("user_id", String(32), nullable=False),
        Column("user_token", String(200)),
        Column("user_scopes", String(1000)),
        Column("user_refresh_token", String(200)),  # added in v3.8.0
        Column("user_token_expires_at", DateTime),  # added in v3.8.0
        Column("incoming_webhook_url", String(200)),
        Column("incoming_webhook_channel", String(200)),
        Column("incoming_webhook_channel_id", String(200)),
        Column("incoming_webhook_configuration_url", String(200)),
        Column("is_enterprise_install", Boolean, default=False, nullable=False),
        Column("token_type", String(32)),
        Column(
            "installed_at",
            DateTime,
            nullable=False,
            default=sqlalchemy.sql.func.now(),
        ),
        Index(
            f"{table_name}_idx",
            "client_id",
            "enterprise_id",
            "team_id",
            "user_id",
            "installed_at",
        ),
    )


def build_bots_table(metadata: MetaData, table_name: str) -> Table:
    return Table(
        table_name,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
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
        Column("bot_refresh_token", String(200)),  # added in v3.8.0
        Column("bot_token_expires_at", DateTime),  # added in v3.8.0
        Column("is_enterprise_install", Boolean, default=False, nullable=False),
        Column(
            "installed_at",
            DateTime,
            nullable=False,
            default=sqlalchemy.sql.func.now(),
        ),
        Index(
            f"{table_name}_idx",
            "client_id",
            "enterprise_id",
            "team_id",
            "installed_at",
        ),
    )


D = datetime.datetime

# What this script writes (team T1); the C test expects the same.
PY_INSTALLATION = dict(
    client_id="C1", app_id="A111", enterprise_id=None, enterprise_name=None,
    enterprise_url=None, team_id="T1", team_name="Team One",
    bot_token="xoxb-py", bot_id="B1", bot_user_id="UB1",
    bot_scopes="chat:write,commands", bot_refresh_token="xoxe-1-py",
    bot_token_expires_at=D(2030, 1, 2, 3, 4, 5, 678901), user_id="U1",
    user_token="xoxp-py", user_scopes="search:read",
    user_refresh_token=None, user_token_expires_at=None,
    incoming_webhook_url="https://hooks.slack.com/services/T1/B1/x",
    incoming_webhook_channel="#général", incoming_webhook_channel_id="C01",
    incoming_webhook_configuration_url=None, is_enterprise_install=False,
    token_type="bot", installed_at=D(2024, 5, 6, 7, 8, 9, 123456),
)
PY_BOT = dict(
    client_id="C1", app_id="A111", enterprise_id=None, enterprise_name=None,
    team_id="T1", team_name="Team One", bot_token="xoxb-py", bot_id="B1",
    bot_user_id="UB1", bot_scopes="chat:write,commands",
    bot_refresh_token="xoxe-1-py",
    bot_token_expires_at=D(2030, 1, 2, 3, 4, 5, 678901),
    is_enterprise_install=False, installed_at=D(2024, 5, 6, 7, 8, 9, 123456),
)
# A bot that leaves is_enterprise_install and installed_at to SQLAlchemy.
PY_DEFAULTS_BOT = dict(client_id="C1", app_id="A111", team_id="T3",
                       bot_token="xoxb-t3")

# What the C side writes (team T2) through installation_store_save;
# installed_at is left to ormc (the current time), is_enterprise_install
# to its default (false).
C_INSTALLATION = dict(
    client_id="C1", app_id="A111", enterprise_id="E2",
    enterprise_name="Grid Two", enterprise_url="https://grid-two.example/",
    team_id="T2", team_name="Team Two — ünïcødé", bot_token="xoxb-c",
    bot_id="B2", bot_user_id="UB2", bot_scopes="chat:write",
    bot_refresh_token="xoxe-1-c",
    bot_token_expires_at=D(2031, 12, 30, 23, 59, 58, 1),
    user_id="U2", user_token="xoxp-c", user_scopes="users:read",
    user_refresh_token="xoxe-1-cu",
    user_token_expires_at=D(2031, 6, 7, 8, 9, 10, 0),
    incoming_webhook_url=None, incoming_webhook_channel=None,
    incoming_webhook_channel_id=None,
    incoming_webhook_configuration_url=None, is_enterprise_install=False,
    token_type="bot",
)
C_BOT_FIELDS = ("client_id", "app_id", "enterprise_id", "enterprise_name",
                "team_id", "team_name", "bot_token", "bot_id",
                "bot_user_id", "bot_scopes", "bot_refresh_token",
                "bot_token_expires_at", "is_enterprise_install")


def engine_of(url):
    if url.startswith("sqlite:"):
        return sqlalchemy.create_engine("sqlite:///" + url[len("sqlite:"):])
    import psycopg2  # noqa: F401 (the PostgreSQL driver SQLAlchemy uses)

    # A libpq connection string: psycopg2 takes it as it is.
    return sqlalchemy.create_engine(
        "postgresql+psycopg2://",
        creator=lambda: __import__("psycopg2").connect(url),
    )


def main(argv):
    if len(argv) != 3 or argv[1] not in ("create", "write", "check"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    engine = engine_of(argv[2])
    metadata = MetaData()
    bots = build_bots_table(metadata, "slack_bots")
    installations = build_installations_table(metadata,
                                              "slack_installations")
    if argv[1] == "create":
        metadata.create_all(engine)
        return 0
    if argv[1] == "write":
        with engine.begin() as conn:
            conn.execute(installations.insert(), PY_INSTALLATION)
            conn.execute(bots.insert(), PY_BOT)
            conn.execute(bots.insert(), PY_DEFAULTS_BOT)
        return 0

    failures = []

    def compare(what, row, want):
        for key, value in want.items():
            if row[key] != value:
                failures.append(f"{what}.{key}: {row[key]!r} != {value!r}")

    now = datetime.datetime.utcnow()
    with engine.connect() as conn:
        rows = conn.execute(installations.select().where(
            installations.c.team_id == "T2")).mappings().all()
        if len(rows) != 1:
            failures.append(f"{len(rows)} installations of T2, not 1")
        for row in rows:
            compare("installation", row, C_INSTALLATION)
            at = row["installed_at"]
            if not isinstance(at, D) or abs(at - now).total_seconds() > 600:
                failures.append(f"installation.installed_at: {at!r} is not "
                                f"the current time (UTC {now})")
        rows = conn.execute(bots.select().where(
            bots.c.team_id == "T2")).mappings().all()
        if len(rows) != 1:
            failures.append(f"{len(rows)} bots of T2, not 1")
        for row in rows:
            compare("bot", row,
                    {k: C_INSTALLATION[k] for k in C_BOT_FIELDS})
    for f in failures:
        print("slack_sqlalchemy.py check: " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

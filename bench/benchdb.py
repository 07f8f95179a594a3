"""Benchmark databases: on the app's PostgreSQL server (the embedded one, or
DATABASE_URL's), never the app's own database."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def server_url(dbname: str) -> str:
    """The URL of database `dbname` on the same server as the app's."""
    base = os.environ.get("DATABASE_URL")
    if not base:
        from truyvet.core import embedded_pg

        base = embedded_pg.ensure_running()
    return base.rsplit("/", 1)[0] + "/" + dbname


def execute(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def fresh_database(dbname: str) -> str:
    """Drop and create `dbname`; return its URL."""
    drop_database(dbname)
    execute(server_url("postgres"), f'CREATE DATABASE "{dbname}"')
    return server_url(dbname)


def drop_database(dbname: str) -> None:
    execute(server_url("postgres"), f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')

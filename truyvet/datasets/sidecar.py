"""Side connections: scratch work on a second core, outside the import transaction.

PostgreSQL runs one statement on one core, and the import's own transaction
is one connection. To use both cores, the big presence work runs on side
connections, each in short transactions of its own that *commit*: staging
copies, lookup tables, and the new week tables (filled, indexed and checked
there, then only ATTACHed inside the import transaction).

Everything a side connection creates is scratch named `tv_imp_<pid>_...`
after the import connection's backend pid. Nothing there is visible to the
application (it is not a partition of anything until the import transaction
attaches and renames it), and it is all dropped when the import ends, whether
it committed or not. A crashed import leaves tables named after a pid that
no longer runs; the next import drops them (`drop_stale`).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import psycopg
from django.db import connection

T = TypeVar("T")
PREFIX = "tv_imp_"

# Side sessions sort big weeks for their indexes; a week of 300,000 workers is
# ~8M rows (~350 MB to sort), so this keeps index builds in memory.
SESSION = [
    "SET work_mem = '256MB'",
    "SET maintenance_work_mem = '512MB'",
    # Staging tables are analysed, but CASE-heavy conversions still get tiny
    # row estimates; a nested loop over millions of rows would be a disaster.
    "SET enable_nestloop = off",
    "SET enable_mergejoin = off",
    # Each side connection already has a core; parallel workers would only fight.
    "SET max_parallel_workers_per_gather = 0",
    "SET max_parallel_maintenance_workers = 0",
    "SET synchronous_commit = off",
]


def connect() -> psycopg.Connection:
    """A new connection to the import's database (same settings as Django's)."""
    params = {k: v for k, v in connection.get_connection_params().items()
              if k not in ("cursor_factory", "context")}
    conn = psycopg.connect(**params)
    for sql in SESSION:
        conn.execute(sql)
    conn.commit()
    return conn


class Sidecar:
    """A pool of side connections, one per thread; each task runs in one transaction."""

    def __init__(self, workers: int = 2) -> None:
        self.conns = [connect() for _ in range(workers)]
        self.pool = ThreadPoolExecutor(max_workers=workers)

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        for conn in self.conns:
            conn.close()

    def run(self, tasks: list[list[Callable[[Any], T]]]) -> list[list[T]]:
        """Run task lists in parallel, list i on connection i; each task commits.

        Raises the first failure after every list has stopped (the others
        roll back their own open transaction).
        """
        return self.wait(self.start(tasks))

    def start(self, tasks: list[list[Callable[[Any], T]]]) -> list[Future]:
        """Like `run`, but return at once (the caller works meanwhile, then `wait`s)."""
        return [self.pool.submit(self._serial, self.conns[i], todo)
                for i, todo in enumerate(tasks)]

    @staticmethod
    def wait(futures: list[Future]) -> list[list[T]]:
        results, error = [], None
        for fut in futures:
            try:
                results.append(fut.result())
            except Exception as exc:  # noqa: BLE001 - re-raised below, after all stopped
                error = error or exc
                results.append([])
        if error is not None:
            raise error
        return results

    @staticmethod
    def _serial(conn: psycopg.Connection, todo: list[Callable[[Any], T]]) -> list[T]:
        out = []
        for task in todo:
            try:
                with conn.cursor() as cur:
                    out.append(task(cur))
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        return out


def drop_tables(names: list[str]) -> None:
    """Drop scratch tables (autocommit, so it holds even if the import rolled back)."""
    if not names:
        return
    with psycopg.connect(**{k: v for k, v in connection.get_connection_params().items()
                            if k not in ("cursor_factory", "context")},
                         autocommit=True) as conn:
        for name in names:
            conn.execute(f"DROP TABLE IF EXISTS {name}")


def scratch_tables(cur, tag: str) -> list[str]:
    """Tables whose name starts with this import's tag (its scratch)."""
    cur.execute("SELECT relname FROM pg_class WHERE relkind IN ('r', 'p') "
                "AND relnamespace = 'public'::regnamespace AND starts_with(relname, %s)",
                [tag + "_"])
    return [r[0] for r in cur.fetchall()]


def drop_stale(cur) -> list[str]:
    """Scratch tables left by imports whose connection is gone (a crash, a kill -9)."""
    cur.execute(
        "SELECT relname FROM pg_class WHERE relkind IN ('r', 'p') "
        "AND relnamespace = 'public'::regnamespace AND starts_with(relname, %s) "
        "AND split_part(substr(relname, %s), '_', 1) ~ '^[0-9]+$' "
        "AND split_part(substr(relname, %s), '_', 1)::int NOT IN "
        "(SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL)",
        [PREFIX, len(PREFIX) + 1, len(PREFIX) + 1])
    stale = [r[0] for r in cur.fetchall()]
    drop_tables(stale)
    return stale

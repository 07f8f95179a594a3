"""Presence retention: check-ins older than Policy.retention_days are removed.

Whole weekly partitions of places_presence that end before the cutoff are
detached and dropped (instant, no dead rows); rows before the cutoff in the
partition that straddles it (and in the default partition) are deleted. The
number of rows removed is written to the audit log. Declared cases and their
saved traces are separate tables and are kept.

Run by `truyvet purge-presence`, the `purge_presence_task` task, and the
worker's daily scheduler (accounts.scheduler).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from truyvet.accounts import audit

PARTITIONS_SQL = r"""
SELECT c.relname,
       (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'places_presence'::regclass
  AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
ORDER BY 2
"""


@dataclass
class PurgeResult:
    cutoff: datetime
    dry_run: bool
    dropped_partitions: list[str] = field(default_factory=list)
    dropped_rows: int = 0  # rows in the dropped partitions
    deleted_rows: int = 0  # rows deleted from the straddling and default partitions

    @property
    def removed(self) -> int:
        return self.dropped_rows + self.deleted_rows


def cutoff_for(now: datetime | None = None, days: int | None = None) -> datetime:
    from truyvet.core.models import Policy

    days = Policy.current().retention_days if days is None else days
    return (now or timezone.now()) - timedelta(days=days)


def expired_partitions(cur, cutoff: datetime) -> list[str]:
    """Weekly partitions whose every row starts before `cutoff`."""
    cur.execute(PARTITIONS_SQL)
    return [name for name, upper in cur.fetchall() if upper is not None and upper <= cutoff]


def purge_presence(now: datetime | None = None, *, dry_run: bool = False) -> PurgeResult:
    """Remove presence older than the retention period; see the module's doc."""
    result = PurgeResult(cutoff=cutoff_for(now), dry_run=dry_run)
    with transaction.atomic(), connection.cursor() as cur:
        expired = expired_partitions(cur, result.cutoff)
        for name in expired:
            cur.execute(f'SELECT count(*) FROM "{name}"')
            result.dropped_rows += cur.fetchone()[0]
            if not dry_run:
                cur.execute(f'ALTER TABLE places_presence DETACH PARTITION "{name}"')
                cur.execute(f'DROP TABLE "{name}"')
        result.dropped_partitions = expired
        if dry_run:
            cur.execute("SELECT count(*) FROM places_presence WHERE start < %s",
                        [result.cutoff])
            result.deleted_rows = cur.fetchone()[0] - result.dropped_rows
        else:
            cur.execute("DELETE FROM places_presence WHERE start < %s", [result.cutoff])
            result.deleted_rows = cur.rowcount
            audit.record_event(
                None, audit.PURGE_PRESENCE,
                f"presence before {result.cutoff:%Y-%m-%d %H:%M} UTC removed: "
                f"{len(expired)} weekly partition(s) dropped, {result.deleted_rows} row(s) deleted",
                count=result.removed,
            )
    return result

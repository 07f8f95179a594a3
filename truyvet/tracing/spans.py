"""Maintenance of tracing_placespan for loads that bypass the triggers."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from psycopg import sql

REFRESH_SQL = """
INSERT INTO tracing_placespan (place_id, max_span)
SELECT place_id, max("end" - start) FROM places_presence
WHERE "end" IS NOT NULL GROUP BY place_id ORDER BY place_id
ON CONFLICT (place_id) DO UPDATE SET max_span = EXCLUDED.max_span
WHERE tracing_placespan.max_span < EXCLUDED.max_span
"""


def refresh_place_spans(tables: Sequence[str] | None = None) -> None:
    """Raise each place's longest-stay bound to cover every stored presence.

    Call it after loading presence rows in a way statement triggers on
    places_presence do not see (rows written into a standalone table that is
    then ATTACHed as a partition, or triggers disabled): without it the
    engine misses contacts from explicit stays longer than the place's dwell
    time (measured: 15 of 20 depth-2 traces lost contacts on a generated
    province imported that way, whose 9-hour shifts exceed the workshop's
    8-hour dwell). Idempotent. `tables` limits the scan to those tables
    (e.g. the partitions just attached); by default the whole of
    places_presence is scanned once.
    """
    with connection.cursor() as cur:
        if tables is None:
            cur.execute(REFRESH_SQL)
            return
        for table in tables:
            cur.execute(sql.SQL(REFRESH_SQL.replace("places_presence", "{}"))
                        .format(sql.Identifier(table)).as_string(cur.connection))

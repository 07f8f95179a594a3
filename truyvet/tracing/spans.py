"""Maintenance of tracing_placespan for loads that bypass the triggers."""

from __future__ import annotations

from django.db import connection

REFRESH_SQL = """
INSERT INTO tracing_placespan (place_id, max_span)
SELECT place_id, max("end" - start) FROM places_presence
WHERE "end" IS NOT NULL GROUP BY place_id ORDER BY place_id
ON CONFLICT (place_id) DO UPDATE SET max_span = EXCLUDED.max_span
WHERE tracing_placespan.max_span < EXCLUDED.max_span
"""


def refresh_place_spans() -> None:
    """Raise each place's longest-stay bound to cover every stored presence.

    Call it after loading presence rows in a way statement triggers on
    places_presence do not see (rows written into a standalone table that is
    then ATTACHed as a partition, or triggers disabled): without it the
    engine could miss contacts from explicit stays longer than the place's
    dwell time. One full scan of the table; idempotent.
    """
    with connection.cursor() as cur:
        cur.execute(REFRESH_SQL)

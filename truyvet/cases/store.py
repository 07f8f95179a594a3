"""Writing a trace result to `Trace` / `TraceContact`, and reading it back as
the spec's JSON. Plain functions, no requests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models.functions import Collate
from django.utils import timezone

from truyvet.accounts.models import User
from truyvet.cases.models import Trace, TraceContact
from truyvet.tracing.engine import format_instant
from truyvet.tracing.types import TraceResult

# One statement for the whole result: the engine's rows arrive as arrays, are
# joined to the registry once (person, upstream person, the place or team the
# via code names, the contact's org unit up to its workshop, their room and bus
# on the as-of date) and inserted. Returns the contacts' person ids for the audit.
INSERT_CONTACTS_SQL = r"""
INSERT INTO cases_tracecontact (
    trace_id, person_id, level, exposed_at, via_person_id, via_context, via_code,
    via_start, via_end, via_place_id, via_unit_id, enterprise_id, workshop_id, team_id,
    room_id, bus_id)
SELECT %(trace)s, p.id, c.level, c.exposed_at, up.id, c.ctx, c.code, c.vs, c.ve,
       CASE WHEN c.ctx IN ('place', 'room', 'bus_route') THEN vp.id END,
       CASE WHEN c.ctx = 'team' THEN vu.id END,
       p.enterprise_id,
       CASE WHEN ou.kind = 'workshop' THEN ou.id WHEN par.kind = 'workshop' THEN par.id
            WHEN gp.kind = 'workshop' THEN gp.id END,
       CASE WHEN ou.kind = 'team' THEN ou.id END,
       room.place_id, bus.place_id
FROM unnest(%(nid)s::text[], %(lvl)s::int[], %(exp)s::timestamptz[], %(up)s::text[],
            %(ctx)s::text[], %(code)s::text[], %(vs)s::timestamptz[], %(ve)s::timestamptz[])
     AS c(nid, level, exposed_at, up, ctx, code, vs, ve)
JOIN registry_person p ON p.national_id = c.nid
JOIN registry_person up ON up.national_id = c.up
LEFT JOIN places_place vp ON vp.code = c.code
LEFT JOIN registry_orgunit vu ON vu.code = c.code
LEFT JOIN registry_orgunit ou ON ou.id = p.org_unit_id
LEFT JOIN registry_orgunit par ON par.id = ou.parent_id
LEFT JOIN registry_orgunit gp ON gp.id = par.parent_id
LEFT JOIN LATERAL (
    SELECT COALESCE(m.place_id, (SELECT x.id FROM places_place x WHERE x.code = m.group_code))
           AS place_id
    FROM places_membership m
    WHERE m.person_id = p.id AND m.group_kind = 'room' AND m.valid_from <= %(day)s
      AND (m.valid_to IS NULL OR m.valid_to >= %(day)s)
    ORDER BY m.valid_from DESC LIMIT 1
) room ON true
LEFT JOIN LATERAL (
    SELECT COALESCE(m.place_id, (SELECT x.id FROM places_place x WHERE x.code = m.group_code))
           AS place_id
    FROM places_membership m
    WHERE m.person_id = p.id AND m.group_kind = 'bus_route' AND m.valid_from <= %(day)s
      AND (m.valid_to IS NULL OR m.valid_to >= %(day)s)
    ORDER BY m.valid_from DESC LIMIT 1
) bus ON true
RETURNING person_id
"""


def level_counts(result: TraceResult) -> list[int]:
    counts = [0] * result.depth
    for c in result.contacts:
        counts[c.level - 1] += 1
    return counts


def save_trace(user: User | None, result: TraceResult, *, person_pk: int, onset: datetime,
               onset_is_date: bool, isolated_at: datetime | None,
               lookback_hours: int) -> tuple[Trace, list[int]]:
    """Save `result` (call inside a transaction); returns the trace and the
    contacts' person ids."""
    trace = Trace.objects.create(
        person_id=person_pk, onset=onset, onset_is_date=onset_is_date, isolated_at=isolated_at,
        as_of=result.as_of, depth=result.depth, lookback_hours=lookback_hours,
        window_start=result.window_start, window_end=result.window_end,
        created_by=user if user is not None and user.is_authenticated else None,
        level_counts=level_counts(result),
    )
    contacts = result.contacts
    if not contacts:
        return trace, []
    params = {
        "trace": trace.pk,
        "nid": [c.person_id for c in contacts],
        "lvl": [c.level for c in contacts],
        "exp": [c.exposed_at for c in contacts],
        "up": [c.via.person_id for c in contacts],
        "ctx": [c.via.context for c in contacts],
        "code": [c.via.code for c in contacts],
        "vs": [c.via.start for c in contacts],
        "ve": [c.via.end for c in contacts],
        "day": timezone.localdate(result.as_of),
    }
    with connection.cursor() as cur:
        cur.execute(INSERT_CONTACTS_SQL, params)
        ids = [row[0] for row in cur.fetchall()]
    return trace, ids


def _contact_rows(trace: Trace) -> Iterator[dict[str, Any]]:
    rows = (TraceContact.objects.filter(trace=trace)
            .order_by("level", "exposed_at", Collate("person__national_id", "C"))
            .values_list("person__national_id", "level", "exposed_at", "via_person__national_id",
                         "via_context", "via_code", "via_start", "via_end"))
    for nid, level, exposed_at, up, ctx, code, vs, ve in rows.iterator(chunk_size=5000):
        yield {"person_id": nid, "level": level, "exposed_at": format_instant(exposed_at),
               "via": {"person_id": up, "context": ctx, "code": code,
                       "start": format_instant(vs), "end": format_instant(ve)}}


def trace_json(trace: Trace) -> dict[str, Any]:
    """The saved trace as the spec's JSON (what `POST /api/v1/traces` answered)."""
    return {
        "index": {
            "person_id": trace.person.national_id,
            "window_start": format_instant(trace.window_start),
            "window_end": format_instant(trace.window_end),
        },
        "as_of": format_instant(trace.as_of),
        "depth": trace.depth,
        "contacts": list(_contact_rows(trace)),
    }

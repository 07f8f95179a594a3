"""The tracing engine: F0 -> F1 -> F2 ... per `spec/tracing.md` (contract v1).

Plain functions over the database: `run_trace(TraceInput) -> TraceResult`
and `result_to_json(result) -> dict`. Each level costs one SQL statement
(see `truyvet.tracing.sql`), whatever the number of persons reached, so the
time grows with the traced neighbourhood and not with the province.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from truyvet.places.kinds import KindRule
from truyvet.tracing.sql import LEVEL_SQL
from truyvet.tracing.types import Contact, TraceInput, TraceInputError, TraceResult, Via

# Session settings for the level statements, local to the trace's transaction.
# JIT compilation of a big level statement costs more than it saves (tens to
# hundreds of ms of compiling for a statement that runs in about as long).
# The statement's index probes are all LATERAL ... OFFSET 0 (nested loops by
# construction); every other join must be a hash join, whatever the row
# estimates of the CTEs (a nested loop or a merge join with a join filter
# there would pair sources with targets: quadratic).
# The settings are put back right after the statement, in the same round
# trip, so that a caller's enclosing transaction plans its own queries as usual.
_SETTINGS = {"jit": "off", "enable_nestloop": "off", "enable_mergejoin": "off"}
LEVEL_SETTINGS = "".join(f"SET LOCAL {k} = {v}; " for k, v in _SETTINGS.items())
LEVEL_RESTORE = "".join(f"; SET LOCAL {k} TO DEFAULT" for k in _SETTINGS)


# Instants come back as integer microseconds since the epoch: psycopg's text
# parsing of timestamptz costs several microseconds a value, this a fraction.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class _Reached:
    """A person reached at some level, with the window its contacts pass in."""

    pk: int
    national_id: str
    window_start: datetime
    window_end: datetime


def _rule_params(rules: Mapping[str, KindRule]) -> dict[str, list[Any]]:
    kinds = sorted(rules)
    return {
        "k_kind": kinds,
        "k_makes": [rules[k].makes_contacts for k in kinds],
        "k_dwell": [rules[k].dwell_minutes for k in kinds],
        "k_minov": [rules[k].min_overlap_minutes for k in kinds],
    }


def _index_person(national_id: str) -> tuple[int, str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, full_name FROM registry_person WHERE national_id = %s", [national_id]
        )
        row = cur.fetchone()
    if row is None:
        raise TraceInputError("person_id", f"no person with ID {national_id!r}")
    return row[0], row[1]


def _next_level(
    frontier: list[_Reached], known: set[int], rule_params: dict[str, list[Any]]
) -> list[tuple]:
    """Everyone not yet known in contact with the frontier, earliest contact each."""
    params = {
        **rule_params,
        "f_pid": [r.pk for r in frontier],
        "f_ws": [r.window_start for r in frontier],
        "f_we": [r.window_end for r in frontier],
        "known": sorted(known),
        "tz": settings.TIME_ZONE,
    }
    with connection.cursor() as cur:
        # One round trip: the SET LOCAL results first, then the level's rows,
        # then the restoring SETs.
        cur.execute(LEVEL_SETTINGS + LEVEL_SQL + LEVEL_RESTORE, params)
        for _ in _SETTINGS:
            cur.nextset()
        return cur.fetchall()


def run_trace(trace: TraceInput) -> TraceResult:
    """Trace contacts level by level; a person keeps the lowest level reaching them."""
    with transaction.atomic(savepoint=False):  # for SET LOCAL; no savepoint query
        index_pk, index_name = _index_person(trace.person_id)
        rule_params = _rule_params(trace.rules)
        known = {index_pk}
        frontier = [_Reached(index_pk, trace.person_id, trace.window_start, trace.window_end)]
        contacts: list[Contact] = []
        queries = 1
        for level in range(1, trace.depth + 1):
            if not frontier:
                break
            rows = _next_level(frontier, known, rule_params)
            queries += 1
            upstream = {r.pk: r.national_id for r in frontier}
            frontier = []
            level_contacts = []
            # Thousands of small objects at once: the cyclic collector would
            # walk the whole heap several times for nothing (none are cyclic).
            collecting = gc.isenabled()
            gc.disable()
            try:
                for pk, national_id, name, exposed_us, up_pk, context, code, end_us in rows:
                    exposed_at = _EPOCH + timedelta(microseconds=exposed_us)
                    via = Via(upstream[up_pk], context, code, exposed_at,
                              _EPOCH + timedelta(microseconds=end_us))
                    level_contacts.append(Contact(national_id, level, exposed_at, via, name))
                    known.add(pk)
                    frontier.append(_Reached(pk, national_id, exposed_at, trace.as_of))
                level_contacts.sort(key=lambda c: (c.exposed_at, c.person_id))
            finally:
                if collecting:
                    gc.enable()
            contacts.extend(level_contacts)
    return TraceResult(
        person_id=trace.person_id,
        window_start=trace.window_start,
        window_end=trace.window_end,
        as_of=trace.as_of,
        depth=trace.depth,
        contacts=contacts,
        full_name=index_name,
        queries=queries,
    )


def format_instant(value: datetime) -> str:
    """ISO 8601 with the deployment offset, e.g. 2021-06-08T07:05:00+07:00."""
    return value.astimezone(ZoneInfo(settings.TIME_ZONE)).isoformat()


def result_to_json(result: TraceResult) -> dict[str, Any]:
    """The spec's JSON document for a trace (also the API's response body)."""
    return {
        "index": {
            "person_id": result.person_id,
            "window_start": format_instant(result.window_start),
            "window_end": format_instant(result.window_end),
        },
        "as_of": format_instant(result.as_of),
        "depth": result.depth,
        "contacts": [_contact_json(c) for c in result.contacts],
    }


def _contact_json(contact: Contact) -> dict[str, Any]:
    via = contact.via
    return {
        "person_id": contact.person_id,
        "level": contact.level,
        "exposed_at": format_instant(contact.exposed_at),
        "via": {
            "person_id": via.person_id,
            "context": via.context,
            "code": via.code,
            "start": format_instant(via.start),
            "end": format_instant(via.end),
        },
    }

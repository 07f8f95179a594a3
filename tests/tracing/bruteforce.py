"""An obviously correct, slow tracer: the spec read literally, in plain Python.

Every pair of intervals is compared; nothing is indexed or clever. Used by
the property tests to check the SQL engine on random small datasets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from truyvet.places.kinds import KIND_RULES
from truyvet.places.models import Membership, Place, Presence
from truyvet.registry.models import Person
from truyvet.tracing.inputs import local_midnight
from truyvet.tracing.types import TraceInput

FAR = local_midnight(date(9999, 1, 1))


@dataclass(frozen=True)
class Item:
    """One piece of evidence: a person in a context/code during [start, end)."""

    person: str
    context: str
    code: str
    start: datetime
    end: datetime
    min_overlap: timedelta | None  # None: group (any positive overlap)


def evidence() -> list[Item]:
    places = {p.pk: p for p in Place.objects.all()}
    ids = dict(Person.objects.values_list("pk", "national_id"))
    items = []
    for pr in Presence.objects.all():
        place = places[pr.place_id]
        rule = KIND_RULES[place.kind]
        if not rule.makes_contacts:
            continue
        end = pr.end if pr.end is not None else pr.start + place.effective_dwell
        items.append(Item(ids[pr.person_id], "place", place.code, pr.start, end,
                          place.effective_min_overlap))
    for m in Membership.objects.all():
        end = local_midnight(m.valid_to + timedelta(days=1)) if m.valid_to else FAR
        items.append(Item(ids[m.person_id], m.group_kind, m.group_code,
                          local_midnight(m.valid_from), end, None))
    return items


def contacts(items: list[Item], a: str, ws: datetime, we: datetime) -> list[tuple]:
    """All contacts of `a` within [ws, we): (other, start, end, context, code)."""
    found = []
    for i in items:
        if i.person != a:
            continue
        for j in items:
            if j.person == a or (j.context, j.code) != (i.context, i.code):
                continue
            start, end = max(i.start, j.start, ws), min(i.end, j.end, we)
            if end <= start:
                continue
            if i.min_overlap is not None and end - start < i.min_overlap:
                continue
            found.append((j.person, start, end, i.context, i.code))
    return found


def brute_trace(trace: TraceInput) -> dict[str, dict]:
    """person -> {level, exposed_at, vias: every contact achieving exposed_at}."""
    items = evidence()
    level_of = {trace.person_id: 0}
    windows = {trace.person_id: (trace.window_start, trace.window_end)}
    result: dict[str, dict] = {}
    frontier = [trace.person_id]
    for level in range(1, trace.depth + 1):
        reached: dict[str, list] = {}
        for p in frontier:
            ws, we = windows[p]
            for q, start, end, ctx, code in contacts(items, p, ws, we):
                if q not in level_of:
                    reached.setdefault(q, []).append((start, p, ctx, code, end))
        for q, found in reached.items():
            first = min(f[0] for f in found)
            level_of[q] = level
            windows[q] = (first, trace.as_of)
            result[q] = {"level": level, "exposed_at": first,
                         "vias": {f[1:] for f in found if f[0] == first}}
        frontier = list(reached)
    return result

"""Small builders for tracing tests: people, places, presence, memberships."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection

from truyvet.places.models import Membership, Place
from truyvet.registry.models import Person
from truyvet.tracing.engine import result_to_json, run_trace
from truyvet.tracing.inputs import parse_trace_input

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def t(text: str) -> datetime:
    """A local instant from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def d(text: str) -> date:
    return date.fromisoformat(text)


def person(national_id: str, name: str = "") -> Person:
    return Person.objects.create(national_id=national_id, full_name=name or f"Person {national_id}")


def place(code: str, kind: str = "workshop", dwell: int | None = None,
          min_overlap: int | None = None) -> Place:
    return Place.objects.create(code=code, kind=kind, name=code, dwell_minutes=dwell,
                                min_overlap_minutes=min_overlap)


def presence(who: Person, where: Place, start: datetime, end: datetime | None = None) -> None:
    """Insert one presence row (creating its weekly partition first)."""
    hi = end or start + timedelta(days=1)
    with connection.cursor() as cur:
        cur.execute("SELECT truyvet_ensure_presence_partitions(%s, %s)", [start, hi])
        cur.execute(
            'INSERT INTO places_presence (person_id, place_id, start, "end", source) '
            "VALUES (%s, %s, %s, %s, 0)",
            [who.pk, where.pk, start, end],
        )


def stay(who: Person, where: Place, start: str, end: str | None = None) -> None:
    presence(who, where, t(start), t(end) if end else None)


def member(who: Person, kind: str, code: str, valid_from: str, valid_to: str | None = None) -> None:
    Membership.objects.create(person=who, group_kind=kind, group_code=code,
                              valid_from=d(valid_from), valid_to=d(valid_to) if valid_to else None)


def trace(person_id: str, onset: str, as_of: str, **extra: object) -> dict:
    """Run a trace from raw (CLI-like) input and return the spec JSON."""
    raw = {"person_id": person_id, "onset": onset, "as_of": as_of, **extra}
    return result_to_json(run_trace(parse_trace_input(raw)))


def levels(doc: dict) -> dict[str, int]:
    return {c["person_id"]: c["level"] for c in doc["contacts"]}


def exposed(doc: dict) -> dict[str, str]:
    return {c["person_id"]: c["exposed_at"] for c in doc["contacts"]}

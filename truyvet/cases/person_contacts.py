"""The person page's "everyone related" section: where the person works,
lives and rides now, where they went lately, and a depth-1 trace over the last
14 days (window [now - 14 d, now)), grouped by the shared bus, room, team or
place. A fixed number of queries whatever the number of contacts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from truyvet.accounts import scoping
from truyvet.accounts.models import User
from truyvet.accounts.privacy import PersonView, person_view
from truyvet.cases.reasons import cluster_label, place_label
from truyvet.places.models import Membership, Place, Presence
from truyvet.registry.models import OrgUnit, Person
from truyvet.tracing.engine import run_trace
from truyvet.tracing.types import Contact, TraceInput

DAYS = 14
PER_GROUP = 12
RECENT_PLACES = 8


@dataclass
class ContactGroup:
    label: str
    context: str
    count: int
    people: list[tuple[PersonView, bool, datetime]] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.people)


@dataclass
class RecentPlace:
    label: str
    kind: str
    visits: int
    last: datetime


@dataclass
class PersonContacts:
    window_start: datetime
    window_end: datetime
    room: str = ""
    roommates: list[tuple[PersonView, bool]] = field(default_factory=list)
    bus: str = ""
    team: str = ""
    places: list[RecentPlace] = field(default_factory=list)
    groups: list[ContactGroup] = field(default_factory=list)
    total: int = 0

    @property
    def shown_ids(self) -> list[int]:
        ids = [p.id for g in self.groups for p, _, _ in g.people]
        return ids + [p.id for p, _ in self.roommates]


def _current(person: Person, day) -> dict[str, Membership]:
    rows = (Membership.objects.filter(person=person).valid_on(day)
            .select_related("place__boarding_house", "org_unit").order_by("valid_from"))
    return {m.group_kind: m for m in rows}  # the latest of each kind wins


def _views(user: User, people) -> list[tuple[PersonView, bool]]:
    return [(person_view(user, p, scoping.trace_contact_access(user, p.in_scope)), p.in_scope)
            for p in people]


def _with_scope(user: User, qs):
    visible = scoping.visible_people(user).filter(pk=OuterRef("pk"))
    return qs.select_related("enterprise", "org_unit").annotate(in_scope=Exists(visible))


def _roommates(user: User, person: Person, room: Membership, day) -> list:
    cond = Q(place=room.place) if room.place_id else Q(group_code=room.group_code)
    current = (Membership.objects.filter(cond, group_kind="room").valid_on(day)
               .values("person_id"))
    qs = Person.objects.filter(pk__in=current).exclude(pk=person.pk).order_by("full_name")
    return _views(user, _with_scope(user, qs)[:30])


def _recent_places(person: Person, since: datetime, now: datetime) -> list[RecentPlace]:
    rows = (Presence.objects.of_person(person).filter(start__gte=since, start__lt=now)
            .values("place__name", "place__kind", "place__vehicle_plate")
            .annotate(n=Count("start"), last=Max("start")).order_by("-last")[:RECENT_PLACES])
    return [RecentPlace(r["place__vehicle_plate"] or r["place__name"], r["place__kind"], r["n"],
                        r["last"]) for r in rows]


def _groups(user: User, contacts: list[Contact]) -> list[ContactGroup]:
    by_via: dict[tuple[str, str], list[Contact]] = defaultdict(list)
    for c in sorted(contacts, key=lambda c: (c.exposed_at, c.person_id)):
        by_via[(c.via.context, c.via.code)].append(c)
    codes = {code for _, code in by_via}
    places = {p.code: p for p in
              Place.objects.filter(code__in=codes).select_related("boarding_house")}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    shown = {c.person_id for cs in by_via.values() for c in cs[:PER_GROUP]}
    people = {p.national_id: p for p in
              _with_scope(user, Person.objects.filter(national_id__in=shown))}
    out = []
    for (ctx, code), cs in sorted(by_via.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        place = places.get(code) if ctx != "team" else None
        group = ContactGroup(cluster_label(ctx, code, place, units.get(code)), ctx, len(cs))
        for c in cs[:PER_GROUP]:
            p = people[c.person_id]
            access = scoping.trace_contact_access(user, p.in_scope)
            group.people.append((person_view(user, p, access), p.in_scope, c.exposed_at))
        out.append(group)
    return out


def person_contacts(user: User, person: Person, now: datetime | None = None) -> PersonContacts:
    """Everything the section shows, for a person `user` may trace."""
    now = now or timezone.now()
    since = now - timedelta(days=DAYS)
    day = timezone.localdate(now)
    info = PersonContacts(window_start=since, window_end=now)
    current = _current(person, day)
    if room := current.get("room"):
        info.room = place_label(room.place, room.group_code)
        info.roommates = _roommates(user, person, room, day)
    if bus := current.get("bus_route"):
        info.bus = place_label(bus.place, bus.group_code)
    if team := current.get("team"):
        info.team = team.org_unit.name if team.org_unit_id else team.group_code
    info.places = _recent_places(person, since, now)
    result = run_trace(TraceInput(person_id=person.national_id, window_start=since,
                                  window_end=now, as_of=now, depth=1))
    info.total = len(result.contacts)
    info.groups = _groups(user, result.contacts)
    return info

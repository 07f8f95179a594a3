"""Who rode a bus on a day; who lives in an owner's rooms now. Scoped reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from truyvet.accounts import scoping
from truyvet.accounts.models import User
from truyvet.accounts.privacy import PersonView, people_views
from truyvet.core.timeutil import local_day_bounds
from truyvet.places.kinds import GroupKind, PlaceKind
from truyvet.places.models import Membership, Place, Presence


@dataclass(frozen=True)
class Rider:
    person: PersonView
    start: datetime
    end: datetime | None


def riders(user: User, bus: Place, day: date, limit: int = 1000) -> list[Rider]:
    """Presence on `bus` starting on local `day`, for the people `user` may see."""
    lo, hi = local_day_bounds(day)
    rows = list(Presence.objects.at_place(bus).started_between(lo, hi)
                .filter(person__in=scoping.visible_people(user))
                .order_by("start", "person_id").values_list("person_id", "start", "end")[:limit])
    people = {p.pk: p for p in scoping.visible_people(user).filter(pk__in={r[0] for r in rows})
              .select_related("enterprise", "org_unit")}
    views = {v.id: v for v in people_views(user, people.values())}
    return [Rider(views[pid], start, end) for pid, start, end in rows if pid in views]


def rooms_with_residents(user: User) -> list[tuple[Place, list[PersonView]]]:
    """The rooms `user` sees (owners: their house's) with today's residents."""
    today = timezone.localdate()
    rooms = list(scoping.visible_places(user).filter(kind=PlaceKind.ROOM)
                 .select_related("boarding_house").order_by("boarding_house__name", "name")[:500])
    current = (Membership.objects.filter(group_kind=GroupKind.ROOM, place__in=rooms)
               .valid_on(today)
               .filter(person__in=scoping.visible_people(user))
               .select_related("person__enterprise", "person__org_unit")
               .order_by("person__full_name"))
    by_room: dict[int, list] = {}
    for m in current:
        by_room.setdefault(m.place_id, []).append(m.person)
    return [(r, people_views(user, by_room.get(r.pk, []))) for r in rooms]

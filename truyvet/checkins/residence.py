"""Residence declared by scanning a boarding-house room's code. Plain functions."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.http import HttpRequest

from truyvet.accounts import audit
from truyvet.accounts.models import User
from truyvet.places.kinds import GroupKind
from truyvet.places.models import Membership, Place
from truyvet.registry.models import Person


def declare_residence(person: Person, room: Place, day: date, *, by: User | None = None,
                      request: HttpRequest | None = None) -> bool:
    """`person` lives in `room` from `day` on. The previous room membership ends
    the day before (one that began on `day` itself is replaced). A re-scan of
    the current room changes nothing. Returns whether anything changed.

    A change is audited in the same transaction: who is `by` (a gate operator
    scanning for the worker), else the worker's own login, else "self-scan"."""
    with transaction.atomic():
        active = list(
            Membership.objects.select_for_update()
            .filter(person=person, group_kind=GroupKind.ROOM).valid_on(day)
        )
        if any(m.group_code == room.code for m in active):
            return False
        for m in active:
            if m.valid_from < day:
                m.valid_to = day - timedelta(days=1)
                m.save(update_fields=["valid_to"])
            else:
                m.delete()
        Membership.objects.update_or_create(
            person=person, group_kind=GroupKind.ROOM, group_code=room.code, valid_from=day,
            defaults={"valid_to": None, "place": room},
        )
        old = ", ".join(sorted({m.group_code for m in active})) or "-"
        who = by or User.objects.filter(person=person, is_active=True).first()
        audit.record_change(who, person.pk, f"residence by room scan: {old} -> {room.code}",
                            request=request, actor="self-scan", actor_role="worker")
    return True

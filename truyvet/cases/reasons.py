"""Why a person is a contact, in words: "same bus 98B-123.45, 07:05–07:40 on 08/06".

Translated before formatting; times in the deployment time zone.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from truyvet.places.models import Place
from truyvet.registry.models import OrgUnit


def when_text(start: datetime, end: datetime) -> str:
    """07:05–07:40 on 08/06, or 22:00 08/06 – 06:00 09/06 across midnight."""
    a, b = timezone.localtime(start), timezone.localtime(end)
    if a.date() == b.date():
        return _("%(start)s–%(end)s on %(day)s") % {
            "start": f"{a:%H:%M}", "end": f"{b:%H:%M}", "day": f"{a:%d/%m}"}
    return f"{a:%H:%M %d/%m} – {b:%H:%M %d/%m}"


def place_label(place: Place | None, code: str) -> str:
    """A place as people name it: a bus by its plate, a room with its boarding house."""
    if place is None:
        return code
    if place.kind == "bus":
        return place.vehicle_plate or place.name
    if place.kind == "room" and place.boarding_house_id:
        return f"{place.name}, {place.boarding_house.name}"
    return place.name


def _place_reason(place: Place | None, code: str, when: str) -> str:
    kind = place.kind if place else ""
    args = {"name": place_label(place, code), "when": when}
    if kind == "bus":
        return _("same bus %(name)s, %(when)s") % args
    if kind == "room":
        return _("same boarding-house room %(name)s, %(when)s") % args
    if kind == "workshop":
        return _("same workshop %(name)s, %(when)s") % args
    if kind == "canteen":
        return _("same canteen %(name)s, %(when)s") % args
    if kind == "rest_area":
        return _("same rest area %(name)s, %(when)s") % args
    return _("same place %(name)s, %(when)s") % args


def reason_text(context: str, code: str, place: Place | None, unit: OrgUnit | None,
                start: datetime, end: datetime) -> str:
    """The reason for one via: `place` / `unit` are what `code` names (or None)."""
    if context == "place":
        return _place_reason(place, code, when_text(start, end))
    if context == "team":
        return _("same team %(name)s") % {"name": unit.name if unit else code}
    if context == "room":
        return _("same boarding-house room %(name)s") % {"name": place_label(place, code)}
    if context == "bus_route":
        return _("same bus route %(name)s") % {"name": place_label(place, code)}
    if context == "household":
        return _("same household %(name)s") % {"name": code}
    return f"{context} {code}"


def cluster_label(context: str, code: str, place: Place | None, unit: OrgUnit | None) -> str:
    """A short name for a group of contacts sharing one via (graph nodes, person page)."""
    if context == "team":
        return unit.name if unit else code  # team names say "team" themselves (Tổ may 3)
    if context == "household":
        return _("Household %(name)s") % {"name": code}
    if context == "bus_route" or (place is not None and place.kind == "bus"):
        return _("Bus %(name)s") % {"name": place_label(place, code)}
    return place_label(place, code)  # rooms and places by their own names

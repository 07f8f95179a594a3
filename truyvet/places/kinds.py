"""Place kinds and their defaults, per `spec/tracing.md` (contract, version 1)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlaceKind(models.TextChoices):
    GATE = "gate", _("Gate")
    WORKSHOP = "workshop", _("Workshop")
    CANTEEN = "canteen", _("Canteen")
    REST_AREA = "rest_area", _("Rest area")
    BUS = "bus", _("Bus")
    ROOM = "room", _("Boarding-house room")
    VENUE = "venue", _("Public venue")
    OTHER = "other", _("Other")


@dataclass(frozen=True)
class KindRule:
    makes_contacts: bool
    dwell_minutes: int
    min_overlap_minutes: int


KIND_RULES: dict[str, KindRule] = {
    "gate": KindRule(False, 1, 0),
    "workshop": KindRule(True, 480, 15),
    "canteen": KindRule(True, 30, 15),
    "rest_area": KindRule(True, 30, 15),
    "bus": KindRule(True, 60, 5),
    "room": KindRule(True, 600, 15),
    "venue": KindRule(True, 60, 15),
    "other": KindRule(True, 60, 15),
}


class GroupKind(models.TextChoices):
    TEAM = "team", _("Production team")
    ROOM = "room", _("Boarding-house room")
    BUS_ROUTE = "bus_route", _("Bus route")
    HOUSEHOLD = "household", _("Household")


class PresenceSource(models.IntegerChoices):
    IMPORT = 0, _("Import")
    QR_SELF = 1, _("Self scan")
    QR_GUARD = 2, _("Guard scan")
    ATTENDANCE = 3, _("Time attendance")
    API = 4, _("API")


SOURCE_NAMES = {
    PresenceSource.IMPORT: "import",
    PresenceSource.QR_SELF: "qr_self",
    PresenceSource.QR_GUARD: "qr_guard",
    PresenceSource.ATTENDANCE: "attendance",
    PresenceSource.API: "api",
}
SOURCE_BY_NAME = {name: int(value) for value, name in SOURCE_NAMES.items()}

"""Reading saved traces for pages, exports and the API: scoped querysets,
grouped counts (SQL aggregation) and display rows. Plain functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from truyvet.accounts import scoping
from truyvet.accounts.models import User
from truyvet.accounts.privacy import PersonView, person_view
from truyvet.cases.models import Trace, TraceContact
from truyvet.cases.reasons import place_label, reason_text

# Group-by modes of the result page: the TraceContact fields of each key.
GROUPINGS: dict[str, tuple[str, ...]] = {
    "org": ("enterprise", "workshop", "team"),
    "room": ("room",),
    "bus": ("bus",),
}
GROUPING_LABELS = {
    "org": gettext_lazy("Enterprise › workshop › team"),
    "room": gettext_lazy("Boarding-house room"),
    "bus": gettext_lazy("Bus"),
}
NONE_KEY = "-"


def trace_or_404(user: User, trace_uuid: object) -> Trace:
    qs = scoping.visible_traces(user).select_related("person", "created_by")
    return scoping.get_visible_or_404(qs, uuid=trace_uuid)


def traces_for(user: User) -> QuerySet[Trace]:
    """Saved traces visible to `user`, newest first."""
    return (scoping.visible_traces(user).select_related("person", "created_by")
            .order_by("-created_at", "-id"))


def contacts_of(user: User, trace: Trace) -> QuerySet[TraceContact]:
    """The trace's contacts with everything a row shows, and whether each is in
    `user`'s scope (annotation `in_scope`)."""
    visible = scoping.visible_people(user).filter(pk=OuterRef("person_id"))
    return (TraceContact.objects.filter(trace=trace)
            .select_related("person__enterprise", "person__org_unit", "via_person",
                            "via_place__boarding_house", "via_unit", "enterprise", "workshop",
                            "team", "room__boarding_house", "bus")
            .annotate(in_scope=Exists(visible)))


# --- groups ---------------------------------------------------------------------------


def group_key(values: tuple[int | None, ...]) -> str:
    return ".".join(NONE_KEY if v is None else str(v) for v in values)


def parse_group_key(mode: str, key: str) -> dict[str, int | None] | None:
    """The filter for a group key of `mode`, or None if malformed."""
    fields = GROUPINGS[mode]
    parts = key.split(".")
    if len(parts) != len(fields):
        return None
    out: dict[str, int | None] = {}
    for f, part in zip(fields, parts, strict=True):
        if part == NONE_KEY:
            out[f"{f}_id"] = None
        elif part.isdigit() and int(part) < 2**31:
            out[f"{f}_id"] = int(part)
        else:
            return None
    return out


def filter_group(qs: QuerySet[TraceContact], mode: str, key: str) -> QuerySet[TraceContact]:
    cond = parse_group_key(mode, key)
    if cond is None:
        return qs.none()
    return qs.filter(**{(f"{k}__isnull" if v is None else k): (True if v is None else v)
                        for k, v in cond.items()})


@dataclass(frozen=True)
class Group:
    key: str
    names: tuple[str, ...]
    count: int

    @property
    def label(self) -> str:
        return " › ".join(self.names)


def _group_name(mode: str, field: str, row: dict) -> str:
    if row[f"{field}_id"] is None:
        return {"enterprise": _("No enterprise"), "workshop": _("No workshop"),
                "team": _("No team"), "room": _("No room declared"),
                "bus": _("No bus")}[field]
    if field == "bus":
        return row["bus__vehicle_plate"] or row["bus__name"]
    if field == "room" and row["room__boarding_house__name"]:
        return f"{row['room__name']}, {row['room__boarding_house__name']}"
    return row[f"{field}__name"]


def groups(trace: Trace, level: int, mode: str) -> list[Group]:
    """Contacts of `level` counted per group of `mode`, in list order (one query)."""
    fields = GROUPINGS[mode]
    cols = [f"{f}_id" for f in fields] + [f"{f}__name" for f in fields]
    if mode == "bus":
        cols.append("bus__vehicle_plate")
    if mode == "room":
        cols.append("room__boarding_house__name")
    rows = (TraceContact.objects.filter(trace=trace, level=level).values(*cols)
            .annotate(n=Count("id")).order_by(*[f"{f}_id" for f in fields]))
    return [Group(key=group_key(tuple(r[f"{f}_id"] for f in fields)),
                  names=tuple(_group_name(mode, f, r) for f in fields), count=r["n"])
            for r in rows]


def ordered(qs: QuerySet[TraceContact], mode: str) -> QuerySet[TraceContact]:
    return qs.order_by(*[f"{f}_id" for f in GROUPINGS[mode]], "exposed_at",
                       "person__full_name", "id")


# --- rows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactRow:
    person: PersonView
    in_scope: bool
    level: int
    exposed_at: datetime
    reason: str
    via_name: str
    via_level: int | None
    group_key: str
    enterprise: str
    workshop: str
    team: str
    residence: str
    bus: str


def contact_row(user: User, c: TraceContact, mode: str = "org") -> ContactRow:
    access = scoping.trace_contact_access(user, c.in_scope)
    fields = GROUPINGS[mode]
    return ContactRow(
        person=person_view(user, c.person, access),
        in_scope=c.in_scope,
        level=c.level,
        exposed_at=c.exposed_at,
        reason=reason_text(c.via_context, c.via_code, c.via_place, c.via_unit,
                           c.via_start, c.via_end),
        via_name=c.via_person.full_name,
        via_level=c.level - 1,
        group_key=group_key(tuple(getattr(c, f"{f}_id") for f in fields)),
        enterprise=c.enterprise.name if c.enterprise_id and c.enterprise else "",
        workshop=c.workshop.name if c.workshop_id and c.workshop else "",
        team=c.team.name if c.team_id and c.team else "",
        residence=place_label(c.room, "") if c.room_id and c.room else "",
        bus=place_label(c.bus, "") if c.bus_id and c.bus else "",
    )

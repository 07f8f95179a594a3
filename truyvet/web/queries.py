"""Plain functions behind the pages and the API: they take a user and plain
inputs, go through `accounts.scoping`, and return querysets or plain data."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from truyvet.accounts import scoping
from truyvet.accounts.models import Role, User
from truyvet.accounts.scoping import EMPLOYMENT, MEMBERSHIPS, PRESENCE, PersonAccess
from truyvet.places.kinds import PlaceKind
from truyvet.places.models import Membership, Place, Presence
from truyvet.registry.models import Employment, Enterprise, OrgUnit, Person
from truyvet.registry.validation import normalise_phone

PRESENCE_DAYS = 14
PRESENCE_LIMIT = 500  # rows on a person page; more would not be read


def to_int(value: object) -> int | None:
    """A positive int from a query parameter, or None for anything else."""
    try:
        n = int(str(value))
    except (TypeError, ValueError):
        return None
    return n if 0 < n < 2**31 else None


def page_of(qs: QuerySet, page: object, per_page: int = 50) -> Page:
    """A page of `qs`; bad or out-of-range numbers give the first or last page."""
    return Paginator(qs, per_page).get_page(page)


# --- home ---------------------------------------------------------------------------


def home_summary(user: User) -> dict:
    role = scoping.role_of(user)
    summary: dict = {"role": role, "role_label": Role(role).label if role else ""}
    if role == Role.WORKER:
        summary["person"] = user.person
        return summary
    if role == Role.BOARDING_OWNER:
        summary["boarding_house"] = user.boarding_house
        summary["rooms"] = scoping.visible_places(user).count()
        summary["people"] = scoping.visible_people(user).count()
        return summary
    summary["enterprises"] = scoping.visible_enterprises(user).count()
    summary["places"] = scoping.visible_places(user).count()
    if role != Role.GATE_OPERATOR:
        summary["people"] = scoping.visible_people(user).count()
    summary["scope"] = scope_label(user)
    return summary


def scope_label(user: User) -> str:
    """Plain words for what the user covers, e.g. a district or an enterprise name."""
    from django.utils.translation import gettext as _

    role = scoping.role_of(user)
    if role == Role.PROVINCE_ADMIN or (role == Role.HEALTH_AUTHORITY and not user.district_id):
        return _("the whole province")
    if role in (Role.HEALTH_AUTHORITY, Role.DISTRICT_COMMITTEE):
        return str(user.district) if user.district_id else ""
    if role == Role.ZONE_BOARD:
        return ", ".join(z.name for z in user.zones.all())
    if role == Role.INDUSTRY_TRADE:
        return _("enterprises outside industrial zones")
    if user.enterprise_id:
        return str(user.enterprise)
    return ""


# --- enterprises --------------------------------------------------------------------


def search_enterprises(user: User, q: str = "", zone: object = None,
                       district: object = None) -> QuerySet[Enterprise]:
    qs = scoping.visible_enterprises(user).select_related("zone", "district")
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__iexact=q) | Q(tax_code=q))
    if zone == "none":
        qs = qs.filter(zone__isnull=True)
    elif (zone_id := to_int(zone)) is not None:
        qs = qs.filter(zone_id=zone_id)
    if (district_id := to_int(district)) is not None:
        qs = qs.filter(district_id=district_id)
    return qs.order_by("name", "pk")


@dataclass
class TreeNode:
    unit: OrgUnit
    depth: int
    direct: int  # people whose org unit is this one
    total: int = 0  # this unit and everything under it
    children: list[TreeNode] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        """Indentation for a flat list (a select box)."""
        return "\u00a0\u00a0" * self.depth + ("· " if self.depth else "")

    @property
    def depth_class(self) -> str:
        """The CSS class that indents the row (app.css: depth-0 .. depth-9)."""
        return f"depth-{min(self.depth, 9)}"


def org_tree(enterprise: Enterprise) -> list[TreeNode]:
    """The enterprise's org units in tree order (each node knows its depth) with
    head counts: direct members and the whole subtree. One query."""
    units = list(
        OrgUnit.objects.filter(enterprise=enterprise)
        .annotate(n=Count("members", filter=Q(members__enterprise=enterprise)))
        .order_by("name", "pk")
    )
    nodes = {u.pk: TreeNode(unit=u, depth=0, direct=u.n) for u in units}
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.unit.parent_id)
        (parent.children if parent else roots).append(node)
    flat: list[TreeNode] = []

    def walk(node: TreeNode, depth: int) -> int:
        node.depth = depth
        flat.append(node)
        node.total = node.direct + sum(walk(c, depth + 1) for c in node.children)
        return node.total

    for root in roots:
        walk(root, 0)
    return flat


def subtree_ids(enterprise: Enterprise, unit_id: int) -> list[int]:
    """`unit_id` and every unit under it in `enterprise` (empty if not its unit)."""
    pairs = list(OrgUnit.objects.filter(enterprise=enterprise).values_list("pk", "parent_id"))
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in pairs:
        children[parent].append(pk)
    if unit_id not in {pk for pk, _ in pairs}:
        return []
    out, stack = [], [unit_id]
    while stack:
        pk = stack.pop()
        out.append(pk)
        stack.extend(children[pk])
    return out


# --- people -------------------------------------------------------------------------


def search_people(user: User, q: str = "", enterprise: Enterprise | None = None,
                  unit_ids: list[int] | None = None) -> QuerySet[Person]:
    """Visible people matching a name, an exact ID number or a phone."""
    qs = scoping.visible_people(user).select_related("enterprise", "org_unit")
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if unit_ids is not None:
        qs = qs.filter(org_unit_id__in=unit_ids)
    q = (q or "").strip()[:100]
    if q:
        cond = Q(full_name__icontains=q) | Q(national_id=q)
        if phone := normalise_phone(q):
            cond |= Q(phone=phone)
        qs = qs.filter(cond)
    return qs.order_by("full_name", "pk")


@dataclass
class PresenceRow:
    place: Place
    start: datetime
    end: datetime | None
    effective_end: datetime
    source: str


def presence_by_day(person: Person, days: int = PRESENCE_DAYS,
                    now: datetime | None = None) -> list[tuple[date, list[PresenceRow]]]:
    """The person's presence over the last `days` days, newest day first, local dates."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    rows = (Presence.objects.of_person(person).filter(start__gte=since, start__lte=now)
            .select_related("place").order_by("-start")[:PRESENCE_LIMIT])
    by_day: dict[date, list[PresenceRow]] = defaultdict(list)
    for p in rows:
        by_day[timezone.localdate(p.start)].append(PresenceRow(
            place=p.place, start=p.start, end=p.end,
            effective_end=p.end or p.start + p.place.effective_dwell,
            source=p.get_source_display(),
        ))
    return sorted(by_day.items(), key=lambda kv: kv[0], reverse=True)


def recent_presence(person: Person, days: int = PRESENCE_DAYS,
                    now: datetime | None = None) -> QuerySet[Presence]:
    now = now or timezone.now()
    return (Presence.objects.of_person(person)
            .filter(start__gte=now - timedelta(days=days), start__lte=now)
            .select_related("place").order_by("-start"))


def employment_history(person: Person) -> QuerySet[Employment]:
    return (Employment.objects.filter(person=person)
            .select_related("enterprise", "org_unit").order_by("-valid_from"))


def memberships_of(user: User, person: Person) -> QuerySet[Membership]:
    return (scoping.visible_memberships(user, person)
            .select_related("org_unit", "place").order_by("-valid_from", "group_kind"))


def person_record(user: User, person: Person, access: PersonAccess) -> dict:
    """The sections of a person page that `access` allows."""
    record: dict = {}
    if EMPLOYMENT in access.sections:
        record["employments"] = list(employment_history(person))
    if MEMBERSHIPS in access.sections:
        record["memberships"] = list(memberships_of(user, person))
    if PRESENCE in access.sections:
        record["presence_days"] = presence_by_day(person)
    return record


# --- places -------------------------------------------------------------------------


def search_places(user: User, q: str = "", enterprise: object = None,
                  kind: object = None) -> QuerySet[Place]:
    qs = scoping.visible_places(user).select_related("enterprise", "boarding_house")
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__iexact=q) | Q(vehicle_plate__iexact=q))
    if (enterprise_id := to_int(enterprise)) is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    if kind in PlaceKind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("name", "pk")


def current_residents(user: User, place: Place) -> QuerySet[Person]:
    """Visible people with a room membership valid today in this room."""
    today = timezone.localdate()
    current = Membership.objects.filter(group_kind="room").valid_on(today).filter(Q(place=place) | Q(place__isnull=True, group_code=place.code))
    return (scoping.visible_people(user).filter(pk__in=current.values("person_id"))
            .select_related("enterprise", "org_unit").order_by("full_name", "pk"))

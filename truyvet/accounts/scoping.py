"""The one door to province data: what each user may see.

Every page, export and API endpoint asks this module. Nothing else in the
project decides visibility. Objects outside a user's scope are answered with
404 (see `get_visible_or_404`), so that their existence does not leak.

Scope per role (a superuser counts as a province administrator):

| role                | enterprises (and their org units, people, places)         |
| ------------------- | ---------------------------------------------------------- |
| province_admin      | everything, including venues and every boarding house      |
| health_authority    | province CDC (`user.district` empty): everything;          |
|                     | district health centre: enterprises and boarding houses of |
|                     | its district                                               |
| zone_board          | enterprises in `user.zones`                                |
| industry_trade      | enterprises outside any zone (`zone IS NULL`)              |
| district_committee  | enterprises and boarding houses of `user.district`         |
| enterprise_admin    | `user.enterprise`                                          |
| enterprise_health   | `user.enterprise`                                          |
| gate_operator       | `user.enterprise`'s places; its people at the minimum      |
|                     | needed at a gate (name, masked ID, org unit)               |
| boarding_owner      | the rooms of `user.boarding_house` and their current       |
|                     | residents (a room membership valid today); no enterprise   |
| worker              | themselves (`user.person`) only                            |

Masking (`PersonAccess.unmasked`): ID numbers and phones are shown in full to
the province administrator, the health authority (it must call and quarantine
people), the enterprise administrator and health officer (they keep the
worker list), and to a worker looking at themselves. Zone board, industry and
trade, district committee, gate operator and boarding-house owner see them
masked (`registry.validation.mask_id` / `mask_phone`) and the birth year only.

Auditing (`PersonAccess.audited`): every view of a person's data by anyone
other than the person themselves is audited (see `accounts.audit`), masked
or not: names and workplaces are personal data too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from truyvet.accounts.models import Role, User
from truyvet.places.kinds import GroupKind
from truyvet.places.models import BoardingHouse, Membership, Place
from truyvet.registry.models import Enterprise, OrgUnit, Person, Zone

M = TypeVar("M", bound=Model)

# Roles whose scope is a set of enterprises, and who get full person pages.
ENTERPRISE_SCOPED = frozenset({
    Role.PROVINCE_ADMIN, Role.HEALTH_AUTHORITY, Role.ZONE_BOARD, Role.INDUSTRY_TRADE,
    Role.DISTRICT_COMMITTEE, Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_HEALTH,
})
UNMASKED_ROLES = frozenset({
    Role.PROVINCE_ADMIN, Role.HEALTH_AUTHORITY, Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_HEALTH,
})

# Sections of a person's record beyond identity.
EMPLOYMENT = "employment"
MEMBERSHIPS = "memberships"
PRESENCE = "presence"
ALL_SECTIONS = frozenset({EMPLOYMENT, MEMBERSHIPS, PRESENCE})


def role_of(user: User) -> str | None:
    """The role that decides scope; None for anonymous or inactive users."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.PROVINCE_ADMIN
    return user.role


def is_official(user: User) -> bool:
    """Anyone who may look at other people's data (not a worker, not anonymous)."""
    return role_of(user) not in (None, Role.WORKER)


def is_province_admin(user: User) -> bool:
    return role_of(user) == Role.PROVINCE_ADMIN


# --- querysets -----------------------------------------------------------------------


def _enterprise_filter(user: User) -> Q | None:
    """A condition on Enterprise for the user's scope; None means all of them."""
    role = role_of(user)
    if role == Role.PROVINCE_ADMIN:
        return None
    if role == Role.HEALTH_AUTHORITY:
        return None if user.district_id is None else Q(district_id=user.district_id)
    if role == Role.ZONE_BOARD:
        return Q(zone__in=user.zones.all())
    if role == Role.INDUSTRY_TRADE:
        return Q(zone__isnull=True)
    if role == Role.DISTRICT_COMMITTEE:
        return Q(district_id=user.district_id) if user.district_id else Q(pk__in=[])
    if role in (Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_HEALTH, Role.GATE_OPERATOR):
        return Q(pk=user.enterprise_id) if user.enterprise_id else Q(pk__in=[])
    return Q(pk__in=[])


def visible_enterprises(user: User) -> QuerySet[Enterprise]:
    cond = _enterprise_filter(user)
    qs = Enterprise.objects.all()
    return qs if cond is None else qs.filter(cond)


def visible_zones(user: User) -> QuerySet[Zone]:
    """Zones offered as filters: those holding a visible enterprise."""
    cond = _enterprise_filter(user)
    if cond is None:
        return Zone.objects.all()
    return Zone.objects.filter(pk__in=visible_enterprises(user).values("zone_id"))


def visible_org_units(user: User) -> QuerySet[OrgUnit]:
    cond = _enterprise_filter(user)
    qs = OrgUnit.objects.all()
    return qs if cond is None else qs.filter(enterprise__in=visible_enterprises(user))


def visible_boarding_houses(user: User) -> QuerySet[BoardingHouse]:
    role = role_of(user)
    qs = BoardingHouse.objects.all()
    if role == Role.PROVINCE_ADMIN or (role == Role.HEALTH_AUTHORITY and user.district_id is None):
        return qs
    if role in (Role.HEALTH_AUTHORITY, Role.DISTRICT_COMMITTEE) and user.district_id:
        return qs.filter(district_id=user.district_id)
    if role == Role.BOARDING_OWNER and user.boarding_house_id:
        return qs.filter(pk=user.boarding_house_id)
    return qs.none()


def current_residents_filter(houses: QuerySet[BoardingHouse]) -> Q:
    """People with a room membership valid today in one of `houses`' rooms."""
    today = timezone.localdate()
    rooms = Place.objects.filter(boarding_house__in=houses)
    current = Membership.objects.filter(group_kind=GroupKind.ROOM).valid_on(today).filter(
        Q(place__in=rooms) | Q(place__isnull=True, group_code__in=rooms.values("code"))
    )
    return Q(pk__in=current.values("person_id"))


def visible_people(user: User) -> QuerySet[Person]:
    role = role_of(user)
    qs = Person.objects.all()
    if role == Role.PROVINCE_ADMIN or (role == Role.HEALTH_AUTHORITY and user.district_id is None):
        return qs
    if role in ENTERPRISE_SCOPED or role == Role.GATE_OPERATOR:
        return qs.filter(enterprise__in=visible_enterprises(user))
    if role == Role.BOARDING_OWNER:
        return qs.filter(current_residents_filter(visible_boarding_houses(user)))
    if role == Role.WORKER and user.person_id:
        return qs.filter(pk=user.person_id)
    return qs.none()


def visible_places(user: User) -> QuerySet[Place]:
    role = role_of(user)
    qs = Place.objects.all()
    if role == Role.PROVINCE_ADMIN or (role == Role.HEALTH_AUTHORITY and user.district_id is None):
        return qs
    if role in ENTERPRISE_SCOPED or role == Role.GATE_OPERATOR:
        cond = Q(enterprise__in=visible_enterprises(user))
        if role in (Role.HEALTH_AUTHORITY, Role.DISTRICT_COMMITTEE):
            cond |= Q(boarding_house__in=visible_boarding_houses(user))
        return qs.filter(cond)
    if role == Role.BOARDING_OWNER:
        return qs.filter(boarding_house__in=visible_boarding_houses(user))
    return qs.none()


# --- keeping data current: worker lists, tests, compliance ---------------------------

# Who keeps an enterprise's data (imports worker lists, enters tests and vaccines).
DATA_KEEPERS = frozenset({Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_HEALTH})
# Authorities who follow enterprises' compliance (besides the enterprises themselves).
COMPLIANCE_AUTHORITIES = frozenset({
    Role.PROVINCE_ADMIN, Role.HEALTH_AUTHORITY, Role.ZONE_BOARD, Role.INDUSTRY_TRADE,
    Role.DISTRICT_COMMITTEE,
})


def worklist_enterprises(user: User) -> QuerySet[Enterprise]:
    """Enterprises whose worker list `user` may import and download.

    The enterprise's administrator and health officer for their own enterprise,
    and the province administrator (helping a clerk) for any. Authorities read
    worker lists through `visible_people`, they do not import them.
    """
    role = role_of(user)
    if role == Role.PROVINCE_ADMIN or role in DATA_KEEPERS:
        return visible_enterprises(user)
    return Enterprise.objects.none()


def health_entry_enterprises(user: User) -> QuerySet[Enterprise]:
    """Enterprises whose test results and vaccinations `user` may enter and read:
    the enterprise's own administrator and health officer, the province
    administrator, and the health authority within its scope."""
    role = role_of(user)
    if role in (Role.PROVINCE_ADMIN, Role.HEALTH_AUTHORITY) or role in DATA_KEEPERS:
        return visible_enterprises(user)
    return Enterprise.objects.none()


def compliance_enterprises(user: User) -> QuerySet[Enterprise]:
    """Enterprises whose compliance (daily test report, worker-list freshness,
    residence, badge and scan coverage) `user` may see: an authority's
    `visible_enterprises`, an enterprise's own; nobody else's (gate operators,
    boarding-house owners and workers see none)."""
    role = role_of(user)
    if role in COMPLIANCE_AUTHORITIES or role in DATA_KEEPERS:
        return visible_enterprises(user)
    return Enterprise.objects.none()


def get_visible_or_404(queryset: QuerySet[M], **lookup: object) -> M:
    """One object of a visible queryset, or 404 for "missing" and "not yours" alike.

    Malformed lookups (a bad UUID, a non-numeric id) are a 404 too, never a 500.
    """
    from django.core.exceptions import ValidationError

    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404(queryset.model._meta.verbose_name) from None


# --- what of a person a user may see --------------------------------------------------


@dataclass(frozen=True)
class PersonAccess:
    unmasked: bool
    sections: frozenset[str]
    audited: bool
    minimal: bool = False  # gate operator: name, masked ID, enterprise, org unit only


def person_access(user: User, person: Person | None = None) -> PersonAccess:
    """How much of `person` (already known to be visible) `user` may see.

    Without a person, the answer for lists: what the user sees of others.
    """
    role = role_of(user)
    if role == Role.WORKER:
        is_self = person is not None and person.pk == user.person_id
        return PersonAccess(unmasked=is_self, sections=ALL_SECTIONS if is_self else frozenset(),
                            audited=False)
    if role == Role.GATE_OPERATOR:
        return PersonAccess(unmasked=False, sections=frozenset(), audited=True, minimal=True)
    if role == Role.BOARDING_OWNER:
        return PersonAccess(unmasked=False, sections=frozenset({MEMBERSHIPS}), audited=True)
    if role is None:
        return PersonAccess(unmasked=False, sections=frozenset(), audited=True, minimal=True)
    is_self = person is not None and person.pk == user.person_id
    return PersonAccess(unmasked=role in UNMASKED_ROLES or is_self, sections=ALL_SECTIONS,
                        audited=not is_self)


def visible_memberships(user: User, person: Person) -> QuerySet[Membership]:
    """A person's memberships as `user` may see them (owners: rooms of their house)."""
    qs = Membership.objects.filter(person=person)
    if role_of(user) == Role.BOARDING_OWNER:
        rooms = Place.objects.filter(boarding_house__in=visible_boarding_houses(user))
        qs = qs.filter(Q(place__in=rooms) | Q(place__isnull=True, group_code__in=rooms.values("code")))
    return qs


# --- tracing (declared cases and their saved traces, `truyvet.cases`) ------------------
#
# Who may trace: the province administrator, the health authority (the province
# CDC for anyone, a district health centre for index persons of its district),
# and an enterprise's administrator and health officer for index persons of
# their enterprise. Everyone else gets 404 on trace pages and endpoints.
# A trace's contacts cross enterprises, so its lists show people outside the
# user's scope too, but only as `trace_contact_access(user, in_scope=False)`
# allows: name, birth year, sex, enterprise and org unit, with the ID number and
# phone masked, and no link to their person page. Saved traces are visible to
# whoever may trace their index person now.

TRACING_ROLES = frozenset({
    Role.PROVINCE_ADMIN, Role.HEALTH_AUTHORITY, Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_HEALTH,
})


def can_trace(user: User) -> bool:
    """May `user` declare cases and read traces at all?"""
    return role_of(user) in TRACING_ROLES


def traceable_people(user: User) -> QuerySet[Person]:
    """Index persons `user` may run a trace from (or read a saved trace of)."""
    return visible_people(user) if can_trace(user) else Person.objects.none()


def visible_traces(user: User) -> QuerySet:
    """Saved traces whose index person `user` may trace."""
    from truyvet.cases.models import Trace

    if not can_trace(user):
        return Trace.objects.none()
    return Trace.objects.filter(person__in=traceable_people(user))


def trace_contact_access(user: User, in_scope: bool) -> PersonAccess:
    """What a tracer sees of one contact: as on lists when the contact is in
    scope, masked (no ID number, phone or sections) when outside it."""
    if in_scope:
        return person_access(user)
    return PersonAccess(unmasked=False, sections=frozenset(), audited=True)


# --- check-ins (truyvet.checkins) ------------------------------------------------------
#
# | who                                      | may                                        |
# | ---------------------------------------- | ------------------------------------------ |
# | gate_operator, enterprise_admin,         | record guard scans (kiosk) at the places   |
# | enterprise_health                        | of `user.enterprise`                       |
# | province_admin                           | record guard scans anywhere                |
# | enterprise_admin, enterprise_health,     | print badges and posters, import attendance|
# | province_admin                           | logs, see bus trips of their enterprises   |
# | enterprise_admin, province_admin         | create and revoke scan-device API tokens   |
#
# A place outside these answers 404 (like every other object outside a scope).
# Self check-in (/c/<token>/) needs no login: the worker proves who they are
# once (ID number and birth date, or their badge) and the phone keeps a signed
# cookie naming their badge.

CHECKIN_ADMIN_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_HEALTH})
SCAN_ROLES = CHECKIN_ADMIN_ROLES | {Role.GATE_OPERATOR}


def scan_places(user: User) -> QuerySet[Place]:
    """Places where `user` may record scans at a gate kiosk."""
    role = role_of(user)
    if role == Role.PROVINCE_ADMIN:
        return Place.objects.all()
    if role in SCAN_ROLES and user.enterprise_id:
        return Place.objects.filter(enterprise_id=user.enterprise_id)
    return Place.objects.none()


def checkin_admin_enterprises(user: User) -> QuerySet[Enterprise]:
    """Enterprises whose badges, posters, attendance logs and bus trips `user` manages."""
    role = role_of(user)
    if role in CHECKIN_ADMIN_ROLES:
        return visible_enterprises(user)
    return Enterprise.objects.none()


def device_admin_enterprises(user: User) -> QuerySet[Enterprise]:
    """Enterprises whose scan-device tokens `user` may create and revoke."""
    if role_of(user) in (Role.PROVINCE_ADMIN, Role.ENTERPRISE_ADMIN):
        return visible_enterprises(user)
    return Enterprise.objects.none()

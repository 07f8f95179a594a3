"""The registry's read endpoints. Every one goes through `accounts.scoping`;
people go through `accounts.privacy` (masking) and `accounts.audit`."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.errors import ValidationError

from truyvet.accounts import audit, scoping
from truyvet.accounts.privacy import people_views, person_view
from truyvet.api.auth import api_user
from truyvet.api.schemas import (
    EnterpriseDetailOut,
    EnterpriseOut,
    EnterpriseQuery,
    MembershipOut,
    OrgUnitOut,
    Paged,
    PageQuery,
    PeopleQuery,
    PersonOut,
    PlaceOut,
    PlaceQuery,
    PresenceOut,
    PresenceQuery,
)
from truyvet.places.kinds import PlaceKind
from truyvet.places.models import Place, Presence
from truyvet.registry.models import Enterprise, Person
from truyvet.web import queries

router = Router()


def paginate(qs: QuerySet | list, params: PageQuery) -> dict:
    start = (params.page - 1) * params.page_size
    count = len(qs) if isinstance(qs, list) else qs.count()
    return {"count": count, "page": params.page, "page_size": params.page_size,
            "items": list(qs[start:start + params.page_size])}


def _enterprise(request: HttpRequest, enterprise_id: int) -> Enterprise:
    qs = scoping.visible_enterprises(api_user(request)).select_related("zone", "district")
    return scoping.get_visible_or_404(qs, pk=enterprise_id)


def _person(request: HttpRequest, **lookup: object) -> Person:
    qs = scoping.visible_people(api_user(request)).select_related("enterprise", "org_unit")
    return scoping.get_visible_or_404(qs, **lookup)


def _audit(request: HttpRequest, action: str, ids: list[int], masked: bool) -> None:
    audit.record_access(api_user(request), action, f"API {request.method} {request.get_full_path()}",
                        person_ids=ids, request=request, masked=masked)


# --- enterprises ---------------------------------------------------------------------


@router.get("/enterprises", response=Paged[EnterpriseOut], tags=["enterprises"])
def list_enterprises(request: HttpRequest, params: Query[EnterpriseQuery]) -> dict:
    zone = "none" if params.outside_zones else params.zone
    qs = queries.search_enterprises(api_user(request), params.q, zone, params.district)
    return paginate(qs, params)


@router.get("/enterprises/{int:enterprise_id}", response=EnterpriseDetailOut, tags=["enterprises"])
def get_enterprise(request: HttpRequest, enterprise_id: int) -> Enterprise:
    enterprise = _enterprise(request, enterprise_id)
    enterprise.worker_count = enterprise.workers.count()
    return enterprise


@router.get("/enterprises/{int:enterprise_id}/org-units", response=Paged[OrgUnitOut],
            tags=["enterprises"])
def list_org_units(request: HttpRequest, enterprise_id: int, params: Query[PageQuery]) -> dict:
    """The org tree in tree order (parents before children), with head counts."""
    tree = queries.org_tree(_enterprise(request, enterprise_id))
    rows = [OrgUnitOut(id=n.unit.pk, code=n.unit.code, name=n.unit.name, kind=n.unit.kind,
                       parent_id=n.unit.parent_id, depth=n.depth, direct_count=n.direct,
                       total_count=n.total) for n in tree]
    return paginate(rows, params)


# --- people --------------------------------------------------------------------------


@router.get("/people", response=Paged[PersonOut], tags=["people"])
def list_people(request: HttpRequest, params: Query[PeopleQuery]) -> dict:
    user = api_user(request)
    enterprise = _enterprise(request, params.enterprise) if params.enterprise else None
    unit_ids = None
    if params.org_unit:
        if enterprise is None:
            unit = scoping.get_visible_or_404(scoping.visible_org_units(user), pk=params.org_unit)
            enterprise = unit.enterprise
        unit_ids = queries.subtree_ids(enterprise, params.org_unit)
    qs = queries.search_people(user, params.q, enterprise, unit_ids)
    page = paginate(qs, params)
    page["items"] = people_views(user, page["items"])
    _audit(request, audit.API_PEOPLE, [p.id for p in page["items"]],
           not scoping.person_access(user).unmasked)
    return page


def _person_out(request: HttpRequest, person: Person):
    user = api_user(request)
    access = scoping.person_access(user, person)
    view = person_view(user, person, access)
    if access.audited:
        _audit(request, audit.API_PERSON, [person.pk], view.masked)
    return view


@router.get("/people/{uuid:person_uuid}", response=PersonOut, tags=["people"])
def get_person(request: HttpRequest, person_uuid: UUID):
    return _person_out(request, _person(request, uuid=person_uuid))


@router.get("/people/by-national-id/{national_id}", response=PersonOut, tags=["people"])
def get_person_by_national_id(request: HttpRequest, national_id: str):
    return _person_out(request, _person(request, national_id=national_id[:32]))


def _section_or_404(request: HttpRequest, person: Person, section: str) -> None:
    if section not in scoping.person_access(api_user(request), person).sections:
        raise Http404


@router.get("/people/{uuid:person_uuid}/memberships", response=Paged[MembershipOut],
            tags=["people"])
def list_memberships(request: HttpRequest, person_uuid: UUID, params: Query[PageQuery]) -> dict:
    person = _person(request, uuid=person_uuid)
    _section_or_404(request, person, scoping.MEMBERSHIPS)
    page = paginate(queries.memberships_of(api_user(request), person), params)
    page["items"] = [MembershipOut(
        group_kind=m.group_kind, group_code=m.group_code, valid_from=m.valid_from,
        valid_to=m.valid_to, org_unit_id=m.org_unit_id, place_id=m.place_id,
        place_name=m.place.name if m.place_id else None) for m in page["items"]]
    _audit(request, audit.API_PERSON, [person.pk], False)
    return page


@router.get("/people/{uuid:person_uuid}/presence", response=Paged[PresenceOut], tags=["people"])
def list_presence(request: HttpRequest, person_uuid: UUID, params: Query[PresenceQuery]) -> dict:
    """Presence intervals, newest first; default the last 14 days."""
    person = _person(request, uuid=person_uuid)
    _section_or_404(request, person, scoping.PRESENCE)
    for name, value in (("since", params.since), ("until", params.until)):
        if value is not None and timezone.is_naive(value):
            raise ValidationError([{"loc": ["query", name], "msg": "needs a time-zone offset"}])
    until = params.until or timezone.now()
    since = params.since or until - timedelta(days=queries.PRESENCE_DAYS)
    if since > until:
        raise ValidationError([{"loc": ["query", "since"], "msg": "must not be after until"}])
    qs = (Presence.objects.of_person(person).filter(start__gte=since, start__lt=until)
          .select_related("place").order_by("-start"))
    page = paginate(qs, params)
    page["items"] = [PresenceOut(
        place_id=p.place_id, place_code=p.place.code, place_name=p.place.name,
        place_kind=p.place.kind, start=p.start, end=p.end,
        effective_end=p.end or p.start + p.place.effective_dwell, source=p.source,
    ) for p in page["items"]]
    _audit(request, audit.API_PERSON, [person.pk], False)
    return page


# --- places --------------------------------------------------------------------------


def _place_out(p: Place) -> PlaceOut:
    return PlaceOut(
        id=p.pk, code=p.code, kind=p.kind, name=p.name, enterprise_id=p.enterprise_id,
        boarding_house_id=p.boarding_house_id, address=p.address, vehicle_plate=p.vehicle_plate,
        capacity=p.capacity, dwell_minutes=int(p.effective_dwell.total_seconds() // 60),
        min_overlap_minutes=int(p.effective_min_overlap.total_seconds() // 60),
        makes_contacts=p.makes_contacts,
    )


@router.get("/places", response=Paged[PlaceOut], tags=["places"])
def list_places(request: HttpRequest, params: Query[PlaceQuery]) -> dict:
    if params.kind is not None and params.kind not in PlaceKind.values:
        raise ValidationError([{"loc": ["query", "kind"],
                                "msg": f"one of {', '.join(PlaceKind.values)}"}])
    qs = queries.search_places(api_user(request), params.q, params.enterprise, params.kind)
    page = paginate(qs, params)
    page["items"] = [_place_out(p) for p in page["items"]]
    return page


@router.get("/places/{int:place_id}", response=PlaceOut, tags=["places"])
def get_place(request: HttpRequest, place_id: int) -> PlaceOut:
    qs = scoping.visible_places(api_user(request))
    return _place_out(scoping.get_visible_or_404(qs, pk=place_id))

"""Place pages: the list (by enterprise and kind) and a place's detail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from truyvet.accounts import audit, scoping
from truyvet.accounts.models import Role
from truyvet.accounts.privacy import people_views
from truyvet.places.kinds import KIND_RULES, PlaceKind
from truyvet.places.models import Place
from truyvet.registry.validation import mask_phone
from truyvet.web import queries

PER_PAGE = 50


@require_GET
@login_required
def place_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    qs = queries.search_places(request.user, g.get("q", ""), g.get("enterprise"), g.get("kind"))
    page = queries.page_of(qs, g.get("page"), PER_PAGE)
    enterprises = list(scoping.visible_enterprises(request.user).order_by("name")[:201])
    return render(request, "places/place_list.html", {
        "page": page, "q": g.get("q", ""), "kind": g.get("kind", ""),
        "enterprise": g.get("enterprise", ""), "kinds": PlaceKind.choices,
        # A filter list is only useful for a handful of enterprises.
        "enterprises": enterprises if len(enterprises) <= 200 else None,
    })


@require_GET
@login_required
def place_detail(request: HttpRequest, pk: int) -> HttpResponse:
    qs = scoping.visible_places(request.user).select_related("enterprise", "boarding_house")
    place = scoping.get_visible_or_404(qs, pk=pk)
    residents = []
    if place.kind == PlaceKind.ROOM and scoping.role_of(request.user) != Role.GATE_OPERATOR:
        residents = people_views(request.user, queries.current_residents(request.user, place)[:100])
        audit.record_access(request.user, audit.LIST_PEOPLE, request.get_full_path(),
                            person_ids=[r.id for r in residents], request=request,
                            masked=bool(residents) and residents[0].masked)
    return render(request, "places/place_detail.html", {
        "place": place, "rule": KIND_RULES[place.kind], "residents": residents,
        "dwell_min": int(place.effective_dwell.total_seconds() // 60),
        "overlap_min": int(place.effective_min_overlap.total_seconds() // 60),
        "driver_phone": _driver_phone(request, place),
    })


def _driver_phone(request: HttpRequest, place: Place) -> str:
    """Bus drivers' phones: in full for those who see phones, and for the gate."""
    if not place.driver_phone:
        return ""
    if (scoping.person_access(request.user).unmasked
            or scoping.role_of(request.user) == Role.GATE_OPERATOR):
        return place.driver_phone
    return mask_phone(place.driver_phone)

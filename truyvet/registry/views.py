"""Registry pages: enterprises, their org trees and workers, person pages.

Views are thin: scoping in `accounts.scoping`, display in `accounts.privacy`,
audit in `accounts.audit`, queries in `web.queries`.
"""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from truyvet.accounts import audit, scoping
from truyvet.accounts.privacy import people_views, person_view
from truyvet.registry.models import Enterprise, Person
from truyvet.web import queries
from truyvet.web.htmx import is_fragment_request

PER_PAGE = 50


def _enterprise_or_404(request: HttpRequest, pk: int) -> Enterprise:
    qs = scoping.visible_enterprises(request.user).select_related("zone", "district")
    return scoping.get_visible_or_404(qs, pk=pk)


def _audit_people(request: HttpRequest, action: str, people: list, masked: bool) -> None:
    audit.record_access(request.user, action, request.get_full_path(),
                        person_ids=[p.id for p in people], request=request, masked=masked)


@require_GET
@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    qs = queries.search_enterprises(request.user, g.get("q", ""), g.get("zone"), g.get("district"))
    page = queries.page_of(qs, g.get("page"), PER_PAGE)
    districts = scoping.visible_enterprises(request.user).filter(district__isnull=False) \
        .values_list("district_id", "district__name").distinct().order_by("district__name")
    return render(request, "registry/enterprise_list.html", {
        "page": page, "q": g.get("q", ""), "zone": g.get("zone", ""),
        "district": g.get("district", ""),
        "zones": scoping.visible_zones(request.user).order_by("name"),
        "districts": list(districts),
    })


@require_GET
@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise_or_404(request, pk)
    tree = queries.org_tree(enterprise)
    total = enterprise.workers.count()
    assigned = sum(n.direct for n in tree)
    return render(request, "registry/enterprise_detail.html", {
        "enterprise": enterprise, "tree": tree, "total": total,
        "unassigned": max(total - assigned, 0),
        "places_count": scoping.visible_places(request.user).filter(enterprise=enterprise).count(),
        "can_export": _can_export(request),
    })


def _can_export(request: HttpRequest) -> bool:
    return scoping.role_of(request.user) in scoping.ENTERPRISE_SCOPED


def _workers_queryset(request: HttpRequest, enterprise: Enterprise):
    unit_id = queries.to_int(request.GET.get("unit"))
    unit_ids = queries.subtree_ids(enterprise, unit_id) if unit_id else None
    return queries.search_people(request.user, request.GET.get("q", ""), enterprise, unit_ids)


@require_GET
@login_required
@vary_on_headers("HX-Request")
def workers(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise_or_404(request, pk)
    page = queries.page_of(_workers_queryset(request, enterprise), request.GET.get("page"),
                           PER_PAGE)
    rows = people_views(request.user, page.object_list)
    masked = scoping.person_access(request.user)
    _audit_people(request, audit.LIST_PEOPLE, rows, not masked.unmasked)
    ctx = {"enterprise": enterprise, "page": page, "rows": rows, "q": request.GET.get("q", ""),
           "unit": request.GET.get("unit", ""), "access": masked,
           "can_export": _can_export(request)}
    if is_fragment_request(request):
        return render(request, "registry/_people_table.html", ctx)
    ctx["units"] = queries.org_tree(enterprise)
    return render(request, "registry/workers.html", ctx)


@require_GET
@login_required
def workers_csv(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise_or_404(request, pk)
    if not _can_export(request):
        raise Http404
    rows = people_views(request.user, _workers_queryset(request, enterprise).iterator(2000))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{enterprise.code}-{stamp}.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8
    out = csv.writer(response)
    out.writerow([_("Full name"), _("ID number"), _("Phone"), _("Birth year"), _("Sex"),
                  _("Org unit"), _("Person UUID")])
    for r in rows:
        out.writerow([r.full_name, r.national_id, r.phone, r.birth_year or "", r.sex_label,
                      r.org_unit_name, r.uuid])
    _audit_people(request, audit.EXPORT_PEOPLE, rows, rows[0].masked if rows else False)
    return response


@require_GET
@login_required
@vary_on_headers("HX-Request")
def people(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    page = queries.page_of(queries.search_people(request.user, q), request.GET.get("page"),
                           PER_PAGE)
    rows = people_views(request.user, page.object_list)
    access = scoping.person_access(request.user)
    _audit_people(request, audit.LIST_PEOPLE, rows, not access.unmasked)
    ctx = {"page": page, "rows": rows, "q": q, "access": access, "show_enterprise": True}
    if is_fragment_request(request):
        return render(request, "registry/_people_table.html", ctx)
    return render(request, "registry/people.html", ctx)


@require_GET
@login_required
def person_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    qs = scoping.visible_people(request.user).select_related("enterprise", "org_unit")
    person: Person = scoping.get_visible_or_404(qs, uuid=uuid)
    access = scoping.person_access(request.user, person)
    view = person_view(request.user, person, access)
    if access.audited:
        audit.record_access(request.user, audit.VIEW_PERSON, request.get_full_path(),
                            person_ids=[person.pk], request=request, masked=view.masked)
    return render(request, "registry/person_detail.html", {
        "person": view, "access": access,
        **queries.person_record(request.user, person, access),
        "presence_days_n": queries.PRESENCE_DAYS,
        "can_trace": scoping.can_trace(request.user),
    })


@login_required
def me(request: HttpRequest) -> HttpResponse:
    if not request.user.person_id:
        raise Http404
    return redirect("registry:person", uuid=request.user.person.uuid)

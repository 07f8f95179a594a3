"""Health pages: daily test entry, vaccinations and coverage, compliance for
authorities (sortable, CSV/XLSX). Thin: scoping in `accounts.scoping`."""

from __future__ import annotations

import csv
import io

import xlsxwriter
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from truyvet.accounts import scoping
from truyvet.health import compliance, services
from truyvet.health.forms import read_test_round
from truyvet.health.models import TestOutcome, TestResult, TestType
from truyvet.registry.models import Enterprise, OrgUnit
from truyvet.worklists.values import any_date, national_id


def _enterprise(request: HttpRequest, pk: int) -> Enterprise:
    return scoping.get_visible_or_404(scoping.health_entry_enterprises(request.user), pk=pk)


def declare_url(person_uuid: str) -> str | None:
    """The declare-a-case page for a person, when that page exists."""
    try:
        return reverse("cases:declare") + f"?person={person_uuid}"
    except NoReverseMatch:
        return None


@login_required
def tests(request: HttpRequest, pk: int) -> HttpResponse:
    """Pick a team, tick results, save; a positive asks to declare the case."""
    enterprise = _enterprise(request, pk)
    now = timezone.now()
    units = list(OrgUnit.objects.filter(enterprise=enterprise).order_by("name"))
    team = next((u for u in units if str(u.pk) == request.GET.get("team", "")), None)
    outcome, errors = None, []
    if request.method == "POST":
        rnd = read_test_round(request.POST, now)
        errors = rnd.errors
        if not errors:
            outcome = services.record_results(enterprise.pk, request.user.pk, rnd.results,
                                              rnd.sampled_at, rnd.test_type, rnd.pool_id)
            for p in outcome.positives:
                p["declare_url"] = declare_url(p["uuid"])
    workers = (scoping.visible_people(request.user).filter(enterprise=enterprise, org_unit=team)
               .order_by("full_name").only("pk", "uuid", "full_name", "national_id")[:500]
               if team else [])
    local = timezone.localtime(now)
    today_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return render(request, "health/tests.html", {
        "enterprise": enterprise, "units": units, "team": team, "workers": workers,
        "outcome": outcome, "errors": errors, "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"), "types": TestType.choices, "outcomes": TestOutcome.choices,
        "recent": TestResult.objects.filter(enterprise=enterprise, sampled_at__gte=today_start)
        .select_related("person").order_by("-sampled_at")[:50],
        "status": compliance.compliance_rows(Enterprise.objects.filter(pk=enterprise.pk), now)[0],
    }, status=400 if errors else 200)


@require_POST
@login_required
def report_none(request: HttpRequest, pk: int) -> HttpResponse:
    """Report today with no samples taken."""
    enterprise = _enterprise(request, pk)
    services.note_report(enterprise.pk, request.user.pk, 0, 0)
    return redirect("health:tests", pk=enterprise.pk)


@login_required
def vaccinations(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise(request, pk)
    error, saved = "", None
    if request.method == "POST":
        nid, problem = national_id(request.POST.get("national_id", ""))
        given, date_problem = any_date(request.POST.get("given_on", ""), timezone.localdate())
        dose = request.POST.get("dose", "")
        person = scoping.visible_people(request.user).filter(enterprise=enterprise,
                                                             national_id=nid).first()
        if problem or person is None:
            error = _("No worker of this enterprise has this ID number.")
        elif date_problem or not dose.isdigit() or not 1 <= int(dose) <= 10:
            error = _("Enter the dose (1-10) and the date.")
        else:
            saved = services.record_vaccination(person, request.user.pk, int(dose),
                                                request.POST.get("vaccine", ""), given,
                                                request.POST.get("place", ""))
    return render(request, "health/vaccinations.html", {
        "enterprise": enterprise, "rows": services.coverage(enterprise.pk), "error": error,
        "saved": saved,
    }, status=400 if error else 200)


def _compliance(request: HttpRequest) -> tuple[list[compliance.ComplianceRow], str, str]:
    role = scoping.role_of(request.user)
    if role not in scoping.COMPLIANCE_AUTHORITIES and role not in scoping.DATA_KEEPERS:
        raise Http404
    sort, show = request.GET.get("sort", "report"), request.GET.get("show", "")
    rows = compliance.compliance_rows(scoping.compliance_enterprises(request.user))
    return compliance.sort_and_filter(rows, sort, show), sort, show


@require_GET
@login_required
def compliance_page(request: HttpRequest) -> HttpResponse:
    rows, sort, show = _compliance(request)
    rules = compliance.Rules.current()
    return render(request, "health/compliance.html", {
        "rows": rows[:1000], "total": len(rows), "sort": sort, "show": show, "rules": rules,
        "behind": sum(r.behind for r in rows), "badges": compliance._badge_table() is not None,
        "sorts": [("report", _("Test report")), ("list", _("List age")), ("name", _("Name")),
                  ("workers", _("Workers")), ("room", _("Residence")), ("badge", _("Badge")),
                  ("scan", _("Scanned today")), ("vaccinated", _("Vaccinated"))],
    })


def _export_rows(rows: list[compliance.ComplianceRow]) -> list[list]:
    head = [_("Code"), _("Enterprise"), _("Industrial zone"), _("Workers"), _("Test report"),
            _("Reported at"), _("Tests"), _("Positives"), _("List updated"), _("List age (days)"),
            _("List overdue"), _("With residence (%)"), _("With badge (%)"), _("Scanned today (%)"),
            _("Vaccinated (%)")]
    out = [head]
    for r in rows:
        out.append([r.code, r.name, r.zone, r.workers, r.report_label,
                    timezone.localtime(r.reported_at).strftime("%d/%m/%Y %H:%M") if r.reported_at else "",
                    r.tests, r.positives,
                    timezone.localtime(r.list_applied_at).strftime("%d/%m/%Y %H:%M")
                    if r.list_applied_at else "", "" if r.list_age_days is None else r.list_age_days,
                    _("yes") if r.list_stale else _("no"), r.room_share,
                    "" if r.badge_share is None else r.badge_share, r.scan_share, r.vaccinated_share])
    return out


@require_GET
@login_required
def compliance_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    rows, _sort, _show = _compliance(request)
    table = _export_rows(rows)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")
        csv.writer(response).writerows(table)
    else:
        buf = io.BytesIO()
        wb = xlsxwriter.Workbook(buf, {"in_memory": True})
        ws = wb.add_worksheet("Tuân thủ")
        for i, row in enumerate(table):
            ws.write_row(i, 0, row)
        wb.close()
        response = HttpResponse(buf.getvalue(), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f'attachment; filename="tuan-thu-{stamp}.{fmt}"'
    return response

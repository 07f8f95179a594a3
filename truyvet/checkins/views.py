"""Check-in pages for officials: hub, badges, posters, jobs, scan devices,
attendance import, bus trips and boarding-house rooms. Thin: the work is in
`tokens`, `job_kinds`, `attendance`, `trips`; visibility in `accounts.scoping`."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from truyvet.accounts import audit, scoping
from truyvet.accounts.models import Role
from truyvet.accounts.privacy import people_views
from truyvet.checkins import jobs, pdf, tokens, trips
from truyvet.checkins.attendance import import_attendance
from truyvet.checkins.job_kinds import badge_cards, badge_people, poster_places
from truyvet.checkins.models import Badge, Job, ScanDevice
from truyvet.core.uploads import UploadRejected, check_upload
from truyvet.places.kinds import PlaceKind
from truyvet.registry.models import Enterprise, OrgUnit


def _enterprise(request: HttpRequest, qs_func=scoping.checkin_admin_enterprises) -> Enterprise:
    """The enterprise a page works on: the user's own, or ?enterprise= for the province."""
    qs = qs_func(request.user)
    wanted = request.POST.get("enterprise") or request.GET.get("enterprise")
    if wanted:
        return scoping.get_visible_or_404(qs, pk=wanted)
    if request.user.enterprise_id:
        return scoping.get_visible_or_404(qs, pk=request.user.enterprise_id)
    first = qs.order_by("name").first()
    if first is None:
        raise Http404(_("enterprise"))
    return first


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@login_required
def hub(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "checkins/hub.html", {
        "can_scan": scoping.scan_places(user).exists(),
        "can_admin": scoping.checkin_admin_enterprises(user).exists(),
        "can_devices": scoping.device_admin_enterprises(user).exists(),
        "is_owner": scoping.role_of(user) == Role.BOARDING_OWNER,
        "buses": scoping.visible_places(user).filter(kind=PlaceKind.BUS).order_by("name")[:100],
    })


# --- badges ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def badges(request: HttpRequest) -> HttpResponse:
    enterprise = _enterprise(request)
    units = OrgUnit.objects.filter(enterprise=enterprise).order_by("name")
    if request.method == "POST":
        unit = None
        if request.POST.get("org_unit"):
            unit = scoping.get_visible_or_404(units, pk=request.POST["org_unit"])
        total = badge_people(enterprise.pk, unit.pk if unit else None).count()
        job = jobs.enqueue("badges", {
            "enterprise_id": enterprise.pk, "org_unit_id": unit.pk if unit else None,
            "label": unit.code if unit else enterprise.code, "lang": translation.get_language(),
        }, user=request.user, enterprise_id=enterprise.pk, total=total)
        jobs.kick()
        return redirect("checkins:job", job_id=job.pk)
    q = request.GET.get("q", "").strip()
    found = []
    if q:
        people = (scoping.visible_people(request.user).filter(enterprise=enterprise).search(q)
                  .select_related("enterprise", "org_unit")[:20])
        found = people_views(request.user, people)
        audit.record_access(request.user, audit.LIST_PEOPLE, request.get_full_path(),
                            person_ids=[p.id for p in found], request=request,
                            masked=bool(found) and found[0].masked)
    return render(request, "checkins/badges.html", {
        "enterprise": enterprise, "units": units, "q": q, "found": found,
        "recent": Job.objects.filter(enterprise=enterprise, kind="badges").defer("result")[:5],
    })


def _badge_person(request: HttpRequest, person_uuid: object):
    qs = scoping.visible_people(request.user).filter(
        enterprise__in=scoping.checkin_admin_enterprises(request.user))
    return scoping.get_visible_or_404(qs.select_related("enterprise", "org_unit"), uuid=person_uuid)


@require_http_methods(["GET", "POST"])
@login_required
def person_badges(request: HttpRequest, person_uuid: object) -> HttpResponse:
    person = _badge_person(request, person_uuid)
    if request.method == "POST":
        if request.POST.get("action") == "reissue":
            current = tokens.active_badge(person)
            if current:
                tokens.revoke_badge(current, request.POST.get("reason") or "lost")
            tokens.issue_badge(person)
        return redirect("checkins:person_badges", person_uuid=person.uuid)
    audit.record_access(request.user, audit.VIEW_PERSON, request.get_full_path(),
                        person_ids=[person.pk], request=request)
    return render(request, "checkins/person_badges.html", {
        "person": person, "badges": Badge.objects.filter(person=person).order_by("-issued_at"),
    })


@require_GET
@login_required
def person_badge_pdf(request: HttpRequest, person_uuid: object) -> HttpResponse:
    person = _badge_person(request, person_uuid)
    tokens.ensure_badge(person)
    data = pdf.badge_sheets(badge_cards(badge_people(person.enterprise_id).filter(pk=person.pk)))
    return _pdf(data, f"badge-{person.uuid}.pdf")


# --- posters -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def posters(request: HttpRequest) -> HttpResponse:
    enterprise = _enterprise(request)
    places = enterprise.places.order_by("kind", "name")
    if request.method == "POST":
        job = jobs.enqueue("posters", {
            "enterprise_id": enterprise.pk, "base_url": request.build_absolute_uri("/"),
            "lang": translation.get_language(),
        }, user=request.user, enterprise_id=enterprise.pk, total=places.count())
        jobs.kick()
        return redirect("checkins:job", job_id=job.pk)
    rows = [(p, tokens.place_token(p.pk)) for p in places[:500]]
    return render(request, "checkins/posters.html", {"enterprise": enterprise, "rows": rows})


@require_GET
@login_required
def place_poster(request: HttpRequest, place_id: int) -> HttpResponse:
    qs = scoping.visible_places(request.user).filter(
        enterprise__in=scoping.checkin_admin_enterprises(request.user))
    if scoping.role_of(request.user) == Role.BOARDING_OWNER:
        qs = scoping.visible_places(request.user)
    place = scoping.get_visible_or_404(qs, pk=place_id)
    data = pdf.posters(poster_places(type(place).objects.filter(pk=place.pk),
                                     request.build_absolute_uri("/")))
    return _pdf(data, f"poster-{place.code}.pdf")


# --- jobs ------------------------------------------------------------------------------------


def _job(request: HttpRequest, job_id: object) -> Job:
    qs = Job.objects.filter(enterprise__in=scoping.checkin_admin_enterprises(request.user)).defer("result")
    return scoping.get_visible_or_404(qs, pk=job_id)


@require_GET
@login_required
def job(request: HttpRequest, job_id: object) -> HttpResponse:
    return render(request, "checkins/job.html", {"job": _job(request, job_id)})


@require_GET
@login_required
def job_progress(request: HttpRequest, job_id: object) -> HttpResponse:
    return render(request, "checkins/job_progress.html", {"job": _job(request, job_id)})


@require_GET
@login_required
def job_download(request: HttpRequest, job_id: object) -> HttpResponse:
    row = _job(request, job_id)
    if row.status != Job.Status.DONE:
        raise Http404(_("job"))
    return _pdf(bytes(Job.objects.values_list("result", flat=True).get(pk=row.pk)), row.result_name)


# --- scan devices -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def devices(request: HttpRequest) -> HttpResponse:
    enterprise = _enterprise(request, scoping.device_admin_enterprises)
    new_token = ""
    if request.method == "POST":
        name = request.POST.get("name", "").strip()[:100] or _("Scanning device")
        kind = request.POST.get("kind") if request.POST.get("kind") in ScanDevice.Kind.values else "device"
        _row, new_token = tokens.create_device(enterprise.pk, name, kind, created_by=request.user)
    return render(request, "checkins/devices.html", {
        "enterprise": enterprise, "devices": ScanDevice.objects.filter(enterprise=enterprise),
        "new_token": new_token, "kinds": ScanDevice.Kind.choices,
    })


@require_POST
@login_required
def revoke_device(request: HttpRequest, device_id: int) -> HttpResponse:
    qs = ScanDevice.objects.filter(enterprise__in=scoping.device_admin_enterprises(request.user))
    device = scoping.get_visible_or_404(qs, pk=device_id)
    tokens.revoke_device(device)
    return redirect(f"{redirect('checkins:devices').url}?enterprise={device.enterprise_id}")


# --- attendance -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def attendance(request: HttpRequest) -> HttpResponse:
    enterprise = _enterprise(request)
    places = enterprise.places.order_by("kind", "name")
    report, error = None, ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        place = None
        if request.POST.get("place"):
            place = scoping.get_visible_or_404(places, pk=request.POST["place"])
        try:
            if upload is None:
                raise UploadRejected(_("Choose a CSV file."))
            check_upload(upload, kinds=("csv",))  # by content and size, as every upload
        except UploadRejected as exc:
            error = " ".join(exc.messages)
        else:
            raw = upload.read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("cp1258", errors="replace")
            report = import_attendance(text, enterprise.pk, place)
    return render(request, "checkins/attendance.html", {
        "enterprise": enterprise, "places": places, "report": report, "error": error,
    }, status=400 if error else 200)


# --- bus trips, rooms ---------------------------------------------------------------------------


@require_GET
@login_required
def bus_trips(request: HttpRequest, place_id: int) -> HttpResponse:
    qs = scoping.visible_places(request.user).filter(kind=PlaceKind.BUS)
    bus = scoping.get_visible_or_404(qs, pk=place_id)
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    riders = trips.riders(request.user, bus, day)
    audit.record_access(request.user, audit.LIST_PEOPLE, request.get_full_path(),
                        person_ids=[r.person.id for r in riders], request=request,
                        masked=bool(riders) and riders[0].person.masked)
    return render(request, "checkins/bus_trips.html", {"bus": bus, "day": day, "riders": riders})


@require_GET
@login_required
def rooms(request: HttpRequest) -> HttpResponse:
    listing = trips.rooms_with_residents(request.user)
    ids = [p.id for _room, people in listing for p in people]
    audit.record_access(request.user, audit.LIST_PEOPLE, request.get_full_path(), person_ids=ids,
                        request=request, masked=True)
    return render(request, "checkins/rooms.html", {"listing": listing})

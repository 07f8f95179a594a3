"""Self check-in pages at /c/<place token>/ (no login; see `selfcheck`)."""

from __future__ import annotations

import uuid
from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from truyvet.checkins import selfcheck, tokens
from truyvet.checkins.messages import reason_text
from truyvet.checkins.models import Direction
from truyvet.checkins.scans import ScanOut
from truyvet.places.models import Place


def _place(token: str) -> Place:
    pid = tokens.place_id_from_token(token)
    place = (Place.objects.select_related("enterprise", "boarding_house").filter(pk=pid).first()
             if pid else None)
    if place is None:
        raise Http404(_("place"))
    return place


def _result_view(result: ScanOut, moved: bool) -> dict:
    out = result.direction == Direction.OUT
    if result.outcome == "rejected":
        return {"color": "red", "title": _("Not recorded"), "detail": reason_text(result.reason)}
    title = _("Checked out") if out else _("Checked in")
    detail = ""
    color = "green"
    if result.outcome in ("repeat", "duplicate"):
        detail = _("Already recorded a moment ago.")
    elif out and not result.closed:
        detail = _("No check-in found here; your visit was noted.")
        color = "amber"
    if moved:
        detail = _("Your residence is now this room.")
    return {"color": color, "title": title, "name": result.person_name,
            "when": timezone.localtime(result.at) if result.at else None, "detail": detail}


@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    place = _place(token)
    badge = selfcheck.remembered_badge(request)
    result = None
    if request.method == "POST":
        if badge is None:
            return redirect("checkins:checkin", token=token)
        direction = Direction.OUT if request.POST.get("action") == "out" else Direction.IN
        scan, moved = selfcheck.check_in(badge, place, direction, request.POST.get("client_id", ""),
                                         request=request)
        result = _result_view(scan, moved)
    response = render(request, "checkins/self_checkin.html", {
        "place": place, "token": token, "badge": badge, "result": result,
        "client_id": uuid.uuid4(),
    })
    response["Cache-Control"] = "no-store"
    return response


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        pass
    try:
        d, m, y = text.strip().split("/")
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


@require_POST
def identify(request: HttpRequest, token: str) -> HttpResponse:
    place = _place(token)
    p = request.POST
    badge = None
    if selfcheck.too_many_failures(request):
        error = _("Too many attempts. Try again in 15 minutes or ask your supervisor.")
    else:
        badge = selfcheck.identify(p.get("national_id", "")[:32],
                                   _parse_date(p.get("birth_date", "")), p.get("badge", "")[:100])
        error = "" if badge else _("We could not find you. Check the ID number and date of birth.")
    if badge is None:
        selfcheck.note_failure(request)
        response = render(request, "checkins/self_checkin.html", {
            "place": place, "token": token, "error": error,
            "national_id": p.get("national_id", "")[:32], "birth_date": p.get("birth_date", "")[:10],
        }, status=400)
        return response
    response = redirect("checkins:checkin", token=token)
    selfcheck.remember(response, badge)
    return response


@require_POST
def forget(request: HttpRequest, token: str) -> HttpResponse:
    _place(token)
    response = redirect("checkins:checkin", token=token)
    selfcheck.forget(response)
    return response

"""Gate kiosk pages: choose a place, then scan (badge, ID-card QR, ID number)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from truyvet.accounts import audit, scoping
from truyvet.checkins.kiosk import KioskInputError, parse_kiosk_scans, record_kiosk_scans


@require_GET
@login_required
def kiosk_choose(request: HttpRequest) -> HttpResponse:
    places = (scoping.scan_places(request.user).select_related("enterprise")
              .order_by("kind", "name")[:500])
    return render(request, "checkins/kiosk_choose.html", {"places": places})


@require_GET
@login_required
def kiosk(request: HttpRequest, place_id: int) -> HttpResponse:
    qs = scoping.scan_places(request.user).select_related("enterprise")
    place = scoping.get_visible_or_404(qs, pk=place_id)
    i18n = {"saved": _("SAVED"), "saved_detail": _("No network: kept on this device, sent later"),
            "online": _("online"), "offline": _("offline"),
            "login": _("Session ended: log in again to send the scans")}
    return render(request, "checkins/kiosk.html", {"place": place, "i18n": i18n})


@require_POST
@login_required
def kiosk_scans(request: HttpRequest, place_id: int) -> JsonResponse:
    place = scoping.get_visible_or_404(scoping.scan_places(request.user), pk=place_id)
    try:
        scans = parse_kiosk_scans(json.loads(request.body or b"null"), place)
    except KioskInputError as e:
        return JsonResponse({"error": str(e)}, status=400)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "body", "detail": "not JSON"}, status=400)
    results, shown = record_kiosk_scans(scans, place, request.user.enterprise_id)
    audit.record_access(request.user, audit.LIST_PEOPLE, f"kiosk {place.code}",
                        person_ids=shown, request=request, masked=True)
    return JsonResponse({"results": results})

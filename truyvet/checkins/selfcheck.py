"""Self check-in: a worker's phone opens a place's poster URL, the worker
identifies once, and the phone remembers them with a signed cookie naming their
badge serial (no personal data). Plain functions; views are in `views_public`."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from truyvet.checkins import tokens
from truyvet.checkins.models import Badge, Direction
from truyvet.checkins.residence import declare_residence
from truyvet.checkins.scans import ScanContext, ScanIn, ScanOut, record_scans
from truyvet.places.kinds import PlaceKind, PresenceSource
from truyvet.places.models import Place
from truyvet.registry.models import Person

COOKIE = "tv_badge"
COOKIE_SALT = "truyvet.checkins.device"
COOKIE_MAX_AGE = 400 * 24 * 3600
MAX_FAILURES = 10          # identification attempts per address ...
FAILURE_WINDOW = 15 * 60   # ... per this many seconds


def remembered_badge(request: HttpRequest) -> Badge | None:
    """The active badge named by the device cookie, or None."""
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return None
    try:
        serial = signing.loads(raw, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None
    return (Badge.objects.select_related("person")
            .filter(serial=serial, revoked_at__isnull=True).first())


def remember(response: HttpResponse, badge: Badge) -> None:
    response.set_cookie(COOKIE, signing.dumps(badge.serial, salt=COOKIE_SALT),
                        max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE)


def forget(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE, samesite="Lax")


def _failures_key(request: HttpRequest) -> str:
    return f"checkins:idfail:{request.META.get('REMOTE_ADDR', '')}"


def too_many_failures(request: HttpRequest) -> bool:
    return cache.get(_failures_key(request), 0) >= MAX_FAILURES


def note_failure(request: HttpRequest) -> None:
    key = _failures_key(request)
    cache.add(key, 0, FAILURE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, FAILURE_WINDOW)


def identify(national_id: str = "", birth_date: date | None = None,
             badge_code: str = "") -> Badge | None:
    """The person's active badge (issued now if they have none) when the ID
    number and birth date match the registry, or the badge code is valid."""
    if badge_code:
        serial = tokens.verify_token(badge_code)
        if serial is None:
            return None
        return Badge.objects.filter(serial=serial, revoked_at__isnull=True).first()
    if not national_id or birth_date is None:
        return None
    person = Person.objects.filter(national_id=national_id.strip(), date_of_birth=birth_date).first()
    return tokens.ensure_badge(person) if person else None


def check_in(badge: Badge, place: Place, direction: int, client_id: str,
             request: HttpRequest | None = None) -> tuple[ScanOut, bool]:
    """Record a self-scan; a room "in" also declares residence there (audited
    with the request's address). Returns the scan result and whether the residence changed."""
    try:
        cid = str(uuid.UUID(client_id))
    except (ValueError, TypeError):
        cid = str(uuid.uuid4())
    result = record_scans(
        [ScanIn(client_id=cid, place_id=place.pk, direction=direction, serial=badge.serial)],
        ScanContext(origin="self", source=PresenceSource.QR_SELF, enterprise_id=place.enterprise_id),
    )[0]
    moved = False
    if (place.kind == PlaceKind.ROOM and direction == Direction.IN
            and result.outcome in ("accepted", "repeat")):
        moved = declare_residence(badge.person, place, timezone.localdate(), request=request)
    return result, moved

"""Gate kiosk: turn a batch of scanner / camera reads into results for the
guard's screen. Plain functions; the view is in `views_kiosk`."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from truyvet.checkins.messages import reason_text
from truyvet.checkins.models import Direction
from truyvet.checkins.scans import ScanContext, ScanIn, ScanOut, record_scans
from truyvet.places.kinds import PresenceSource
from truyvet.places.models import Place

MAX_KIOSK_BATCH = 500


class KioskInputError(ValueError):
    pass


def parse_kiosk_scans(data: object, place: Place) -> list[ScanIn]:
    """Validate the JSON a kiosk sends: {"scans": [{client_id, code, direction, time}]}."""
    if not isinstance(data, dict) or not isinstance(data.get("scans"), list):
        raise KioskInputError("scans")
    items = data["scans"][:MAX_KIOSK_BATCH]
    out = []
    for i, s in enumerate(items):
        if not isinstance(s, dict):
            raise KioskInputError(f"scans[{i}]")
        cid, code = s.get("client_id"), s.get("code")
        if not isinstance(cid, str) or not 0 < len(cid) <= 64:
            raise KioskInputError(f"scans[{i}].client_id")
        if not isinstance(code, str) or len(code) > 2000:
            raise KioskInputError(f"scans[{i}].code")
        when = None
        if isinstance(s.get("time"), str):
            try:
                when = datetime.fromisoformat(s["time"].replace("Z", "+00:00"))
            except ValueError:
                when = None
            if when is not None and when.tzinfo is None:
                when = None
        direction = Direction.OUT if s.get("direction") == "out" else Direction.IN
        out.append(ScanIn(client_id=cid, place_id=place.pk, direction=direction,
                          device_time=when, code=code))
    return out


def result_for_guard(r: ScanOut, place: Place) -> dict:
    """What the guard sees: colour, a headline, the name and the reason."""
    out = r.direction == Direction.OUT
    view = {"client_id": r.client_id, "name": r.person_name, "outcome": r.outcome,
            "reason": r.reason}
    if r.outcome == "rejected":
        return {**view, "color": "red", "title": _("STOP"), "detail": r.message or reason_text(r.reason)}
    title = _("OUT") if out else _("IN")
    color, detail = "green", ""
    if r.outcome in ("repeat", "duplicate"):
        color, detail = "amber", _("Already scanned a moment ago")
    elif place.enterprise_id and r.enterprise_id != place.enterprise_id:
        color, detail = "amber", _("Not a worker of this enterprise")
    elif out and not r.closed:
        color, detail = "amber", _("No check-in found: recorded as a passing visit")
    return {**view, "color": color, "title": title, "detail": detail}


def record_kiosk_scans(scans: list[ScanIn], place: Place,
                       user_enterprise_id: int | None) -> tuple[list[dict], list[int]]:
    """Results for the guard's screen, and the ids of the people named in them."""
    ctx = ScanContext(origin=f"ent:{user_enterprise_id or 0}", source=PresenceSource.QR_GUARD,
                      enterprise_id=place.enterprise_id)
    results = record_scans(scans, ctx)
    return ([result_for_guard(r, place) for r in results],
            sorted({r.person_id for r in results if r.person_id}))

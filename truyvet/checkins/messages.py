"""User-facing words for scan outcomes and reasons (translated)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from truyvet.checkins import scans

REASONS = {
    scans.FORGED: _("Invalid badge (not issued by TruyVết)"),
    scans.REVOKED: _("Revoked badge (lost or replaced)"),
    scans.UNKNOWN_BADGE: _("Unknown badge"),
    scans.UNKNOWN_PERSON: _("Unknown person: not in the worker list"),
    scans.BAD_ID_CARD: _("Unreadable ID card QR"),
    scans.UNREADABLE: _("Not a badge or ID card"),
    scans.UNKNOWN_PLACE: _("Unknown place"),
    scans.QUARANTINE: _("Under quarantine: do not let in"),
    scans.DEVICE_CLOCK: _("The device clock was wrong; server time used"),
}


def reason_text(reason: str) -> str:
    return str(REASONS.get(reason, reason))

"""The QR code on a chip citizen ID card (CCCD gắn chip).

Seven fields separated by ``|``: ID number, old ID number (may be empty), full
name, birth date ``ddmmyyyy``, sex (``Nam`` / ``Nữ``), address, issue date
``ddmmyyyy``. Some cards omit the old number (six fields). Plain functions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from truyvet.registry.validation import cccd_problem


class IdCardError(ValueError):
    """A QR that is not a readable CCCD QR; `str(err)` is a user-facing message."""


@dataclass(frozen=True)
class IdCard:
    number: str
    old_number: str
    full_name: str
    birth_date: date
    sex: str  # "M" / "F"
    address: str
    issue_date: date | None


def _date(text: str, field: str) -> date:
    if not re.fullmatch(r"\d{8}", text):
        raise IdCardError(_("The %(field)s on the ID card QR is not a date (ddmmyyyy).")
                          % {"field": field})
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        raise IdCardError(_("The %(field)s on the ID card QR is not a real date.")
                          % {"field": field}) from None


def _sex(text: str) -> str:
    t = unicodedata.normalize("NFC", text).strip().lower()
    if t == "nam":
        return "M"
    if t in ("nữ", "nu"):
        return "F"
    raise IdCardError(_("The sex on the ID card QR must be Nam or Nữ."))


def looks_like_id_card(text: str) -> bool:
    return "|" in text


def parse_id_card(text: str) -> IdCard:
    """Parse a CCCD QR text; raises IdCardError with a clear message."""
    raw = unicodedata.normalize("NFC", (text or "").strip().strip("\r\n"))
    parts = [p.strip() for p in raw.split("|")]
    if len(parts) == 6:
        parts.insert(1, "")
    if len(parts) != 7:
        raise IdCardError(_("This is not an ID card QR: it needs 6 or 7 fields separated by |."))
    number, old, name, born, sex, address, issued = parts
    if cccd_problem(number) is not None:
        raise IdCardError(_("The ID number on the ID card QR is not a valid 12-digit CCCD."))
    if old and not re.fullmatch(r"\d{9}|\d{12}", old):
        raise IdCardError(_("The old ID number on the ID card QR is not 9 or 12 digits."))
    if not name or any(ch.isdigit() for ch in name):
        raise IdCardError(_("The name on the ID card QR is missing or malformed."))
    return IdCard(
        number=number, old_number=old, full_name=name,
        birth_date=_date(born, _("birth date")), sex=_sex(sex), address=address,
        issue_date=_date(issued, _("issue date")) if issued else None,
    )

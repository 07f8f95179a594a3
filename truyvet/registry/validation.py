"""Checks and normalisation for identity numbers and phones. Plain functions."""

from __future__ import annotations

import re
from datetime import date

PERSON_ID_RE = re.compile(r"^[A-Za-z0-9-]{1,32}$")

# Province / city codes used as the first three digits of a CCCD (Circular 07/2016/TT-BCA).
CCCD_PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 "
    "034 035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 "
    "067 068 070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096".split()
)


def is_valid_person_id(value: str) -> bool:
    """The dataset contract: 1-32 characters from [A-Za-z0-9-]."""
    return bool(PERSON_ID_RE.match(value))


def cccd_problem(value: str, date_of_birth: date | None = None, sex: str = "") -> str | None:
    """Why a 12-digit number is not a valid CCCD, or None if it is.

    Digits 1-3: province code; digit 4: sex and century (0/1: 1900s male/female,
    2/3: 2000s, 4/5: 2100s, 6/7: 2200s, 8/9: 1800s); digits 5-6: birth year.
    """
    if not re.fullmatch(r"\d{12}", value):
        return "a CCCD has exactly 12 digits"
    if value[:3] not in CCCD_PROVINCE_CODES:
        return f"{value[:3]} is not a province code"
    g = int(value[3])
    century = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 1800, 9: 1800}[g]
    if date_of_birth is not None and century + int(value[4:6]) != date_of_birth.year:
        return "the birth year in the number does not match the date of birth"
    if sex and ("M" if g % 2 == 0 else "F") != sex:
        return "the sex digit in the number does not match the sex"
    return None


def normalise_phone(raw: str) -> str:
    """A Vietnamese phone in one format, `0` + 9 digits (e.g. 0912345678), or ''.

    Accepts spaces, dots, dashes, brackets and the +84 / 84 / 0084 prefixes.
    Returns '' when the input is not a plausible Vietnamese number.
    """
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    elif len(digits) == 9 and digits.isdigit() and digits[0] in "35789":
        digits = "0" + digits  # leading zero lost in a spreadsheet
    if re.fullmatch(r"0[235789]\d{8}", digits):
        return digits
    return ""


def mask_id(value: str) -> str:
    """Show only the last 3 characters of an ID number."""
    if len(value) <= 3:
        return "*" * len(value)
    return "*" * (len(value) - 3) + value[-3:]


def mask_phone(value: str) -> str:
    """Show the first 3 and last 2 digits of a phone."""
    if len(value) < 6:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]

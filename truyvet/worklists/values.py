"""Cell values as real files hold them -> typed values, or a reason why not.

Plain functions; each returns (value, problem) where problem is a translated
message or None.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _

from truyvet.registry.validation import PERSON_ID_RE, cccd_problem, normalise_phone
from truyvet.worklists.reading import fold

EXCEL_EPOCH = date(1899, 12, 30)
MIN_YEAR = 1920


def text(value: object) -> str:
    """A cell as trimmed text with single spaces; numbers without a trailing .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def national_id(value: object) -> tuple[str, str | None]:
    """A CCCD (12 digits) or CMND (9 digits); a number that lost its leading zero
    in a spreadsheet (11 or 8 digits) gets it back. Other identifiers
    (passports: letters and digits) are accepted as they are."""
    if isinstance(value, float):
        if not value.is_integer():
            return "", _("not an ID number")
        value = int(value)
    raw = text(value).upper()
    if not raw:
        return "", _("ID number is missing")
    digits = re.sub(r"[\s.\-']", "", raw)
    if digits.isdigit():
        if len(digits) in (11, 8):
            digits = "0" + digits
        if len(digits) == 12:
            if cccd_problem(digits) is None:
                return digits, None
            return digits, _("invalid CCCD: %(code)s is not a province code") % {"code": digits[:3]}
        if len(digits) == 9:
            return digits, None
        return digits, _("an ID number has 12 digits (CCCD) or 9 (CMND)")
    if PERSON_ID_RE.match(digits) and any(c.isdigit() for c in digits) and len(digits) >= 6:
        return digits, None
    return raw, _("not an ID number")


def _valid_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def birth_date(value: object, today: date) -> tuple[date | None, bool, str | None]:
    """(date, year_only, problem). Accepts real dates, Excel serial numbers,
    'dd/mm/yyyy' (also - and .), 'yyyy-mm-dd' and a year alone."""
    if value is None or text(value) == "":
        return None, False, None
    d: date | None = None
    year_only = False
    if isinstance(value, datetime):
        d = value.date()
    elif isinstance(value, date):
        d = value
    elif isinstance(value, (int, float)):
        n = int(value)
        if MIN_YEAR <= n <= today.year:
            d, year_only = date(n, 1, 1), True
        elif 1 < n < 80000:
            d = EXCEL_EPOCH + timedelta(days=n)
    else:
        s = text(value)
        if m := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", s):
            d = _valid_date(int(m[3]), int(m[2]), int(m[1]))
        elif m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", s):
            d = _valid_date(int(m[1]), int(m[2]), int(m[3]))
        elif re.fullmatch(r"\d{4}", s):
            d, year_only = date(int(s), 1, 1), True
        elif re.fullmatch(r"\d{1,5}", s):
            d = EXCEL_EPOCH + timedelta(days=int(s))
        if d is None:
            return None, False, _("not a date (write dd/mm/yyyy or the year)")
    if d is None or not (MIN_YEAR <= d.year and d <= today):
        return None, False, _("date out of range")
    return d, year_only, None


def any_date(value: object, today: date) -> tuple[date | None, str | None]:
    """A date that is not a birth date (vaccination, test): no year-only form."""
    d, year_only, problem = birth_date(value, today)
    if problem:
        return None, problem
    if year_only:
        return None, _("not a date (write dd/mm/yyyy)")
    return d, None


def clock_time(value: object) -> tuple[time | None, str | None]:
    """A time of day (hours and minutes): a real time or datetime, a fraction of a
    day as Excel stores times, or text like 8:30, 08h30, 8h, 14.05."""
    if value is None or text(value) == "":
        return None, None
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0), None
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0), None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 0 <= value < 1:
            minutes = round(value * 24 * 60)
            return (time(minutes // 60, minutes % 60), None) if minutes < 24 * 60 else \
                (time(23, 59), None)
        if float(value).is_integer() and 0 <= value <= 23:
            return time(int(value), 0), None
        return None, _("not a time (write hh:mm)")
    m = re.fullmatch(r"(\d{1,2})\s*[:hH.g]\s*(\d{2})?(?:[:.]\d{2})?\s*(?:phút|p)?", text(value))
    if m and int(m[1]) <= 23 and int(m[2] or 0) <= 59:
        return time(int(m[1]), int(m[2] or 0)), None
    return None, _("not a time (write hh:mm)")


SEX = {"nam": "M", "m": "M", "male": "M", "trai": "M",
       "nu": "F", "f": "F", "female": "F", "gai": "F"}


def sex(value: object) -> tuple[str, str | None]:
    key = fold(value)
    if not key:
        return "", None
    if key in SEX:
        return SEX[key], None
    return "", _("sex must be Nam or Nữ")


def phone(value: object) -> tuple[str, str | None]:
    raw = text(value)
    if not raw:
        return "", None
    normal = normalise_phone(raw)
    return (normal, None) if normal else ("", _("not a Vietnamese phone number"))


def positive_int(value: object, upper: int) -> tuple[int | None, str | None]:
    raw = text(value)
    if not raw:
        return None, None
    m = re.match(r"^(\d{1,2})\b", raw)
    if not m or not (0 <= int(m[1]) <= upper):
        return None, _("a number from 0 to %(n)s") % {"n": upper}
    return int(m[1]), None


RESULTS = {"am tinh": "negative", "am": "negative", "negative": "negative", "neg": "negative",
           "duong tinh": "positive", "duong": "positive", "positive": "positive", "pos": "positive",
           "khong xac dinh": "invalid", "invalid": "invalid", "loi": "invalid", "mau loi": "invalid"}
TEST_TYPES = {"rt pcr": "rt_pcr", "pcr": "rt_pcr", "rtpcr": "rt_pcr",
              "test nhanh": "rapid_antigen", "nhanh": "rapid_antigen", "khang nguyen": "rapid_antigen",
              "test nhanh khang nguyen": "rapid_antigen", "rapid antigen": "rapid_antigen",
              "rapid": "rapid_antigen", "xet nghiem nhanh": "rapid_antigen"}


def test_result(value: object) -> tuple[str, str | None]:
    key = fold(value)
    if not key:
        return "", None
    if key in RESULTS:
        return RESULTS[key], None
    return "", _("result must be Âm tính, Dương tính or Không xác định")


def test_type(value: object) -> tuple[str, str | None]:
    key = fold(value)
    if not key:
        return "", None
    if key in TEST_TYPES:
        return TEST_TYPES[key], None
    return "", _("test type must be RT-PCR or Test nhanh")

"""Local days as instants: the deployment time zone (settings.TIME_ZONE) decides
where a date begins. Stored instants are UTC; dates are local."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings


def local_zone() -> ZoneInfo:
    """The deployment time zone (dates and naive instants are read in it)."""
    return ZoneInfo(settings.TIME_ZONE)


def local_midnight(day: date) -> datetime:
    """00:00 local time on `day`: where a date, a date onset or a date range begins."""
    return datetime.combine(day, time.min, tzinfo=local_zone())


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """[00:00 on `day`, 00:00 on the next day), local time."""
    return local_midnight(day), local_midnight(day + timedelta(days=1))

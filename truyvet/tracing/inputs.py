"""Validation of trace requests, shared by the CLI, the API and the pages.

One function turns loosely typed input (strings from a command line or a
JSON body, or already typed values) into a `TraceInput`, or raises a
`TraceInputError` naming the field, so that every entry point rejects the
same things with the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from truyvet.core.timeutil import local_midnight, local_zone
from truyvet.tracing.types import (
    DEFAULT_DEPTH,
    DEFAULT_LOOKBACK_HOURS,
    MAX_DEPTH,
    MIN_DEPTH,
    TraceInput,
    TraceInputError,
)

MAX_LOOKBACK_HOURS = 24 * 60


def parse_instant(field: str, value: Any, *, allow_date: bool = True) -> datetime:
    """An aware instant from ISO 8601 text, a date, or a datetime.

    Naive values are read in the deployment time zone; a bare date means
    00:00 local on that date (the spec's rule for a date onset).
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=local_zone())
    if isinstance(value, date):
        if allow_date:
            return local_midnight(value)
        raise TraceInputError(field, "expected an instant, not a date")
    if not isinstance(value, str) or not value.strip():
        raise TraceInputError(field, "expected a date (YYYY-MM-DD) or an ISO 8601 instant")
    text = value.strip()
    if len(text) == 10:
        try:
            return parse_instant(field, date.fromisoformat(text), allow_date=allow_date)
        except ValueError:
            raise TraceInputError(field, f"not a valid date: {text!r}") from None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise TraceInputError(field, f"not a valid ISO 8601 instant: {text!r}") from None
    return parse_instant(field, parsed)


def _parse_int(field: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool):
        raise TraceInputError(field, "expected a whole number")
    try:
        number = int(value) if isinstance(value, int) else int(str(value).strip())
    except ValueError:
        raise TraceInputError(field, f"expected a whole number, got {value!r}") from None
    if not lo <= number <= hi:
        raise TraceInputError(field, f"must be between {lo} and {hi}, got {number}")
    return number


def default_lookback_hours() -> int:
    """The province policy's lookback, read without creating the policy row."""
    from truyvet.core.models import Policy

    hours = Policy.objects.filter(pk=1).values_list("trace_lookback_hours", flat=True).first()
    return DEFAULT_LOOKBACK_HOURS if hours is None else hours


def _present(raw: Mapping[str, Any], key: str) -> bool:
    value = raw.get(key)
    return value is not None and value != ""


def _check_person(person_id: Any) -> str:
    from truyvet.registry.models import Person

    if not isinstance(person_id, str) or not person_id.strip():
        raise TraceInputError("person_id", "required")
    person_id = person_id.strip()
    if not Person.objects.filter(national_id=person_id).exists():
        raise TraceInputError("person_id", f"no person with ID {person_id!r}")
    return person_id


def parse_trace_input(raw: Mapping[str, Any], *, now: datetime | None = None) -> TraceInput:
    """Validate a trace request.

    Keys: person_id, onset (required); isolated_at, as_of (default now),
    depth (default 2, 1..5), lookback_hours (default: policy, 48 h).
    Formats are checked before the database is asked about the person, so
    malformed input costs no query.
    """
    if not _present(raw, "person_id"):
        raise TraceInputError("person_id", "required")
    if not _present(raw, "onset"):
        raise TraceInputError("onset", "required")
    onset = parse_instant("onset", raw["onset"])
    # Default "now", to the whole second: the result's instants read cleanly.
    as_of = (parse_instant("as_of", raw["as_of"]) if _present(raw, "as_of")
             else (now or timezone.now()).replace(microsecond=0))
    isolated_at = parse_instant("isolated_at", raw["isolated_at"]) if _present(raw, "isolated_at") else None
    depth = _parse_int("depth", raw["depth"], MIN_DEPTH, MAX_DEPTH) if _present(raw, "depth") else DEFAULT_DEPTH
    lookback = (
        _parse_int("lookback_hours", raw["lookback_hours"], 0, MAX_LOOKBACK_HOURS)
        if _present(raw, "lookback_hours")
        else default_lookback_hours()
    )
    if onset > as_of:
        raise TraceInputError("onset", "onset is after as_of (in the future)")
    window_start = onset - timedelta(hours=lookback)
    if isolated_at is not None:
        if isolated_at < window_start:
            raise TraceInputError("isolated_at", "isolated_at is before the window start (onset - lookback)")
        if isolated_at > as_of:
            raise TraceInputError("isolated_at", "isolated_at is after as_of")
    person_id = _check_person(raw["person_id"])
    return TraceInput(
        person_id=person_id,
        window_start=window_start,
        window_end=isolated_at or as_of,
        as_of=as_of,
        depth=depth,
    )

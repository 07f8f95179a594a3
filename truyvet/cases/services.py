"""Declaring a case: validate, check scope, run the engine, save, audit.

`declare_case` is what the page, the API and any future caller use; it takes
plain input (the CLI's keys) and raises `TraceInputError` naming the field for
anything wrong, saving nothing then.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from truyvet.accounts import audit, scoping
from truyvet.accounts.models import User
from truyvet.cases.models import Trace
from truyvet.cases.store import save_trace
from truyvet.tracing.engine import run_trace
from truyvet.tracing.inputs import parse_instant, parse_trace_input
from truyvet.tracing.types import TraceInputError, TraceResult

# Audit actions of this app (AuditEntry.action).
TRACE_VIEW = "view_trace"
TRACE_EXPORT = "export_trace"
API_TRACE = "api_trace"

INPUT_KEYS = ("person_id", "onset", "isolated_at", "as_of", "depth", "lookback_hours")


@dataclass(frozen=True)
class Declared:
    trace: Trace
    result: TraceResult
    contact_ids: list[int]


def unknown_person(person_id: object) -> TraceInputError:
    """The same error for "no such person" and "not yours" (existence never leaks)."""
    return TraceInputError("person_id", f"no person with ID {person_id!r}")


def _onset_is_date(value: Any) -> bool:
    if isinstance(value, datetime):
        return False
    return isinstance(value, date) or (isinstance(value, str) and len(value.strip()) == 10)


def declare_case(user: User, raw: Mapping[str, Any], *, now: datetime | None = None,
                 request: HttpRequest | None = None, what: str = "") -> Declared:
    """Trace from `raw` (person_id = the index person's ID number, onset, ...)
    as `user`, save the result and audit the run."""
    raw = {k: raw.get(k) for k in INPUT_KEYS}
    try:
        trace_input = parse_trace_input(raw, now=now)
    except TraceInputError as exc:
        if exc.field == "person_id" and raw.get("person_id"):
            raise unknown_person(str(raw["person_id"]).strip()) from None
        raise
    person = scoping.traceable_people(user).filter(national_id=trace_input.person_id) \
        .only("pk").first()
    if person is None:
        raise unknown_person(trace_input.person_id)
    onset = parse_instant("onset", raw["onset"])
    lookback = round((onset - trace_input.window_start).total_seconds() / 3600)
    result = run_trace(trace_input)
    with transaction.atomic():
        trace, ids = save_trace(
            user, result, person_pk=person.pk, onset=onset,
            onset_is_date=_onset_is_date(raw["onset"]),
            isolated_at=trace_input.window_end if raw.get("isolated_at") else None,
            lookback_hours=lookback,
        )
        audit.record_access(user, audit.TRACE_RUN, what or f"trace {trace.uuid}",
                            person_ids=[person.pk, *ids], request=request)
    return Declared(trace, result, ids)

"""Reading the fast test-entry form: plain function, plain data out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from truyvet.health.models import TestOutcome, TestType


@dataclass
class TestRound:
    __test__ = False

    sampled_at: datetime | None = None
    test_type: str = TestType.RAPID_ANTIGEN
    pool_id: str = ""
    results: dict[int, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def read_test_round(data: dict, now: datetime) -> TestRound:
    """Sample date and time (Hanoi), type, pooled id and `r_<person id>` = result."""
    out = TestRound(test_type=data.get("test_type", ""), pool_id=(data.get("pool_id") or "").strip())
    try:
        day = date.fromisoformat(str(data.get("date", "")))
        at = time.fromisoformat(str(data.get("time", ""))).replace(second=0, microsecond=0)
        out.sampled_at = timezone.make_aware(datetime.combine(day, at))
        if out.sampled_at > now:
            out.errors.append(_("The sample time is in the future."))
    except ValueError:
        out.errors.append(_("Enter the sample date and time."))
    if out.test_type not in TestType.values:
        out.errors.append(_("Choose the test type."))
    for key, value in data.items():
        if key.startswith("r_") and value in TestOutcome.values and key[2:].isdigit():
            out.results[int(key[2:])] = value
    if not out.results and not out.errors:
        out.errors.append(_("Tick at least one result."))
    return out

"""Searching the audit log (the province administrator's audit page and CSV)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from truyvet.accounts.models import AuditEntry
from truyvet.core.timeutil import local_midnight
from truyvet.registry.models import Person

CSV_COLUMNS = ["at", "username", "role", "action", "what", "person_id", "count", "person_ids",
               "masked", "ip"]
CSV_MAX_ROWS = 100_000


@dataclass(frozen=True)
class AuditFilter:
    user: str = ""
    national_id: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


def search(f: AuditFilter) -> QuerySet[AuditEntry]:
    """Entries matching every given filter, newest first. The ID number matches
    entries about that person alone and lists that included them."""
    qs = AuditEntry.objects.all().order_by("-at", "-pk")
    if f.user:
        qs = qs.filter(username__iexact=f.user.strip())
    if f.action:
        qs = qs.filter(action=f.action.strip())
    if f.date_from:
        qs = qs.filter(at__gte=local_midnight(f.date_from))
    if f.date_to:
        qs = qs.filter(at__lt=local_midnight(f.date_to + timedelta(days=1)))
    if f.national_id:
        pid = Person.objects.filter(national_id=f.national_id.strip()).values_list(
            "pk", flat=True).first()
        if pid is None:
            return qs.none()
        qs = qs.filter(Q(person_id=pid) | Q(person_ids__contains=[pid]))
    return qs


def known_actions() -> list[str]:
    from truyvet.accounts import audit

    return sorted({v for k, v in vars(audit).items() if k.isupper() and isinstance(v, str)
                   and k != "SYSTEM"})


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(qs: QuerySet[AuditEntry]) -> Iterator[str]:
    """The entries as CSV lines (header first), at most CSV_MAX_ROWS."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for e in qs.values_list(*CSV_COLUMNS)[:CSV_MAX_ROWS].iterator(chunk_size=2000):
        row = list(e)
        row[0] = timezone.localtime(row[0]).isoformat()
        row[7] = " ".join(map(str, row[7]))
        yield writer.writerow(_defuse(row))


def _defuse(row: list) -> list:
    """Keep spreadsheet programs from running cell text as formulas."""
    return [f"'{v}" if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v for v in row]

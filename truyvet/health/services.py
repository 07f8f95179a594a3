"""Writing test results, daily reports and vaccinations; coverage. Plain functions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from truyvet.core.timeutil import local_midnight
from truyvet.health.models import DailyReport, TestOutcome, TestResult, TestType, Vaccination
from truyvet.registry.models import OrgUnit, Person


@dataclass
class RecordOutcome:
    saved: int = 0
    positives: list[dict] = field(default_factory=list)  # {"uuid", "name"}
    ignored: int = 0  # people not (or no longer) of the enterprise


def note_report(enterprise_id: int, user_id: int | None, tests: int, positives: int,
                now: datetime | None = None) -> None:
    """The enterprise reported today (Hanoi date of `now`): the first report
    keeps its time; later ones add to the counts."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    report, created = DailyReport.objects.get_or_create(
        enterprise_id=enterprise_id, day=day,
        defaults={"reported_at": now, "updated_at": now, "reported_by_id": user_id,
                  "tests": tests, "positives": positives})
    if not created:
        DailyReport.objects.filter(pk=report.pk).update(
            tests=F("tests") + tests, positives=F("positives") + positives, updated_at=now)


@transaction.atomic
def record_results(enterprise_id: int, user_id: int | None, results: dict[int, str],
                   sampled_at: datetime, test_type: str, pool_id: str = "",
                   now: datetime | None = None) -> RecordOutcome:
    """Save one sampling round: {person id: result} for workers of the enterprise.

    A second entry of the same person, time and test type replaces the result
    (a corrected entry), so submitting twice does not double count.
    """
    if test_type not in TestType.values:
        raise ValueError("test type")
    wanted = {pid: r for pid, r in results.items() if r in TestOutcome.values}
    people = {p.pk: p for p in Person.objects.filter(pk__in=list(wanted), enterprise_id=enterprise_id)
              .only("pk", "uuid", "full_name")}
    rows = [TestResult(enterprise_id=enterprise_id, person_id=pid, sampled_at=sampled_at,
                       test_type=test_type, pool_id=pool_id[:40], result=r, entered_by_id=user_id)
            for pid, r in wanted.items() if pid in people]
    TestResult.objects.bulk_create(rows, update_conflicts=True,
                                   unique_fields=["person", "sampled_at", "test_type"],
                                   update_fields=["result", "pool_id", "entered_by"])
    positives = [{"uuid": str(people[r.person_id].uuid), "name": people[r.person_id].full_name}
                 for r in rows if r.result == TestOutcome.POSITIVE]
    note_report(enterprise_id, user_id, len(rows), len(positives), now)
    return RecordOutcome(saved=len(rows), positives=positives, ignored=len(wanted) - len(rows))


def record_from_worklist(enterprise_id: int, rows: list[dict], person_of_row: dict[int, int],
                         user_id: int | None, now: datetime | None = None) -> dict:
    """Vaccination and test columns of an applied worker list.

    "Số mũi" n with a vaccine and date becomes dose n (earlier doses are not
    invented); a test date and result become a test result sampled at 00:00
    that day (Hanoi time; the list has no time), rapid antigen unless the type
    says otherwise. Existing rows are kept (insert, ignore duplicates).
    """
    now = now or timezone.now()
    vacc, tests = [], []
    for row in rows:
        pid = person_of_row.get(row["row"])
        if pid is None:
            continue
        if row.get("doses"):
            vacc.append(Vaccination(enterprise_id=enterprise_id, person_id=pid, dose=row["doses"],
                                    vaccine=row.get("vaccine", ""), entered_by_id=user_id,
                                    given_on=date.fromisoformat(row["vaccine_date"])
                                    if row.get("vaccine_date") else None))
        if row.get("test_date") and row.get("test_result"):
            day = date.fromisoformat(row["test_date"])
            tests.append(TestResult(
                enterprise_id=enterprise_id, person_id=pid, entered_by_id=user_id,
                sampled_at=local_midnight(day),
                test_type=row.get("test_type") or TestType.RAPID_ANTIGEN, result=row["test_result"]))
    Vaccination.objects.bulk_create(vacc, ignore_conflicts=True, batch_size=2000)
    TestResult.objects.bulk_create(tests, ignore_conflicts=True, batch_size=2000)
    today = timezone.localdate(now)
    todays = [t for t in tests if timezone.localdate(t.sampled_at) == today]
    if todays:
        note_report(enterprise_id, user_id, len(todays),
                    sum(t.result == TestOutcome.POSITIVE for t in todays), now)
    return {"vaccinations": len(vacc), "tests": len(tests),
            "test_positives": sum(t.result == TestOutcome.POSITIVE for t in tests)}


def record_vaccination(person: Person, user_id: int | None, dose: int, vaccine: str,
                       given_on: date | None, place: str) -> Vaccination:
    """Record (or correct) dose `dose` of one person."""
    obj, _created = Vaccination.objects.update_or_create(
        person=person, dose=dose,
        defaults={"vaccine": vaccine[:100], "given_on": given_on, "place": place[:200],
                  "enterprise_id": person.enterprise_id, "entered_by_id": user_id})
    return obj


@dataclass
class CoverageRow:
    unit_id: int | None
    name: str
    depth: int
    workers: int = 0
    dose1: int = 0
    dose2: int = 0
    dose3: int = 0

    def share(self, n: int) -> int:
        return round(100 * n / self.workers) if self.workers else 0

    @property
    def share1(self) -> int:
        return self.share(self.dose1)

    @property
    def share2(self) -> int:
        return self.share(self.dose2)


COVERAGE_SQL = """
SELECT p.org_unit_id, count(*),
       count(*) FILTER (WHERE v.top >= 1), count(*) FILTER (WHERE v.top >= 2),
       count(*) FILTER (WHERE v.top >= 3)
FROM registry_person p
LEFT JOIN LATERAL (SELECT max(dose) AS top FROM health_vaccination hv
                   WHERE hv.person_id = p.id) v ON true
WHERE p.enterprise_id = %s
GROUP BY p.org_unit_id
"""


def coverage(enterprise_id: int) -> list[CoverageRow]:
    """Vaccination coverage of the enterprise, then each workshop and team (subtree
    totals), in tree order. One aggregate query, one query for the tree."""
    with connection.cursor() as cur:
        cur.execute(COVERAGE_SQL, [enterprise_id])
        direct = {unit: counts for unit, *counts in cur.fetchall()}
    units = list(OrgUnit.objects.filter(enterprise_id=enterprise_id).order_by("name", "pk")
                 .values_list("pk", "name", "parent_id"))
    children: dict[int | None, list] = defaultdict(list)
    known = {u[0] for u in units}
    for pk, name, parent in units:
        children[parent if parent in known else None].append((pk, name))
    total = CoverageRow(None, "", 0)
    out: list[CoverageRow] = [total]

    def add(into: CoverageRow, counts: list[int]) -> None:
        into.workers += counts[0]
        into.dose1 += counts[1]
        into.dose2 += counts[2]
        into.dose3 += counts[3]

    def walk(pk: int, name: str, depth: int) -> CoverageRow:
        row = CoverageRow(pk, name, depth)
        out.append(row)
        add(row, direct.get(pk, [0, 0, 0, 0]))
        for cpk, cname in children.get(pk, []):
            child = walk(cpk, cname, depth + 1)
            add(row, [child.workers, child.dose1, child.dose2, child.dose3])
        return row

    for pk, name in children.get(None, []):
        walk(pk, name, 1)
    for counts in direct.values():
        add(total, counts)
    return out

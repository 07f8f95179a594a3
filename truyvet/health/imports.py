"""Importing a daily sheet of test results: preview, then apply all at once.

The actions the pages (and tests) call. `create_preview` parses the upload
(`testsheet`) and matches ID numbers with the enterprise's workers; the job
keeps the result, never the file. `apply_import` writes every ready row in one
transaction (set-based), or nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from truyvet.accounts import audit, scoping
from truyvet.accounts.models import User
from truyvet.health.models import TestImport, TestImportStatus, TestOutcome, TestResult
from truyvet.health.services import note_report
from truyvet.health.testsheet import parse_test_sheet
from truyvet.registry.models import Enterprise
from truyvet.worklists.reading import fold

BATCH = 2000


def _match(user: User, enterprise: Enterprise, rows: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """(rows of workers with person_id, rows of unknown people, name warnings)."""
    nids = {r["nid"] for r in rows}
    people = {nid: (pk, str(uuid), name) for nid, pk, uuid, name in
              scoping.visible_people(user).filter(enterprise=enterprise, national_id__in=nids)
              .values_list("national_id", "pk", "uuid", "full_name")}
    known, unknown, odd = [], [], []
    for r in rows:
        if r["nid"] not in people:
            unknown.append(r)
            continue
        pk, uuid, name = people[r["nid"]]
        known.append({**r, "person_id": pk, "uuid": uuid, "registered_name": name})
        if r["name"] and fold(r["name"]) != fold(name):
            odd.append(known[-1])
    return known, unknown, odd


def create_preview(enterprise: Enterprise, user: User, data: bytes, file_name: str,
                   now: datetime | None = None) -> TestImport:
    """Parse an upload and match it with the workers; keep the result as a job in
    PREVIEW. Raises `reading.UnreadableFile` for a file that cannot be used."""
    parsed = parse_test_sheet(data, file_name, now)
    known, unknown, odd = _match(user, enterprise, parsed.rows)
    positives = [{"row": r["row"], "uuid": r["uuid"], "name": r["registered_name"]}
                 for r in known if r["result"] == TestOutcome.POSITIVE]
    counts = {"rows": len(parsed.rows) + len({e.row for e in parsed.errors}), "ready": len(known),
              "errors": len(parsed.errors), "warnings": len(parsed.warnings),
              "unknown": len(unknown), "positives": len(positives),
              "unknown_positives": sum(r["result"] == TestOutcome.POSITIVE for r in unknown),
              "name_mismatches": len(odd)}
    preview = {"sheet": parsed.sheet, "header_row": parsed.header_row, "columns": parsed.columns,
               "ignored_headers": parsed.ignored_headers,
               "errors": [e.__dict__ for e in parsed.errors],
               "warnings": [w.__dict__ for w in parsed.warnings],
               "unknown": unknown, "name_mismatches": odd, "positives": positives, "rows": known}
    return TestImport.objects.create(
        enterprise=enterprise, created_by=user if user.is_authenticated else None,
        file_name=file_name[:255], file_size=len(data), sheet_name=parsed.sheet[:100],
        preview=preview, counts=counts)


def can_apply(job: TestImport) -> bool:
    """A preview without errors and with at least one worker's result."""
    return job.status == TestImportStatus.PREVIEW and not job.counts.get("errors") \
        and bool(job.counts.get("ready"))


@transaction.atomic
def apply_import(job: TestImport, user: User, now: datetime | None = None) -> bool:
    """Write every ready row (a second import of the same person, time and test
    replaces the result, as on the entry page), count the daily report, and
    audit; all in one transaction. False (nothing written) if the job cannot
    be applied. People who left the enterprise since the preview are skipped."""
    now = now or timezone.now()
    locked = TestImport.objects.select_for_update().filter(pk=job.pk).first()
    if locked is None or not can_apply(locked):
        return False
    rows = locked.preview.get("rows", [])
    still = set(scoping.visible_people(user).filter(
        enterprise_id=locked.enterprise_id, pk__in=[r["person_id"] for r in rows])
        .values_list("pk", flat=True))
    written = [r for r in rows if r["person_id"] in still]
    TestResult.objects.bulk_create(
        [TestResult(enterprise_id=locked.enterprise_id, person_id=r["person_id"],
                    sampled_at=datetime.fromisoformat(r["sampled_at"]), test_type=r["test_type"],
                    pool_id=r["pool_id"], result=r["result"], entered_by_id=user.pk) for r in written],
        batch_size=BATCH, update_conflicts=True, unique_fields=["person", "sampled_at", "test_type"],
        update_fields=["result", "pool_id", "entered_by"])
    positives = [r for r in written if r["result"] == TestOutcome.POSITIVE]
    note_report(locked.enterprise_id, user.pk, len(written), len(positives), now)
    audit.record_event(user, audit.CHANGE_PERSON,
                       f"health: test results import {locked.uuid} ({len(written)} results)",
                       count=len({r["person_id"] for r in written}))
    for r in positives:  # a result that starts a case: one entry per person
        audit.record_change(user, r["person_id"], f"health: positive test, import {locked.uuid}")
    locked.status, locked.applied_at = TestImportStatus.APPLIED, now
    locked.counts = {**locked.counts, "saved": len(written), "skipped": len(rows) - len(written),
                     "positives": len(positives)}
    locked.preview = {**locked.preview, "rows": [],  # the results are stored now
                      "positives": [{"row": r["row"], "uuid": r["uuid"], "name": r["registered_name"]}
                                    for r in positives]}
    locked.save(update_fields=["status", "applied_at", "counts", "preview"])
    job.refresh_from_db()
    return True


def cancel(job: TestImport) -> bool:
    return bool(TestImport.objects.filter(pk=job.pk, status=TestImportStatus.PREVIEW)
                .update(status=TestImportStatus.CANCELLED, preview={}))


def history(enterprise: Enterprise) -> QuerySet[TestImport]:
    return (TestImport.objects.filter(enterprise=enterprise).select_related("created_by")
            .defer("preview").order_by("-created_at"))

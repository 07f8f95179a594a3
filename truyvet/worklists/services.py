"""The worker-list actions pages, the API and tests call: preview, confirm, history."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from truyvet.accounts.models import User
from truyvet.registry.models import Enterprise
from truyvet.worklists.models import ImportJob, ImportStatus
from truyvet.worklists.parsing import parse_worklist
from truyvet.worklists.plan import plan_import


def create_preview(enterprise: Enterprise, user: User, data: bytes, file_name: str,
                   today: date | None = None) -> ImportJob:
    """Parse an upload and compare it with the database; keep the result (not the
    file) as a job in PREVIEW. Raises `reading.UnreadableFile` for a file that
    cannot be used at all; nothing is stored then."""
    today = today or timezone.localdate()
    parsed = parse_worklist(data, file_name, today)
    plan = plan_import(enterprise.pk, enterprise.code, parsed.rows, today)
    preview = {**plan.summary(), "sheet": parsed.sheet, "header_row": parsed.header_row,
               "columns": parsed.columns, "ignored_headers": parsed.ignored_headers,
               "errors": [e.__dict__ for e in parsed.errors],
               "warnings": [w.__dict__ for w in parsed.warnings], "rows": parsed.rows}
    preview["counts"]["errors"] = len(parsed.errors)
    preview["counts"]["warnings"] = len(parsed.warnings)
    return ImportJob.objects.create(
        enterprise=enterprise, created_by=user if user.is_authenticated else None,
        file_name=file_name[:255], file_size=len(data), sheet_name=parsed.sheet[:100],
        preview=preview, counts=preview["counts"], total=len(parsed.rows))


def can_confirm(job: ImportJob) -> bool:
    """A preview with no errors and no transfers may be applied."""
    c = job.preview.get("counts", {})
    return job.status == ImportStatus.PREVIEW and not c.get("errors") and not c.get("conflicts") \
        and bool(job.preview.get("rows"))


def confirm(job: ImportJob, user: User, end_missing: bool = False) -> bool:
    """Queue the import for applying in the background; False if it cannot be."""
    if not can_confirm(job):
        return False
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEW).update(
        status=ImportStatus.QUEUED, end_missing=end_missing, done=0)
    if not claimed:
        return False
    from truyvet.worklists.tasks import apply_import_task

    apply_import_task.enqueue(job.pk, user.pk if user.is_authenticated else None)
    return True


def cancel(job: ImportJob) -> bool:
    return bool(ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEW)
                .update(status=ImportStatus.CANCELLED, preview={}))


def history(enterprise: Enterprise) -> QuerySet[ImportJob]:
    """Applied imports, newest first (the preview data is not loaded)."""
    return (ImportJob.objects.filter(enterprise=enterprise, status=ImportStatus.APPLIED)
            .select_related("created_by").defer("preview").order_by("-applied_at"))


def last_applied(enterprise: Enterprise) -> ImportJob | None:
    return history(enterprise).first()

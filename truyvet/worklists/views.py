"""Worker-list pages: upload and preview, confirm, progress (htmx), history,
template and export. Thin: scoping in `accounts.scoping`, work in `services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from truyvet.accounts import audit, scoping
from truyvet.accounts.privacy import people_views
from truyvet.registry.models import Enterprise
from truyvet.worklists import export, services
from truyvet.worklists.models import ImportJob, ImportStatus
from truyvet.worklists.parsing import FIELD_LABELS
from truyvet.worklists.reading import MAX_UPLOAD_BYTES, UnreadableFile

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _enterprise(request: HttpRequest, pk: int) -> Enterprise:
    return scoping.get_visible_or_404(scoping.worklist_enterprises(request.user), pk=pk)


def _job(request: HttpRequest, uuid: str) -> ImportJob:
    qs = ImportJob.objects.filter(enterprise__in=scoping.worklist_enterprises(request.user))
    return scoping.get_visible_or_404(qs.select_related("enterprise", "created_by"), uuid=uuid)


def _download(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def worklist(request: HttpRequest, pk: int) -> HttpResponse:
    """The enterprise's worker-list page; POST uploads a file for a preview."""
    enterprise = _enterprise(request, pk)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a file to upload.")
        elif upload.size > MAX_UPLOAD_BYTES:
            error = _("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20}
        else:
            try:
                job = services.create_preview(enterprise, request.user, upload.read(), upload.name)
            except UnreadableFile as exc:
                error = str(exc)
            else:
                return redirect("worklists:preview", uuid=job.uuid)
    return render(request, "worklists/worklist.html", {
        "enterprise": enterprise, "error": error, "history": services.history(enterprise)[:20],
        "last": services.last_applied(enterprise), "max_mb": MAX_UPLOAD_BYTES // 2**20,
        "open_jobs": ImportJob.objects.filter(enterprise=enterprise, status__in=[
            ImportStatus.QUEUED, ImportStatus.APPLYING]).defer("preview"),
    }, status=400 if error else 200)


@require_GET
@login_required
def preview(request: HttpRequest, uuid: str) -> HttpResponse:
    job = _job(request, uuid)
    p = dict(job.preview)
    p["changed"] = [{**c, "changes": [{**ch, "label": FIELD_LABELS.get(ch["field"], ch["field"])}
                                      for ch in c["changes"]]} for c in p.get("changed", [])]
    return render(request, "worklists/preview.html", {
        "job": job, "enterprise": job.enterprise, "p": p, "counts": p.get("counts", job.counts),
        "can_confirm": services.can_confirm(job), "labels": FIELD_LABELS,
        "running": job.status in (ImportStatus.QUEUED, ImportStatus.APPLYING),
    })


@require_POST
@login_required
def confirm(request: HttpRequest, uuid: str) -> HttpResponse:
    job = _job(request, uuid)
    if not services.confirm(job, request.user, end_missing=request.POST.get("end_missing") == "on"):
        messages.error(request, _("This preview cannot be applied."))
    return redirect("worklists:preview", uuid=job.uuid)


@require_POST
@login_required
def cancel(request: HttpRequest, uuid: str) -> HttpResponse:
    job = _job(request, uuid)
    services.cancel(job)
    return redirect("worklists:worklist", pk=job.enterprise_id)


@require_GET
@login_required
def progress(request: HttpRequest, uuid: str) -> HttpResponse:
    """The htmx fragment polled while an import is applied."""
    job = _job(request, uuid)
    return render(request, "worklists/_progress.html", {
        "job": job, "running": job.status in (ImportStatus.QUEUED, ImportStatus.APPLYING)})


@require_GET
@login_required
def template(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise(request, pk)
    return _download(export.template_xlsx(enterprise), f"mau-danh-sach-{enterprise.code}.xlsx")


@require_GET
@login_required
def export_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The current list in the template's layout; audited as an export of personal data."""
    enterprise = _enterprise(request, pk)
    people = scoping.visible_people(request.user).filter(enterprise=enterprise) \
        .select_related("enterprise", "org_unit")
    views = {v.id: v for v in people_views(request.user, people.iterator(2000))}
    rows = export.worker_rows(enterprise, views)
    audit.record_access(request.user, audit.EXPORT_PEOPLE, request.get_full_path(),
                        person_ids=list(views), request=request,
                        masked=any(v.masked for v in views.values()))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _download(export.export_xlsx(enterprise, rows), f"danh-sach-{enterprise.code}-{stamp}.xlsx")

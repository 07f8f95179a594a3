"""Pages for importing daily test results from Excel/CSV: upload, preview, apply,
blank template. Thin: scoping in `accounts.scoping`, work in `health.imports`."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from truyvet.accounts import audit, scoping
from truyvet.core.uploads import UploadRejected, check_upload
from truyvet.health import imports
from truyvet.health.models import TestImport, TestImportStatus, TestOutcome, TestType
from truyvet.health.testsheet import TEMPLATE_HEADERS
from truyvet.health.views import _enterprise, declare_url
from truyvet.registry.models import Enterprise
from truyvet.worklists.export import book
from truyvet.worklists.reading import MAX_UPLOAD_BYTES, UnreadableFile
from truyvet.worklists.views import XLSX

SHOWN_ROWS = 100  # ready rows listed on the preview (all are counted)


def _job(request: HttpRequest, uuid: str) -> TestImport:
    qs = TestImport.objects.filter(enterprise__in=scoping.health_entry_enterprises(request.user))
    return scoping.get_visible_or_404(qs.select_related("enterprise", "created_by"), uuid=uuid)


def _labelled(rows: list[dict]) -> list[dict]:
    """Rows of the preview with their result, test type and time as people read them."""
    out = []
    for r in rows:
        at = r.get("sampled_at")
        out.append({**r, "result_label": TestOutcome(r["result"]).label if r.get("result") else "",
                    "type_label": TestType(r["test_type"]).label if r.get("test_type") else "",
                    "sampled": timezone.localtime(datetime.fromisoformat(at)).strftime("%d/%m/%Y %H:%M")
                    if at else ""})
    return out


def _read_upload(request: HttpRequest, enterprise: Enterprise) -> tuple[TestImport | None, str]:
    upload = request.FILES.get("file")
    if upload is None:
        return None, _("Choose a file to upload.")
    try:
        check_upload(upload, kinds=("xlsx", "csv"), max_bytes=MAX_UPLOAD_BYTES)
        return imports.create_preview(enterprise, request.user, upload.read(), upload.name), ""
    except UploadRejected as exc:
        return None, " ".join(exc.messages)
    except UnreadableFile as exc:
        return None, str(exc)


@login_required
def test_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a day's sheet of results for a preview; the enterprise's imports."""
    enterprise = _enterprise(request, pk)
    error = ""
    if request.method == "POST":
        job, error = _read_upload(request, enterprise)
        if job is not None:
            return redirect("health:import_preview", uuid=job.uuid)
    return render(request, "health/test_import.html", {
        "enterprise": enterprise, "error": error, "max_mb": MAX_UPLOAD_BYTES // 2**20,
        "history": imports.history(enterprise)[:20],
    }, status=400 if error else 200)


@require_GET
@login_required
def import_template(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise(request, pk)
    data = book(f"KẾT QUẢ XÉT NGHIỆM HẰNG NGÀY - {enterprise.name.upper()}", [], TEMPLATE_HEADERS,
                "Kết quả xét nghiệm")
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-ket-qua-xet-nghiem-{enterprise.code}.xlsx"'
    return response


@require_GET
@login_required
def import_preview(request: HttpRequest, uuid: str) -> HttpResponse:
    """What the sheet holds, its problems and unknown people; after applying, the
    positives with the prompt to declare each case. Workers shown are audited."""
    job = _job(request, uuid)
    p = job.preview
    rows = p.get("rows", [])[:SHOWN_ROWS]
    positives = [{**x, "declare_url": declare_url(x["uuid"])} for x in p.get("positives", [])]
    shown = {r["person_id"] for r in rows} | {r["person_id"] for r in p.get("name_mismatches", [])
                                              if "person_id" in r}
    shown |= set(scoping.visible_people(request.user).filter(
        uuid__in=[x["uuid"] for x in positives]).values_list("pk", flat=True))
    audit.record_access(request.user, audit.LIST_PEOPLE, request.get_full_path(),
                        person_ids=sorted(shown), request=request)
    return render(request, "health/test_import_preview.html", {
        "job": job, "enterprise": job.enterprise, "p": p, "counts": job.counts,
        "rows": _labelled(rows), "unknown": _labelled(p.get("unknown", [])[:500]),
        "positives": positives, "can_apply": imports.can_apply(job),
        "applied": job.status == TestImportStatus.APPLIED,
    })


@require_POST
@login_required
def import_apply(request: HttpRequest, uuid: str) -> HttpResponse:
    job = _job(request, uuid)
    if not imports.apply_import(job, request.user):
        messages.error(request, _("This preview cannot be applied."))
    return redirect("health:import_preview", uuid=job.uuid)


@require_POST
@login_required
def import_cancel(request: HttpRequest, uuid: str) -> HttpResponse:
    job = _job(request, uuid)
    imports.cancel(job)
    return redirect("health:test_import", pk=job.enterprise_id)

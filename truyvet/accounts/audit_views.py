"""The audit page and its CSV export (province administrators only; 404 for others)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from truyvet.accounts import audit, audit_search
from truyvet.accounts.forms import AuditSearchForm
from truyvet.accounts.scoping import is_province_admin


def _filter(request: HttpRequest) -> tuple[AuditSearchForm, audit_search.AuditFilter]:
    if not is_province_admin(request.user):
        raise Http404
    form = AuditSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, audit_search.AuditFilter(**{k: v for k, v in data.items() if v})


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    form, f = _filter(request)
    page = Paginator(audit_search.search(f), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/audit.html", {
        "form": form, "page": page, "actions": audit_search.known_actions(),
        "query": query.urlencode()})


@login_required
@require_GET
def audit_csv(request: HttpRequest) -> StreamingHttpResponse:
    _form, f = _filter(request)
    audit.record_event(request.user, audit.EXPORT_AUDIT,
                       f"audit CSV {request.get_full_path()}", request=request)
    response = StreamingHttpResponse(audit_search.csv_rows(audit_search.search(f)),
                                     content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response

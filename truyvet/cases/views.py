"""Pages of declared cases: declare, list of traces, result, exports, graph,
and the person page's contacts fragment. Thin: logic lives in `services`,
`result`, `queries`, `exports`, `graph` and `person_contacts`; every view asks
`accounts.scoping` and audits what it shows."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from truyvet.accounts import audit, scoping
from truyvet.accounts.privacy import people_views
from truyvet.cases import exports, queries, services
from truyvet.cases.forms import DeclareForm
from truyvet.cases.graph import build_graph
from truyvet.cases.person_contacts import person_contacts
from truyvet.cases.result import result_view
from truyvet.tracing.types import TraceInputError
from truyvet.web.htmx import is_fragment_request
from truyvet.web.queries import page_of

SEARCH_LIMIT = 10


def tracer_required(view):
    """Logged in and allowed to trace; 404 for everyone else."""
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not scoping.can_trace(request.user):
            raise Http404
        return view(request, *args, **kwargs)
    return wrapped


def _audit(request: HttpRequest, action: str, ids: list[int], masked: bool = False) -> None:
    audit.record_access(request.user, action, request.get_full_path(), person_ids=ids,
                        request=request, masked=masked)


@require_GET
@tracer_required
def trace_list(request: HttpRequest) -> HttpResponse:
    page = page_of(queries.traces_for(request.user), request.GET.get("page"), 50)
    _audit(request, audit.LIST_PEOPLE, sorted({t.person_id for t in page}))
    return render(request, "cases/trace_list.html", {"page": page})


def _picked(request: HttpRequest, form: DeclareForm):
    """The chosen index person if the user may trace them (else a form error)."""
    person_uuid = form.cleaned_data.get("person")
    if person_uuid is None:
        return None
    person = scoping.traceable_people(request.user).filter(uuid=person_uuid) \
        .select_related("enterprise", "org_unit").first()
    if person is None:
        form.add_error("person", DeclareForm.base_fields["person"].error_messages["required"])
    return person


@require_http_methods(["GET", "POST"])
@tracer_required
def declare(request: HttpRequest) -> HttpResponse:
    form = DeclareForm(request.POST or None)
    picked = None
    if not form.is_bound and request.GET.get("person"):  # from a person page
        picked = scoping.get_visible_or_404(scoping.traceable_people(request.user)
                                            .select_related("enterprise", "org_unit"),
                                            uuid=request.GET["person"])
    if form.is_bound:
        form.is_valid()
        picked = _picked(request, form)
        if not form.errors:
            try:
                declared = services.declare_case(
                    request.user, form.trace_input(picked.national_id), request=request,
                    what=request.path)
            except TraceInputError as exc:
                form.add_trace_error(exc)
            else:
                return redirect("cases:trace", trace_uuid=declared.trace.uuid)
    view = people_views(request.user, [picked])[0] if picked else None
    return render(request, "cases/declare.html", {"form": form, "picked": view},
                  status=400 if form.is_bound else 200)


@require_GET
@tracer_required
def people_search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    people = []
    if len(q) >= 2:
        qs = scoping.traceable_people(request.user).search(q) \
            .select_related("enterprise", "org_unit").order_by("full_name", "pk")
        people = people_views(request.user, qs[:SEARCH_LIMIT])
        _audit(request, audit.LIST_PEOPLE, [p.id for p in people],
               any(p.masked for p in people))
    return render(request, "cases/_people_search.html", {"people": people, "q": q})


@require_GET
@tracer_required
def trace_detail(request: HttpRequest, trace_uuid: str) -> HttpResponse:
    trace = queries.trace_or_404(request.user, trace_uuid)
    view = result_view(request.user, trace, request.GET)
    _audit(request, services.TRACE_VIEW, view.person_ids, view.masked)
    ctx = {"trace": trace, "v": view, "groupings": queries.GROUPING_LABELS,
           "levels": [(k, trace.count(k)) for k in range(1, trace.depth + 1)]}
    if is_fragment_request(request):
        return render(request, "cases/_contacts.html", ctx)
    return render(request, "cases/trace_detail.html", ctx)


def _export_name(trace, ext: str) -> str:
    return f'attachment; filename="trace-{trace.person.national_id}-{trace.created_at:%Y%m%d-%H%M}.{ext}"'


def _audit_export(request: HttpRequest, trace) -> None:
    ids = list(trace.contacts.values_list("person_id", flat=True))
    out_of_scope = trace.contacts.exclude(
        person__in=scoping.visible_people(request.user)).exists()
    _audit(request, services.TRACE_EXPORT, ids, out_of_scope)


@require_GET
@tracer_required
def trace_csv(request: HttpRequest, trace_uuid: str) -> StreamingHttpResponse:
    trace = queries.trace_or_404(request.user, trace_uuid)
    _audit_export(request, trace)
    response = StreamingHttpResponse(exports.csv_lines(request.user, trace),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _export_name(trace, "csv")
    return response


@require_GET
@tracer_required
def trace_xlsx(request: HttpRequest, trace_uuid: str) -> FileResponse:
    trace = queries.trace_or_404(request.user, trace_uuid)
    _audit_export(request, trace)
    name = f"trace-{trace.person.national_id}-{trace.created_at:%Y%m%d-%H%M}.xlsx"
    return FileResponse(
        exports.write_xlsx(request.user, trace), as_attachment=True, filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@require_GET
@tracer_required
def trace_graph(request: HttpRequest, trace_uuid: str) -> HttpResponse:
    trace = queries.trace_or_404(request.user, trace_uuid)
    _audit(request, services.TRACE_VIEW, [trace.person_id])
    return render(request, "cases/trace_graph.html", {"trace": trace, "g": build_graph(trace)})


@require_GET
@tracer_required
def trace_graph_json(request: HttpRequest, trace_uuid: str) -> JsonResponse:
    trace = queries.trace_or_404(request.user, trace_uuid)
    _audit(request, services.TRACE_VIEW, [trace.person_id])
    return JsonResponse(build_graph(trace).as_json())


@require_GET
@tracer_required
def person_contacts_fragment(request: HttpRequest, uuid: str) -> HttpResponse:
    qs = scoping.traceable_people(request.user).select_related("enterprise", "org_unit")
    person = scoping.get_visible_or_404(qs, uuid=uuid)
    info = person_contacts(request.user, person)
    _audit(request, services.TRACE_VIEW, info.shown_ids,
           any(not in_scope for g in info.groups for _, in_scope, _ in g.people))
    return render(request, "cases/_person_contacts.html", {"person": person, "info": info})

"""Trace endpoints of API v1.

`POST /traces` takes the CLI's inputs, answers 201 with exactly the spec's
JSON (what `truyvet trace --json` prints) and the saved trace's URL in
`Location`. Bad input is 422 naming the field (`{"detail": [{"loc": ["body",
field], "msg": ...}]}`); an unknown index person and one outside the caller's
scope get the same 422 on `person_id` (existence does not leak). Roles that
may not trace get 404 on every endpoint here.

Masking: contacts outside the caller's scope (an enterprise user's trace
reaching another enterprise) have their `person_id` masked like everywhere
else (`registry.validation.mask_id`); the province administrator and the
province CDC see everyone, so their body equals the CLI's output.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError

from truyvet.accounts import audit, scoping
from truyvet.accounts.models import User
from truyvet.api.auth import api_user
from truyvet.api.schemas import Paged, PageQuery
from truyvet.cases import queries, services
from truyvet.cases.models import Trace
from truyvet.cases.store import trace_json
from truyvet.registry.validation import mask_id
from truyvet.tracing.engine import format_instant, result_to_json
from truyvet.tracing.types import TraceInputError

router = Router(tags=["traces"])


class TraceIn(Schema):
    person_id: str | None = Field(None, description="the index person's ID number")
    onset: str | None = Field(None, description="YYYY-MM-DD (00:00 local) or ISO 8601 instant")
    isolated_at: str | None = Field(None, description="ISO 8601 instant; ends F0's window")
    as_of: str | None = Field(None, description="ISO 8601 instant (default: now)")
    depth: int | str | None = Field(None, description="levels to trace, 1..5 (default 2)")
    lookback_hours: int | str | None = Field(None, description="hours before onset (default 48)")


class TraceSummary(Schema):
    id: UUID
    person_id: str
    person_name: str
    onset: str
    window_start: str
    window_end: str
    as_of: str
    depth: int
    level_counts: list[int]
    created_at: str
    created_by: str


def _tracer(request: HttpRequest) -> User:
    user = api_user(request)
    if not scoping.can_trace(user):
        raise Http404
    return user


def _masked(user: User, trace: Trace, doc: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Mask the ID numbers of contacts outside `user`'s scope (one query)."""
    outside = set(trace.contacts.exclude(person__in=scoping.visible_people(user))
                  .values_list("person__national_id", flat=True))
    if not outside:
        return doc, False
    for c in doc["contacts"]:
        if c["person_id"] in outside:
            c["person_id"] = mask_id(c["person_id"])
        if c["via"]["person_id"] in outside:
            c["via"]["person_id"] = mask_id(c["via"]["person_id"])
    return doc, True


def _audit(request: HttpRequest, user: User, trace: Trace, masked: bool) -> None:
    ids = [trace.person_id, *trace.contacts.values_list("person_id", flat=True)]
    audit.record_access(user, services.API_TRACE, f"API {request.method} {request.get_full_path()}",
                        person_ids=ids, request=request, masked=masked)


@router.post("/traces", response={201: dict}, summary="Declare a case and trace it")
def create_trace(request: HttpRequest, payload: TraceIn) -> HttpResponse:
    user = _tracer(request)
    try:
        declared = services.declare_case(user, payload.dict(), request=request,
                                         what=f"API POST {request.path}")
    except TraceInputError as exc:
        raise ValidationError([{"loc": ["body", exc.field], "msg": exc.message}]) from None
    doc, _ = _masked(user, declared.trace, result_to_json(declared.result))
    response = JsonResponse(doc, status=201, json_dumps_params={"ensure_ascii": False})
    response["Location"] = f"{request.path.rstrip('/')}/{declared.trace.uuid}"
    return response


@router.get("/traces/{uuid:trace_id}", response=dict, summary="A saved trace (spec JSON)")
def get_trace(request: HttpRequest, trace_id: UUID) -> HttpResponse:
    user = _tracer(request)
    trace = queries.trace_or_404(user, trace_id)
    doc, masked = _masked(user, trace, trace_json(trace))
    _audit(request, user, trace, masked)
    return JsonResponse(doc, json_dumps_params={"ensure_ascii": False})


@router.get("/traces", response=Paged[TraceSummary], summary="Saved traces, newest first")
def list_traces(request: HttpRequest, params: Query[PageQuery]) -> dict:
    user = _tracer(request)
    qs = queries.traces_for(user)
    start = (params.page - 1) * params.page_size
    traces = list(qs[start:start + params.page_size])
    items = [TraceSummary(
        id=t.uuid, person_id=t.person.national_id, person_name=t.person.full_name,
        onset=format_instant(t.onset), window_start=format_instant(t.window_start),
        window_end=format_instant(t.window_end), as_of=format_instant(t.as_of), depth=t.depth,
        level_counts=t.level_counts, created_at=format_instant(t.created_at),
        created_by=t.created_by.get_username() if t.created_by else "",
    ) for t in traces]
    audit.record_access(user, services.API_TRACE, f"API GET {request.get_full_path()}",
                        person_ids=[t.person_id for t in traces],
                        request=request)
    return {"count": qs.count(), "page": params.page, "page_size": params.page_size,
            "items": items}

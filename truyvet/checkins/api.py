"""Scan API: ``POST /api/v1/scans`` and ``POST /api/v1/scans/batch``.

For enterprises that run their own badge systems or scanning devices.
Authenticated by a device / system token (``Authorization: Bearer tvd_...``)
that an enterprise administrator makes and revokes on /checkins/devices/.
Places are named by their code and must belong to the token's enterprise.
Idempotent by ``client_id`` per enterprise: resending a scan is harmless.

A scan's outcome (accepted, repeat, duplicate, rejected + reason) is data, not
an HTTP error: the answer is 200. Malformed requests answer 4xx with a JSON
body naming the field (``detail[].loc``), never 500.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime
from typing import Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.security import HttpBearer
from pydantic import AwareDatetime, BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticError

from truyvet.checkins.coalesce import record_one
from truyvet.checkins.models import Direction
from truyvet.checkins.scans import (
    FORGED,
    REVOKED,
    UNKNOWN_BADGE,
    UNKNOWN_PERSON,
    UNKNOWN_PLACE,
    ScanContext,
    ScanIn,
    ScanOut,
    record_scans,
)
from truyvet.checkins.tokens import DeviceAuth, device_for_token
from truyvet.places.kinds import PresenceSource
from truyvet.places.models import Place

router = Router(tags=["scans"])

MAX_BATCH = 10_000
MAX_BODY_BYTES = 16 * 1024 * 1024
PLACE_CACHE_SECONDS = 60.0


class DeviceBearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> DeviceAuth | None:
        return device_for_token(token)


class ScanBody(BaseModel):
    client_id: str = Field(min_length=1, max_length=64, description="unique per scan (a UUID)")
    place: str = Field(min_length=1, max_length=64, description="the place's code")
    direction: Literal["in", "out"] = "in"
    time: AwareDatetime | None = Field(None, description="device time, ISO 8601 with offset")
    badge: str | None = Field(None, max_length=100, description="a TV1 badge token")
    person_id: str | None = Field(None, max_length=32, description="the person's ID number")


class BatchBody(BaseModel):
    scans: list[ScanBody] = Field(max_length=MAX_BATCH)


class ScanResultOut(Schema):
    client_id: str
    status: str
    reason: str = ""
    field: str = ""
    closed: bool = False
    at: datetime | None = None


class BatchResultOut(Schema):
    received: int
    accepted: int
    repeats: int
    duplicates: int
    rejected: int
    problems: list[ScanResultOut]


REASON_FIELD = {UNKNOWN_PLACE: "place", FORGED: "badge", REVOKED: "badge", UNKNOWN_BADGE: "badge",
                UNKNOWN_PERSON: "person_id"}

_places: dict[tuple[int, str], tuple[float, int | None]] = {}


def place_ids(enterprise_id: int, codes: set[str]) -> dict[str, int | None]:
    """Place ids for codes of the enterprise's places (cached PLACE_CACHE_SECONDS)."""
    now = time.monotonic()
    out, missing = {}, []
    for c in codes:
        hit = _places.get((enterprise_id, c))
        if hit and now - hit[0] < PLACE_CACHE_SECONDS:
            out[c] = hit[1]
        else:
            missing.append(c)
    if missing:
        found = dict(Place.objects.filter(enterprise_id=enterprise_id, code__in=missing)
                     .values_list("code", "pk"))
        if len(_places) > 50_000:
            _places.clear()
        for c in missing:
            out[c] = found.get(c)
            _places[(enterprise_id, c)] = (now, out[c])
    return out


def _json(payload: object, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(payload, cls=DjangoJSONEncoder), status=status,
                        content_type="application/json; charset=utf-8")


def _bad(loc: list, msg: str, status: int = 422) -> HttpResponse:
    return _json({"detail": [{"loc": loc, "msg": msg, "type": "value_error"}]}, status=status)


def _identity_problem(items: list[ScanBody]) -> HttpResponse | None:
    for i, s in enumerate(items):
        if bool(s.badge) == bool(s.person_id):
            return _bad(["body", "scans", i, "badge"] if len(items) > 1 else ["body", "badge"],
                        "give exactly one of badge or person_id")
    return None


def _to_scans(device: DeviceAuth, items: list[ScanBody]) -> list[ScanIn]:
    ids = place_ids(device.enterprise_id, {s.place for s in items})
    return [ScanIn(client_id=s.client_id, place_id=ids[s.place],
                   direction=Direction.OUT if s.direction == "out" else Direction.IN,
                   device_time=s.time, code=s.badge or "", national_id=s.person_id or "")
            for s in items]


def _context(device: DeviceAuth) -> ScanContext:
    return ScanContext(origin=f"ent:{device.enterprise_id}", source=PresenceSource.API,
                       enterprise_id=device.enterprise_id)


def _out(r: ScanOut) -> dict:
    return {"client_id": r.client_id, "status": r.outcome, "reason": r.reason,
            "field": REASON_FIELD.get(r.reason, ""), "closed": r.closed, "at": r.at}


def _read_body(request: HttpRequest) -> bytes | HttpResponse:
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = 0
    if size > MAX_BODY_BYTES:
        return _bad(["body"], f"the body is larger than {MAX_BODY_BYTES} bytes", status=413)
    raw = request.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        return _bad(["body"], f"the body is larger than {MAX_BODY_BYTES} bytes", status=413)
    return raw or b"null"


def _validated(adapter: TypeAdapter, raw: bytes) -> BaseModel | HttpResponse:
    """The body parsed and validated in one pass (pydantic's JSON parser, no
    intermediate Python objects); 400 for what is not JSON, 422 naming the field."""
    try:
        return adapter.validate_json(raw)
    except PydanticError as e:
        errors = e.errors(include_url=False, include_input=False)
        if any(err["type"] == "json_invalid" for err in errors):
            return _bad(["body"], "the body is not valid JSON", status=400)
        detail = [{"loc": ["body", *err["loc"]], "msg": err["msg"], "type": err["type"]}
                  for err in errors[:20]]
        return _json({"detail": detail}, status=422)


_single = TypeAdapter(ScanBody)
_batch = TypeAdapter(BatchBody)

_SCAN_SCHEMA = {"requestBody": {"content": {"application/json": {"schema": ScanBody.model_json_schema()}},
                                "required": True}}
_BATCH_SCHEMA = {"requestBody": {"content": {"application/json": {"schema": BatchBody.model_json_schema(
    ref_template="#/components/schemas/{model}")}}, "required": True}}


# --- the two operations --------------------------------------------------------------------
# `scan` and `batch` do the work for both routes to them: the ninja operations
# below (OpenAPI, the Django stack) and the lean WSGI route of
# `truyvet.checkins.wsgi`, which serves the same POSTs in production.


def scan(device: DeviceAuth, request: HttpRequest) -> HttpResponse:
    raw = _read_body(request)
    if isinstance(raw, HttpResponse):
        return raw
    body = _validated(_single, raw)
    if isinstance(body, HttpResponse):
        return body
    problem = _identity_problem([body])
    if problem:
        return problem
    return _json(_out(record_one(_to_scans(device, [body])[0], _context(device))))


def batch(device: DeviceAuth, request: HttpRequest) -> HttpResponse:
    raw = _read_body(request)
    if isinstance(raw, HttpResponse):
        return raw
    body = _validated(_batch, raw)
    if isinstance(body, HttpResponse):
        return body
    problem = _identity_problem(body.scans)
    if problem:
        return problem
    results = record_scans(_to_scans(device, body.scans), _context(device)) if body.scans else []
    counts = {"accepted": 0, "repeat": 0, "duplicate": 0, "rejected": 0}
    for r in results:
        counts[r.outcome] += 1
    return _json({"received": len(results), "accepted": counts["accepted"],
                  "repeats": counts["repeat"], "duplicates": counts["duplicate"],
                  "rejected": counts["rejected"],
                  "problems": [_out(r) for r in results if r.outcome == "rejected"][:1000]})


@router.post("/scans", auth=DeviceBearer(), response={200: ScanResultOut},
             openapi_extra=_SCAN_SCHEMA, summary="Record one scan")
def post_scan(request: HttpRequest) -> HttpResponse:
    return scan(request.auth, request)


@router.post("/scans/batch", auth=DeviceBearer(), response={200: BatchResultOut},
             openapi_extra=_BATCH_SCHEMA, summary="Record up to 10,000 scans")
def post_batch(request: HttpRequest) -> HttpResponse:
    return batch(request.auth, request)


def new_client_id() -> str:
    return str(uuid.uuid4())

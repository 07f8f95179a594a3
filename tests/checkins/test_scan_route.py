"""The lean WSGI route of the scan API (truyvet.checkins.wsgi) and the batched
rate counter (truyvet.accounts.ratelimit): same answers, headers and limits as
the full Django stack."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import RequestFactory

from truyvet.accounts import ratelimit
from truyvet.accounts.ratelimit import Limit
from truyvet.checkins import wsgi
from truyvet.checkins.models import ScanEvent
from truyvet.places.models import Presence

SECURITY_HEADERS = ("Content-Security-Policy", "Permissions-Policy", "Cross-Origin-Opener-Policy",
                    "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy")


@pytest.fixture
def route():
    """The route with a stand-in for the rest of Django; like Django's test client,
    requests do not close the test's connection (its transaction)."""
    others = []

    def django_app(environ, start_response):
        others.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        start_response("418 Elsewhere", [])
        return [b""]

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    app = wsgi.ScanRoute(django_app)
    app.others = others
    yield app
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def call(app, path, body, token=None, method="POST", **extra):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    if token:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    environ = RequestFactory().generic(method, path, data, content_type="application/json",
                                       **extra).environ
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = int(status.split()[0]), dict(headers)

    result = app(environ, start_response)
    try:
        content = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return seen["status"], seen["headers"], content


def scan(**kw):
    d = {"client_id": str(uuid.uuid4()), "place": "DN1-CT", "person_id": "024195000002"}
    d.update(kw)
    return d


def test_route_records_like_the_ninja_operation(route, client, world, device):
    body = scan()
    status, headers, content = call(route, "/api/v1/scans", body, device[1])
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert int(headers["Content-Length"]) == len(content)
    assert json.loads(content)["status"] == "accepted"
    again = json.loads(call(route, "/api/v1/scans", body, device[1])[2])
    full = client.post("/api/v1/scans", json.dumps(body), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {device[1]}").json()
    again.pop("at"), full.pop("at")  # the server's time of each call
    assert again == full and full["status"] == "duplicate"
    assert ScanEvent.objects.filter(client_id=body["client_id"]).count() == 1
    assert Presence.objects.filter(person=world.w2, place=world.canteen1).count() == 1
    assert route.others == []


def test_route_batch(route, world, device):
    items = [scan(), scan(person_id="000000000000")]
    status, _h, content = call(route, "/api/v1/scans/batch", {"scans": items}, device[1])
    out = json.loads(content)
    assert status == 200 and (out["accepted"], out["rejected"]) == (1, 1)
    assert out["problems"][0]["field"] == "person_id"


def test_route_needs_a_device_token(route, world, device):
    for token in (None, "nope", "tvd_forged"):
        status, _h, content = call(route, "/api/v1/scans", scan(), token)
        assert (status, json.loads(content)) == (401, {"detail": "Unauthorized"})
    status, _h, _c = call(route, "/api/v1/scans", scan(), HTTP_AUTHORIZATION=f"Basic {device[1]}")
    assert status == 401


def test_route_bad_input_names_the_field(route, world, device):
    status, _h, content = call(route, "/api/v1/scans", scan(time="yesterday"), device[1])
    assert status == 422 and json.loads(content)["detail"][0]["loc"] == ["body", "time"]
    status, _h, content = call(route, "/api/v1/scans", "{not json", device[1])
    assert status == 400 and json.loads(content)["detail"][0]["loc"] == ["body"]
    status, _h, content = call(route, "/api/v1/scans/batch", {"scans": [scan(), scan(badge="x")]},
                               device[1])
    assert status == 422 and json.loads(content)["detail"][0]["loc"] == ["body", "scans", 1, "badge"]


def test_route_has_the_security_headers_of_the_full_stack(route, client, world, device):
    _s, headers, _c = call(route, "/api/v1/scans", scan(), device[1])
    full = client.post("/api/v1/scans", json.dumps(scan()), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {device[1]}")
    for name in SECURITY_HEADERS:
        assert headers[name] == full[name], name
    _s, headers, _c = call(route, "/api/v1/scans", scan(), None)  # on errors too
    assert all(name in headers for name in SECURITY_HEADERS)


def test_route_checks_allowed_hosts(route, world, device):
    status, _h, _c = call(route, "/api/v1/scans", scan(), device[1], HTTP_HOST="evil.example")
    assert status == 400


def test_route_leaves_other_requests_to_django(route, world, device):
    call(route, "/api/v1/scans", scan(), device[1], method="GET")
    call(route, "/api/v1/scans/", scan(), device[1])
    call(route, "/api/v1/people", {}, device[1])
    assert route.others == [("GET", "/api/v1/scans"), ("POST", "/api/v1/scans/"),
                            ("POST", "/api/v1/people")]


def test_route_is_rate_limited(route, world, device, settings):
    settings.RATE_LIMITS = {"/api/v1/scans": "2/60"}
    statuses = [call(route, "/api/v1/scans", scan(), device[1])[0] for _ in range(3)]
    assert statuses == [200, 200, 429]
    status, headers, content = call(route, "/api/v1/scans/batch", {"scans": [scan()]}, device[1])
    assert status == 429 and json.loads(content)["detail"] == "Too many requests"
    assert int(headers["Content-Length"]) == len(content)
    assert int(headers["Retry-After"]) >= 1
    assert call(route, "/api/v1/scans", scan(), "other-token")[0] == 401  # another bucket


# --- the batched counter ------------------------------------------------------------------


def _stored(bucket):
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(sum(hits), 0) FROM accounts_ratecounter WHERE bucket = %s",
                    [bucket])
        return cur.fetchone()[0]


def test_small_limits_write_every_hit_and_are_exact(db):
    limit = Limit("/api/v1/scans", 100, 60)  # under 2 x SLACK: every hit written
    answers = [ratelimit.hit_batched("b1", limit)[0] for _ in range(103)]
    assert answers == [True] * 100 + [False] * 3
    assert _stored("b1") == 103


def test_large_limits_write_in_batches(db):
    limit = Limit("/api/v1/scans", 1_000_000, 60)
    assert all(ratelimit.hit_batched("b2", limit)[0] for _ in range(250))
    stored = _stored("b2")
    assert 200 <= stored <= 250 and stored % ratelimit.MAX_BATCH == 0  # every 100 hits


def test_batches_shrink_near_the_limit_and_refusals_come_from_the_database(db):
    limit = Limit("/api/v1/scans", 1000, 60)
    other = [ratelimit.hit_batched("b3", limit)[0] for _ in range(600)]  # "another process"...
    ratelimit.clear()  # ... whose unwritten hits are then lost (at most one batch)
    lost = 600 - _stored("b3")
    assert all(other) and lost < 1000 // ratelimit.SLACK
    allowed = sum(ratelimit.hit_batched("b3", limit)[0] for _ in range(600))
    assert _stored("b3") == 1200 - lost  # all the second run wrote: the limit came close
    assert 1000 - 600 <= allowed <= 1000 - 600 + lost

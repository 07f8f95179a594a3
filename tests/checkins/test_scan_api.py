"""The scan API: auth, idempotency, repeats, in/out semantics, batch, bad input."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from truyvet.checkins import tokens
from truyvet.checkins.models import ScanEvent, ScanStatus
from truyvet.places.models import Presence


def post(client, token, path, body, raw=False):
    return client.post(f"/api/v1/{path}", data=body if raw else json.dumps(body, default=str),
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def scan(place="DN1-CT", **kw):
    d = {"client_id": str(uuid.uuid4()), "place": place, "person_id": "024195000002"}
    d.update(kw)
    return d


def presences(person, place):
    return list(Presence.objects.filter(person=person, place=place).order_by("start"))


def test_requires_a_device_token(client, world, device):
    assert post(client, "nope", "scans", scan()).status_code == 401
    assert client.post("/api/v1/scans", data="{}", content_type="application/json").status_code == 401
    tokens.revoke_device(device[0])
    assert post(client, device[1], "scans", scan()).status_code == 401


def test_scan_in_writes_presence_and_is_idempotent(client, world, device):
    t = timezone.now() - timedelta(minutes=5)
    body = scan(time=t.isoformat())
    r = post(client, device[1], "scans", body)
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "accepted"
    [p] = presences(world.w2, world.canteen1)
    assert p.start == t and p.end is None and p.source == 4
    r2 = post(client, device[1], "scans", body)
    assert r2.json()["status"] == "duplicate"
    assert len(presences(world.w2, world.canteen1)) == 1
    assert ScanEvent.objects.filter(client_id=body["client_id"]).count() == 1


def test_same_scan_within_a_minute_is_one_record(client, world, device):
    t = timezone.now() - timedelta(minutes=5)
    post(client, device[1], "scans", scan(time=t.isoformat()))
    r = post(client, device[1], "scans", scan(time=(t + timedelta(seconds=40)).isoformat()))
    assert r.json()["status"] == "repeat"
    r = post(client, device[1], "scans", scan(time=(t + timedelta(seconds=61)).isoformat()))
    assert r.json()["status"] == "accepted"
    assert len(presences(world.w2, world.canteen1)) == 2
    assert ScanEvent.objects.filter(person=world.w2).count() == 3


def test_out_closes_the_open_presence_within_dwell(client, world, device):
    t = timezone.now() - timedelta(minutes=25)
    post(client, device[1], "scans", scan(time=t.isoformat()))
    out_t = t + timedelta(minutes=20)
    r = post(client, device[1], "scans", scan(time=out_t.isoformat(), direction="out"))
    assert r.json()["closed"] is True
    [p] = presences(world.w2, world.canteen1)
    assert (p.start, p.end) == (t, out_t)


def test_out_without_open_presence_is_a_zero_length_visit(client, world, device):
    t = timezone.now() - timedelta(hours=3)
    post(client, device[1], "scans", scan(time=t.isoformat()))  # canteen dwell is 30 min
    out_t = t + timedelta(hours=2)
    r = post(client, device[1], "scans", scan(time=out_t.isoformat(), direction="out"))
    assert r.json()["status"] == "accepted" and r.json()["closed"] is False
    ps = presences(world.w2, world.canteen1)
    assert [(p.start, p.end) for p in ps] == [(t, None), (out_t, out_t)]


def test_implausible_device_time_uses_server_time(client, world, device):
    future = timezone.now() + timedelta(days=2)
    r = post(client, device[1], "scans", scan(time=future.isoformat()))
    assert r.json()["reason"] == "device_clock"
    ev = ScanEvent.objects.get(person=world.w2)
    assert ev.device_time == future and ev.at == ev.server_time
    [p] = presences(world.w2, world.canteen1)
    assert p.start == ev.server_time


def test_rejections_are_logged_without_presence(client, world, device):
    badge = tokens.issue_badge(world.w2)
    good = tokens.badge_token(badge)
    tokens.revoke_badge(badge)
    cases = [
        (scan(person_id=None, badge=good), "revoked_badge", "badge"),
        (scan(person_id=None, badge=good[:-2] + "AA"), "forged_token", "badge"),
        (scan(person_id="079999999999"), "unknown_person", "person_id"),
        (scan(place="DN2-CT"), "unknown_place", "place"),  # another enterprise's place
        (scan(place="NO-SUCH"), "unknown_place", "place"),
    ]
    for body, reason, field in cases:
        r = post(client, device[1], "scans", body)
        assert r.status_code == 200
        assert (r.json()["status"], r.json()["reason"], r.json()["field"]) == ("rejected", reason, field)
    assert not Presence.objects.filter(person=world.w2).exists()
    assert Presence.objects.filter(place=world.canteen2).count() == 0
    assert ScanEvent.objects.filter(status=ScanStatus.REJECTED).count() == len(cases)


def test_badge_scan_by_token(client, world, device):
    t = tokens.badge_token(tokens.issue_badge(world.w2))
    r = post(client, device[1], "scans", scan(person_id=None, badge=t, place="DN1-GATE"))
    assert r.json()["status"] == "accepted"
    assert presences(world.w2, world.gate1)


@pytest.mark.parametrize("body,field", [
    ({"place": "DN1-CT", "person_id": "1"}, "client_id"),
    (scan(direction="sideways"), "direction"),
    (scan(time="yesterday"), "time"),
    (scan(time="2021-06-08T07:00:00"), "time"),  # no offset
    (scan(client_id="x" * 65), "client_id"),
    (scan(badge="TV1.x"), "badge"),  # both badge and person_id
    (scan(person_id=None), "badge"),  # neither
    ([1, 2], "body"),
])
def test_bad_input_names_the_field(client, world, device, body, field):
    r = post(client, device[1], "scans", body)
    assert r.status_code == 422, r.content
    assert field in json.dumps(r.json()["detail"][0]["loc"])


def test_not_json_is_400(client, world, device):
    r = post(client, device[1], "scans", "{not json", raw=True)
    assert r.status_code == 400 and r.json()["detail"][0]["loc"] == ["body"]


def test_batch_is_set_based_and_idempotent(client, world, device, django_assert_max_num_queries):
    t0 = timezone.now() - timedelta(hours=2)
    items = [scan(person_id=pid, time=(t0 + timedelta(minutes=i)).isoformat())
             for i, pid in enumerate(["024195000001", "024195000002"] * 50)]
    items.append(scan(person_id="000000000000"))
    with django_assert_max_num_queries(12):
        r = post(client, device[1], "scans/batch", {"scans": items})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["received"], body["accepted"], body["rejected"]) == (101, 100, 1)
    assert body["problems"][0]["reason"] == "unknown_person"
    again = post(client, device[1], "scans/batch", {"scans": items}).json()
    assert again["duplicates"] == 101 and again["accepted"] == 0
    assert Presence.objects.filter(place=world.canteen1, source=4).count() == 100


def test_batch_pairs_in_and_out_in_one_call(client, world, device):
    t = timezone.now() - timedelta(hours=1)
    items = [scan(time=t.isoformat()), scan(time=(t + timedelta(minutes=10)).isoformat(), direction="out")]
    assert post(client, device[1], "scans/batch", {"scans": items}).json()["accepted"] == 2
    [p] = presences(world.w2, world.canteen1)
    assert p.end == t + timedelta(minutes=10)


def test_batch_limits_and_errors(client, world, device):
    r = post(client, device[1], "scans/batch", {"scans": [scan()] * 10_001})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][:2] == ["body", "scans"]
    r = post(client, device[1], "scans/batch", {"scans": [scan(), scan(time="x")]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "scans", 1, "time"]
    dup = scan()
    r = post(client, device[1], "scans/batch", {"scans": [dup, dup]}).json()
    assert (r["accepted"], r["duplicates"]) == (1, 1)

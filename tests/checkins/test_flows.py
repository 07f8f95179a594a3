"""Self check-in, kiosk, residence, scoping of check-in pages, quarantine hook."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from truyvet.checkins import quarantine, selfcheck, tokens
from truyvet.checkins.models import ScanEvent, ScanStatus
from truyvet.checkins.residence import declare_residence
from truyvet.places.models import Membership, Place, Presence

PW = "pw-Tr0ng-Demo"


def url(place):
    return f"/c/{tokens.place_token(place.pk)}/"


def test_self_checkin_identify_once_then_tap(client, world):
    r = client.get(url(world.canteen1))
    assert r.status_code == 200 and "national_id" in r.content.decode()
    r = client.post(url(world.canteen1) + "identify/", {"national_id": "024195000002",
                                                         "birth_date": "1995-03-04"})
    assert r.status_code == 302
    raw = client.cookies[selfcheck.COOKIE].value
    assert "024195000002" not in raw and "Bình" not in raw  # no personal data in the cookie
    r = client.get(url(world.canteen1))
    assert "Trần Văn Bình" in r.content.decode()
    r = client.post(url(world.canteen1), {"action": "in", "client_id": str(uuid.uuid4())})
    assert r.status_code == 200 and 'class="result green"' in r.content.decode()
    [p] = Presence.objects.filter(person=world.w2, place=world.canteen1)
    assert p.source == 1 and p.end is None
    r = client.post(url(world.canteen1), {"action": "out", "client_id": str(uuid.uuid4())})
    p = Presence.objects.get(person=world.w2, place=world.canteen1)
    assert p.end is not None


def test_self_checkin_wrong_identity_and_rate_limit(client, world):
    for _ in range(selfcheck.MAX_FAILURES):
        r = client.post(url(world.gate1) + "identify/", {"national_id": "024195000002",
                                                          "birth_date": "2000-01-01"})
        assert r.status_code == 400
    r = client.post(url(world.gate1) + "identify/", {"national_id": "024195000002",
                                                      "birth_date": "1995-03-04"})
    assert r.status_code == 400  # locked out for a while even with the right answer


def test_self_checkin_by_badge_and_revocation(client, world):
    badge = tokens.issue_badge(world.w1)
    r = client.post(url(world.canteen1) + "identify/", {"badge": tokens.badge_token(badge)})
    assert r.status_code == 302
    tokens.issue_badge(world.w1)  # lost: reissued, the phone's badge is revoked
    r = client.get(url(world.canteen1))
    assert "national_id" in r.content.decode()  # must identify again


def test_bad_place_token_is_404(client, world):
    assert client.get("/c/DN1-GATE/").status_code == 404
    assert client.get(f"/c/P{world.gate1.pk}-aaaaaaaaaaaaaaaa/").status_code == 404


def test_room_scan_declares_residence(client, world):
    r2b = Place.objects.create(code="NT1-P2", kind="room", name="Phòng 2", boarding_house=world.bh1)
    client.post(url(r2b) + "identify/", {"national_id": "024195000001", "birth_date": "1995-03-04"})
    client.post(url(r2b), {"action": "in", "client_id": str(uuid.uuid4())})
    today = timezone.localdate()
    rooms = Membership.objects.filter(person=world.w1, group_kind="room").order_by("valid_from")
    assert [(m.group_code, m.valid_to) for m in rooms] == [
        ("NT1-P1", today - timedelta(days=1)), ("NT1-P2", None)]
    client.force_login(world.user("nhatro"))
    page = client.get("/checkins/rooms/").content.decode()
    assert "Phòng 2" in page and "Nguyễn Thị An" in page


def test_residence_rules(world):
    today = timezone.localdate()
    assert declare_residence(world.w1, world.r1, today) is False  # re-scan of the current room
    other = Place.objects.create(code="NT1-P3", kind="room", name="Phòng 3", boarding_house=world.bh1)
    assert declare_residence(world.w1, other, today) is True
    assert declare_residence(world.w1, other, today) is False  # same day re-scan: no change
    assert declare_residence(world.w1, world.r1, today) is True  # moved back the same day
    current = Membership.objects.filter(person=world.w1, group_kind="room", valid_to__isnull=True)
    assert [m.group_code for m in current] == ["NT1-P1"]
    assert not Membership.objects.filter(person=world.w1, group_code="NT1-P3").exists()


def kiosk_post(client, place, scans):
    return client.post(f"/checkins/kiosk/{place.pk}/scans", data=json.dumps({"scans": scans}),
                       content_type="application/json")


def item(code, direction="in"):
    return {"client_id": str(uuid.uuid4()), "code": code, "direction": direction,
            "time": timezone.now().isoformat()}


def test_kiosk_results(client, world):
    client.force_login(world.user("baove"))
    good = tokens.badge_token(tokens.issue_badge(world.w1))
    old = tokens.issue_badge(world.w2)
    revoked = tokens.badge_token(old)
    tokens.revoke_badge(old)
    scans = [item(good), item(revoked), item(good[:-3] + "AAA"),
             item("024195000003||Lê Thị Cúc|04031995|Nữ|Bắc Giang|01012022"),
             item("079000000000||Không Có|04031995|Nữ|HN|01012022"),
             item("024195000001|x|y"), item("024195000001||Tên|99999999|Nữ|addr|01012021")]
    r = kiosk_post(client, world.gate1, scans)
    assert r.status_code == 200
    res = r.json()["results"]
    assert [x["color"] for x in res] == ["green", "red", "red", "amber", "red", "red", "red"]
    assert res[0]["name"] == "Nguyễn Thị An"
    assert res[1]["reason"] == "revoked_badge" and res[2]["reason"] == "forged_token"
    assert res[3]["name"] == "Lê Thị Cúc"  # another enterprise's worker: amber
    assert res[4]["reason"] == "unknown_person"
    assert res[5]["reason"] == res[6]["reason"] == "malformed_id_card"
    assert res[5]["detail"] != res[6]["detail"]  # says what is wrong
    assert Presence.objects.filter(place=world.gate1, source=2).count() == 2
    assert ScanEvent.objects.filter(status=ScanStatus.REJECTED).count() == 5


def test_kiosk_outside_enterprise_is_404(client, world):
    client.force_login(world.user("baove"))
    assert client.get(f"/checkins/kiosk/{world.canteen2.pk}/").status_code == 404
    assert kiosk_post(client, world.canteen2, [item("024195000001")]).status_code == 404
    assert client.get(f"/checkins/kiosk/{world.gate1.pk}/").status_code == 200
    client.force_login(world.user("worker"))
    assert client.get(f"/checkins/kiosk/{world.gate1.pk}/").status_code == 404


def test_kiosk_bad_json(client, world):
    client.force_login(world.user("baove"))
    r = client.post(f"/checkins/kiosk/{world.gate1.pk}/scans", data="nope", content_type="application/json")
    assert r.status_code == 400
    r = kiosk_post(client, world.gate1, [{"client_id": 5, "code": "x"}])
    assert r.status_code == 400 and r.json()["error"] == "scans[0].client_id"


def test_quarantine_hook_makes_red_and_no_presence(client, world):
    def check(ids, at):
        return {world.w1.pk: "home_quarantine"} if world.w1.pk in ids else {}

    quarantine.register(check)
    try:
        client.force_login(world.user("baove"))
        res = kiosk_post(client, world.gate1, [item("024195000001")]).json()["results"][0]
    finally:
        quarantine.unregister(check)
    assert res["color"] == "red" and res["reason"] == "quarantine"
    assert not Presence.objects.filter(place=world.gate1, source=2).exists()


@pytest.mark.parametrize("user,status", [
    ("dn", 200), ("ytedn", 200), ("admin", 200), ("baove", 404), ("worker", 404), ("kcn", 404),
])
def test_badge_and_poster_pages_scope(client, world, user, status):
    client.force_login(world.user(user))
    assert client.get("/checkins/badges/").status_code == status
    assert client.get("/checkins/posters/").status_code == status
    poster = client.get(f"/checkins/posters/place/{world.canteen1.pk}.pdf")
    assert poster.status_code == status


def test_outsider_cannot_touch_our_things(client, world):
    client.force_login(world.user("outsider"))
    assert client.get(f"/checkins/posters/place/{world.canteen1.pk}.pdf").status_code == 404
    assert client.get(f"/checkins/badges/person/{world.w1.uuid}/").status_code == 404
    assert client.get(f"/checkins/badges/?enterprise={world.e1.pk}").status_code == 404
    assert client.get(f"/checkins/devices/?enterprise={world.e1.pk}").status_code == 404
    row, _t = tokens.create_device(world.e1.pk, "x")
    assert client.post(f"/checkins/devices/{row.pk}/revoke").status_code == 404


def test_devices_page_creates_and_revokes(client, world):
    client.force_login(world.user("dn"))
    r = client.post("/checkins/devices/", {"name": "Cổng 2", "kind": "device"})
    token = r.context["new_token"]
    assert token.startswith("tvd_") and token in r.content.decode()
    assert tokens.device_for_token(token) is not None
    from truyvet.checkins.models import ScanDevice

    dev = ScanDevice.objects.get(name="Cổng 2")
    assert token not in json.dumps(list(ScanDevice.objects.values_list("token_hash", "prefix")))
    client.post(f"/checkins/devices/{dev.pk}/revoke")
    assert tokens.device_for_token(token) is None
    client.force_login(world.user("ytedn"))
    assert client.get("/checkins/devices/").status_code == 404


def test_person_badge_reissue(client, world):
    client.force_login(world.user("dn"))
    first = tokens.issue_badge(world.w1)
    client.post(f"/checkins/badges/person/{world.w1.uuid}/", {"action": "reissue"})
    first.refresh_from_db()
    assert first.revoked_at is not None
    page = client.get(f"/checkins/badges/person/{world.w1.uuid}/").content.decode()
    assert page.count("revoked") + page.count("thu hồi") >= 1
    pdf = client.get(f"/checkins/badges/person/{world.w1.uuid}/pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_bus_trip_view(client, world):
    bus = Place.objects.create(code="BUS-98B-12345", kind="bus", name="Xe tuyến 1", enterprise=world.e1,
                               vehicle_plate="98B-123.45", driver_name="Hoàng Văn Tài")
    dev, token = tokens.create_device(world.e1.pk, "bus")
    t = timezone.now() - timedelta(minutes=30)
    client.post("/api/v1/scans", data=json.dumps({"client_id": "a", "place": bus.code,
                                                  "person_id": "024195000001", "time": t.isoformat()}),
                content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    client.force_login(world.user("dn"))
    day = timezone.localtime(t).date().isoformat()
    page = client.get(f"/checkins/buses/{bus.pk}/?day={day}").content.decode()
    assert "98B-123.45" in page and "Hoàng Văn Tài" in page and "Nguyễn Thị An" in page
    client.force_login(world.user("outsider"))
    assert client.get(f"/checkins/buses/{bus.pk}/").status_code == 404

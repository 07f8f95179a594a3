"""Pages: scope per role (200 inside, 404 outside), masking, audit, shell."""

from __future__ import annotations

import pytest

from tests.conftest import SCOPES, UNMASKED
from truyvet.accounts.models import AuditEntry


def _login(client, world, key):
    client.force_login(world.user(key))
    return world.user(key)


@pytest.mark.parametrize("key", sorted(SCOPES))
def test_person_page_in_and_out_of_scope(world, client, key):
    _login(client, world, key)
    inside, outside, *_ = SCOPES[key]
    assert client.get(f"/people/{getattr(world, inside).uuid}/").status_code == 200
    if outside:
        assert client.get(f"/people/{getattr(world, outside).uuid}/").status_code == 404


@pytest.mark.parametrize("key", sorted(SCOPES))
def test_enterprise_pages_in_and_out_of_scope(world, client, key):
    _login(client, world, key)
    _, _, e_in, e_out, *_ = SCOPES[key]
    if e_in:
        pk = getattr(world, e_in).pk
        assert client.get(f"/enterprises/{pk}/").status_code == 200
        assert client.get(f"/enterprises/{pk}/workers/").status_code == 200
    if e_out:
        pk = getattr(world, e_out).pk
        for url in (f"/enterprises/{pk}/", f"/enterprises/{pk}/workers/",
                    f"/enterprises/{pk}/workers.csv"):
            assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("key", sorted(SCOPES))
def test_place_pages_in_and_out_of_scope(world, client, key):
    _login(client, world, key)
    *_, pl_in, pl_out = SCOPES[key]
    if pl_in:
        assert client.get(f"/places/{getattr(world, pl_in).pk}/").status_code == 200
    if pl_out:
        assert client.get(f"/places/{getattr(world, pl_out).pk}/").status_code == 404


@pytest.mark.parametrize("key", sorted(SCOPES))
def test_lists_only_show_scope(world, client, key):
    _login(client, world, key)
    inside, outside, *_ = SCOPES[key]
    for url in ("/", "/enterprises/", "/people/", "/places/"):
        assert client.get(url).status_code == 200, url
    body = client.get("/people/").content.decode()
    if key != "baove":
        assert getattr(world, inside).full_name in body
    if outside:
        assert getattr(world, outside).full_name not in body


@pytest.mark.parametrize("key", sorted(SCOPES))
def test_person_page_masking(world, client, key):
    user = _login(client, world, key)
    person = getattr(world, SCOPES[key][0])
    body = client.get(f"/people/{person.uuid}/").content.decode()
    full = key in UNMASKED or person.pk == user.person_id
    assert (person.national_id in body) is full
    assert (person.phone in body) is (full and key != "baove")
    assert person.national_id[-3:] in body


def test_person_page_sections(world, client):
    _login(client, world, "ytedn")
    body = client.get(f"/people/{world.w1.uuid}/").content.decode()
    assert "Nhà ăn 1" in body and "Phòng 1" in body and "Tổ 1" in body  # presence, room, team
    assert "Công ty Ánh Dương" in body  # employment
    _login(client, world, "baove")
    body = client.get(f"/people/{world.w1.uuid}/").content.decode()
    assert "Nhà ăn 1" not in body and "Phòng 1" not in body


def test_presence_is_last_14_days_only(world, client):
    from django.utils import timezone

    _login(client, world, "worker")
    resp = client.get(f"/people/{world.w1.uuid}/")
    days = resp.context["presence_days"]
    assert len(days) == 1
    assert days[0][0] == timezone.localdate(timezone.now() - timezone.timedelta(days=1))
    assert len(days[0][1]) == 2


def test_boarding_owner_sees_only_rooms_of_their_house(world, client):
    _login(client, world, "nhatro")
    resp = client.get(f"/people/{world.w1.uuid}/")
    assert resp.status_code == 200
    assert [m.group_kind for m in resp.context["memberships"]] == ["room"]
    body = client.get(f"/places/{world.r1.pk}/").content.decode()
    assert world.w1.full_name in body and world.w2.full_name not in body


def test_person_page_is_audited_for_officials(world, client):
    _login(client, world, "cdc")
    client.get(f"/people/{world.w1.uuid}/", REMOTE_ADDR="10.1.2.3")
    entry = AuditEntry.objects.get()
    assert (entry.username, entry.action, entry.person_id, entry.ip) == (
        "cdc", "view_person", world.w1.pk, "10.1.2.3")
    assert entry.what == f"/people/{world.w1.uuid}/" and not entry.masked


def test_masked_views_are_audited_too(world, client):
    _login(client, world, "kcn")
    client.get(f"/people/{world.w1.uuid}/")
    assert AuditEntry.objects.get().masked


def test_worker_viewing_themselves_is_not_audited(world, client):
    _login(client, world, "worker")
    assert client.get("/me/").status_code == 302
    assert client.get(f"/people/{world.w1.uuid}/").status_code == 200
    assert client.get("/people/").status_code == 200
    assert AuditEntry.objects.count() == 0


def test_list_is_audited_once_per_page_with_ids(world, client):
    _login(client, world, "dn")
    client.get(f"/enterprises/{world.e1.pk}/workers/")
    entry = AuditEntry.objects.get()
    assert entry.action == "list_people" and entry.count == 2
    assert sorted(entry.person_ids) == sorted([world.w1.pk, world.w2.pk])


def test_csv_export_is_audited_and_masked_per_role(world, client):
    _login(client, world, "dn")
    resp = client.get(f"/enterprises/{world.e1.pk}/workers.csv")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    assert world.w1.national_id in resp.content.decode("utf-8-sig")
    assert AuditEntry.objects.get().action == "export_people"
    _login(client, world, "kcn")
    text = client.get(f"/enterprises/{world.e1.pk}/workers.csv").content.decode("utf-8-sig")
    assert world.w1.national_id not in text and world.w1.full_name in text
    _login(client, world, "baove")
    assert client.get(f"/enterprises/{world.e1.pk}/workers.csv").status_code == 404


def test_worker_search_and_unit_filter(world, client):
    _login(client, world, "dn")
    url = f"/enterprises/{world.e1.pk}/workers/"
    assert world.w2.full_name not in client.get(url, {"q": "an"}).content.decode()
    by_id = client.get(url, {"q": world.w2.national_id}).context["rows"]
    assert [r.id for r in by_id] == [world.w2.pk]
    by_phone = client.get(url, {"q": "+84 912 345 602"}).context["rows"]
    assert [r.id for r in by_phone] == [world.w2.pk]
    by_site = client.get(url, {"unit": world.site1.pk}).context["rows"]  # includes subtree
    assert len(by_site) == 2
    assert client.get(url, {"unit": world.team2.pk}).context["rows"] == []


def test_htmx_search_returns_the_table_fragment(world, client):
    _login(client, world, "dn")
    resp = client.get(f"/enterprises/{world.e1.pk}/workers/", {"q": "Bình"}, HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert body.lstrip().startswith('<div id="people-table">') and "<html" not in body
    assert world.w2.full_name in body and world.w1.full_name not in body


def test_enterprise_detail_tree_and_counts(world, client):
    _login(client, world, "dn")
    resp = client.get(f"/enterprises/{world.e1.pk}/")
    tree = resp.context["tree"]
    assert [(n.unit.name, n.depth, n.direct, n.total) for n in tree] == [
        ("Nhà máy 1", 0, 0, 2), ("Phân xưởng May", 1, 0, 2), ("Tổ 1", 2, 2, 2)]
    assert resp.context["total"] == 2


def test_enterprise_search_and_filters(world, client):
    _login(client, world, "admin")
    names = lambda r: sorted(e.code for e in r.context["page"].object_list)  # noqa: E731
    assert names(client.get("/enterprises/", {"q": "bình"})) == ["DN2"]
    assert names(client.get("/enterprises/", {"q": "2400000003"})) == ["DN3"]
    assert names(client.get("/enterprises/", {"zone": world.z1.pk})) == ["DN1"]
    assert names(client.get("/enterprises/", {"zone": "none"})) == ["DN3"]
    assert names(client.get("/enterprises/", {"district": world.d1.pk})) == ["DN1", "DN3"]


def test_places_filters(world, client):
    _login(client, world, "admin")
    codes = lambda r: {p.code for p in r.context["page"].object_list}  # noqa: E731
    assert codes(client.get("/places/", {"kind": "room"})) == {"NT1-P1", "NT2-P1"}
    assert codes(client.get("/places/", {"enterprise": world.e1.pk})) == {"DN1-GATE", "DN1-CT"}


@pytest.mark.parametrize("url", [
    "/enterprises/?page=abc", "/enterprises/?page=-1", "/enterprises/?page=99999999999999999999",
    "/enterprises/?zone=x&district=%00", "/enterprises/?zone=99999999999",
    "/people/?page=0&q=" + "x" * 5000, "/places/?kind=spaceship&enterprise=-4&page=1e9",
    "/enterprises/1/workers/?unit=abc&page=zz", "/people/not-a-uuid/", "/places/abc/",
    "/enterprises/999999/",
])
def test_bad_input_never_500(world, client, url):
    _login(client, world, "admin")
    assert client.get(url).status_code in (200, 404)


@pytest.mark.parametrize("url", ["/", "/enterprises/", "/people/", "/places/", "/password/"])
def test_anonymous_is_sent_to_login(db, client, url):
    resp = client.get(url)
    assert resp.status_code == 302 and resp["Location"].startswith("/login/")


def test_login_logout_and_password_change(world, client):
    resp = client.post("/login/", {"username": "dn", "password": "pw-Tr0ng-Demo"})
    assert resp.status_code == 302 and resp["Location"] == "/"
    resp = client.post("/password/", {"old_password": "pw-Tr0ng-Demo",
                                      "new_password1": "Hai-mat-khau-moi", "new_password2":
                                      "Hai-mat-khau-moi"})
    assert resp.status_code == 302
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302
    assert client.login(username="dn", password="Hai-mat-khau-moi")


def test_vietnamese_by_default_and_english_switch(world, client):
    _login(client, world, "dn")
    body = client.get("/enterprises/").content.decode()
    assert '<html lang="vi">' in body and "Doanh nghiệp" in body
    resp = client.post("/i18n/setlang/", {"language": "en", "next": "/enterprises/"})
    assert resp.status_code == 302
    body = client.get("/enterprises/").content.decode()
    assert '<html lang="en">' in body and "Enterprises" in body and "Doanh nghiệp" not in body


def test_login_page_is_vietnamese(db, client):
    body = client.get("/login/").content.decode()
    assert "Đăng nhập" in body


@pytest.mark.parametrize("key,expected,absent", [
    ("worker", ["/me/"], ["/enterprises/", "/admin/"]),
    ("nhatro", ["/places/", "/people/"], ["/enterprises/"]),
    ("baove", ["/enterprises/", "/places/"], ["/people/"]),
    ("admin", ["/admin/", "/enterprises/", "/people/"], []),
    ("kcn", ["/enterprises/", "/people/", "/places/"], ["/admin/"]),
])
def test_navigation_per_role(world, client, key, expected, absent):
    _login(client, world, key)
    urls = [i.url for i in client.get("/").context["nav_items"]]
    assert all(u in urls for u in expected) and not any(u in urls for u in absent)


def test_times_are_shown_in_hanoi_time(world, client, settings):
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    from django.utils import timezone

    _login(client, world, "worker")
    rows = client.get(f"/people/{world.w1.uuid}/").context["presence_days"][0][1]
    local = timezone.localtime(rows[0].start)
    body = client.get(f"/people/{world.w1.uuid}/").content.decode()
    assert local.strftime("%H:%M") in body


def test_browser_language_does_not_override_vietnamese_default(db, client):
    body = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in body and "Đăng nhập" in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    body = client.get("/login/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<html lang="en">' in body

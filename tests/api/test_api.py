"""API v1: auth, scope per role (200 inside, 404 outside), masking, audit, errors."""

from __future__ import annotations

import pytest

from tests.conftest import SCOPES, UNMASKED
from truyvet.accounts.models import AuditEntry
from truyvet.accounts.tokens import create_token

API = "/api/v1"


@pytest.fixture
def as_user(world, client):
    """A client call with a bearer token for the persona `key`."""
    tokens = {}

    def get(key, url, **params):
        if key not in tokens:
            tokens[key] = create_token(world.user(key), "test")[1]
        return client.get(API + url, params, HTTP_AUTHORIZATION=f"Bearer {tokens[key]}")

    return get


@pytest.mark.parametrize("key", sorted(SCOPES))
def test_people_in_and_out_of_scope(world, as_user, key):
    inside, outside, *_ = SCOPES[key]
    p_in = getattr(world, inside)
    assert as_user(key, f"/people/{p_in.uuid}").status_code == 200
    ids = {p["uuid"] for p in as_user(key, "/people").json()["items"]}
    assert str(p_in.uuid) in ids
    if outside:
        p_out = getattr(world, outside)
        for url in (f"/people/{p_out.uuid}", f"/people/by-national-id/{p_out.national_id}",
                    f"/people/{p_out.uuid}/memberships", f"/people/{p_out.uuid}/presence"):
            resp = as_user(key, url)
            assert resp.status_code == 404, url
            assert resp.json() == {"detail": "Not found"}
        assert str(p_out.uuid) not in ids


@pytest.mark.parametrize("key", sorted(SCOPES))
def test_enterprises_and_places_in_and_out_of_scope(world, as_user, key):
    _, _, e_in, e_out, pl_in, pl_out = SCOPES[key]
    listed = {e["id"] for e in as_user(key, "/enterprises").json()["items"]}
    if e_in:
        pk = getattr(world, e_in).pk
        assert as_user(key, f"/enterprises/{pk}").status_code == 200
        assert as_user(key, f"/enterprises/{pk}/org-units").status_code == 200
        assert pk in listed
    if e_out:
        pk = getattr(world, e_out).pk
        assert as_user(key, f"/enterprises/{pk}").status_code == 404
        assert as_user(key, f"/enterprises/{pk}/org-units").status_code == 404
        assert as_user(key, "/people", enterprise=pk).status_code == 404
        assert pk not in listed
    places = {p["id"] for p in as_user(key, "/places").json()["items"]}
    if pl_in:
        assert as_user(key, f"/places/{getattr(world, pl_in).pk}").status_code == 200
        assert getattr(world, pl_in).pk in places
    if pl_out:
        assert as_user(key, f"/places/{getattr(world, pl_out).pk}").status_code == 404
        assert getattr(world, pl_out).pk not in places


@pytest.mark.parametrize("key", sorted(SCOPES))
def test_masking_per_role(world, as_user, key):
    person = getattr(world, SCOPES[key][0])
    body = as_user(key, f"/people/{person.uuid}").json()
    full = key in UNMASKED or person.pk == world.user(key).person_id
    assert (body["national_id"] == person.national_id) is full
    assert body["masked"] is (not full)
    if not full:
        assert body["national_id"].endswith(person.national_id[-3:])
        assert person.phone not in body["phone"] and body["date_of_birth"] is None


def test_person_by_national_id(world, as_user):
    body = as_user("ytedn", f"/people/by-national-id/{world.w2.national_id}").json()
    assert body["uuid"] == str(world.w2.uuid)


def test_memberships_and_presence(world, as_user):
    m = as_user("ytedn", f"/people/{world.w1.uuid}/memberships").json()
    assert {i["group_kind"] for i in m["items"]} == {"room", "team"}
    p = as_user("ytedn", f"/people/{world.w1.uuid}/presence").json()
    assert p["count"] == 2 and p["items"][0]["place_code"] == "DN1-CT"
    assert p["items"][0]["effective_end"] > p["items"][0]["start"]
    # the boarding-house owner sees the rooms of their house only; the gate nothing more
    m = as_user("nhatro", f"/people/{world.w1.uuid}/memberships").json()
    assert [i["group_code"] for i in m["items"]] == ["NT1-P1"]
    assert as_user("nhatro", f"/people/{world.w1.uuid}/presence").status_code == 404
    assert as_user("baove", f"/people/{world.w1.uuid}/memberships").status_code == 404


def test_org_units_with_head_counts(world, as_user):
    body = as_user("dn", f"/enterprises/{world.e1.pk}/org-units").json()
    assert [(u["name"], u["depth"], u["total_count"]) for u in body["items"]] == [
        ("Nhà máy 1", 0, 2), ("Phân xưởng May", 1, 2), ("Tổ 1", 2, 2)]
    people = as_user("dn", "/people", org_unit=world.site1.pk).json()
    assert people["count"] == 2
    assert as_user("dn", "/people", org_unit=world.team2.pk).status_code == 404


def test_people_search_and_pagination(world, as_user):
    body = as_user("cdc", "/people", q="0912 345 603").json()
    assert [p["full_name"] for p in body["items"]] == ["Lê Thị Cúc"]
    page = as_user("cdc", "/people", page_size=3, page=2).json()
    assert (page["count"], page["page"], len(page["items"])) == (4, 2, 1)
    assert as_user("cdc", "/people", page=99).json()["items"] == []


def test_enterprise_filters(world, as_user):
    codes = lambda **kw: sorted(e["code"] for e in as_user("admin", "/enterprises", **kw).json()["items"])  # noqa: E731
    assert codes(outside_zones=True) == ["DN3"]
    assert codes(zone=world.z2.pk) == ["DN2"]
    assert codes(district=world.d1.pk) == ["DN1", "DN3"]
    assert codes(q="dn2") == ["DN2"]
    detail = as_user("admin", f"/enterprises/{world.e1.pk}").json()
    assert detail["worker_count"] == 2 and detail["zone"]["code"] == "KCN-QV"
    assert detail["district_name"] == "Việt Yên"


def test_api_reads_are_audited(world, as_user):
    as_user("cdc", "/people")
    as_user("cdc", f"/people/{world.w1.uuid}")
    as_user("kcn", f"/people/{world.w1.uuid}")
    entries = list(AuditEntry.objects.order_by("at", "pk"))
    assert [(e.username, e.action, e.count, e.masked) for e in entries] == [
        ("cdc", "api_people", 4, False), ("cdc", "api_person", 1, False),
        ("kcn", "api_person", 1, True)]
    assert entries[0].what.startswith("API GET /api/v1/people")


def test_worker_reading_themselves_is_not_audited(world, as_user):
    assert as_user("worker", f"/people/{world.w1.uuid}").status_code == 200
    assert as_user("worker", f"/people/{world.w1.uuid}/presence").status_code == 200
    assert as_user("worker", "/people").json()["count"] == 1
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize("url", ["/people", "/enterprises", "/places", "/enterprises/1"])
def test_anonymous_gets_401(db, client, url):
    resp = client.get(API + url)
    assert resp.status_code == 401


def test_bad_or_revoked_token_gets_401(world, client):
    from truyvet.accounts.tokens import revoke

    row, token = create_token(world.user("dn"), "x")
    assert client.get(API + "/people", HTTP_AUTHORIZATION="Bearer tv_nope").status_code == 401
    revoke(row)
    assert client.get(API + "/people", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_session_auth_works_for_the_browser(world, client):
    client.force_login(world.user("dn"))
    assert client.get(API + "/people").json()["count"] == 2


@pytest.mark.parametrize("params,field", [
    ({"page": 0}, "page"), ({"page": "abc"}, "page"), ({"page_size": 1000}, "page_size"),
    ({"enterprise": "x"}, "enterprise"), ({"q": "x" * 500}, "q"),
])
def test_bad_input_is_422_naming_the_field(world, as_user, params, field):
    resp = as_user("admin", "/people", **params)
    assert resp.status_code == 422
    assert any(field in err["loc"] for err in resp.json()["detail"])


@pytest.mark.parametrize("url,params,field", [
    ("/places", {"kind": "spaceship"}, "kind"),
    ("/people/{uuid}/presence", {"since": "yesterday"}, "since"),
    ("/people/{uuid}/presence", {"since": "2026-01-02T00:00:00+07:00",
                                  "until": "2026-01-01T00:00:00+07:00"}, "since"),
    ("/people/{uuid}/presence", {"until": "2026-01-01T00:00:00"}, "until"),
    ("/enterprises", {"zone": -1}, "zone"),
])
def test_more_bad_input(world, as_user, url, params, field):
    resp = as_user("admin", url.format(uuid=world.w1.uuid), **params)
    assert resp.status_code == 422, resp.content
    assert any(field in err["loc"] for err in resp.json()["detail"])


@pytest.mark.parametrize("url", ["/people/not-a-uuid", "/enterprises/abc", "/places/99999999",
                                 "/people/by-national-id/" + "9" * 80])
def test_malformed_paths_are_404_not_500(world, as_user, url):
    assert as_user("admin", url).status_code == 404


def test_openapi_and_docs_are_served(db, client):
    spec = client.get(API + "/openapi.json").json()
    assert "/api/v1/people/{person_uuid}" in spec["paths"]
    assert "BearerToken" in spec["components"]["securitySchemes"]
    assert client.get(API + "/docs").status_code == 200


def test_api_lists_are_not_n_plus_1(world, as_user, django_assert_max_num_queries):
    as_user("dn", "/people")  # make the token first
    with django_assert_max_num_queries(6):
        as_user("dn", "/people")
    with django_assert_max_num_queries(5):
        as_user("admin", "/places")

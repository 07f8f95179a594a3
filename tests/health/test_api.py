"""Health and worker-list read endpoints: happy path, scope (404), bad input (422
naming the field), pagination, audit."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from truyvet.accounts.models import AuditEntry
from truyvet.accounts.tokens import create_token
from truyvet.health import services
from truyvet.worklists.models import ImportJob, ImportStatus


def get(client, user, url: str):
    token = create_token(user, "test")[1]
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def yesterday_at(hh: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=1), time(hh)))


@pytest.fixture
def results(world):
    services.record_results(world.e1.pk, None, {world.w1.pk: "negative", world.w2.pk: "positive"},
                            yesterday_at(8), "rt_pcr", "G1")
    services.record_results(world.e1.pk, None, {world.w1.pk: "negative"},
                            yesterday_at(8) - timedelta(days=3), "rapid_antigen")
    return world


def field_of(response) -> list:
    return [d["loc"][-1] for d in response.json()["detail"]]


def test_test_results_by_day_and_result(results, client):
    world = results
    url = f"/api/v1/enterprises/{world.e1.pk}/test-results"
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    body = get(client, world.user("ytedn"), f"{url}?date={day}").json()
    assert body["count"] == 2 and body["page"] == 1
    assert {i["full_name"] for i in body["items"]} == {"Nguyễn Thị An", "Trần Văn Bình"}
    item = next(i for i in body["items"] if i["result"] == "positive")
    assert item["person_uuid"] == str(world.w2.uuid) and item["test_type"] == "rt_pcr"
    assert item["pool_id"] == "G1" and item["national_id"] == "024195000002"
    assert get(client, world.user("cdc"), f"{url}?result=positive").json()["count"] == 1
    assert get(client, world.user("dn"), url).json()["count"] == 3
    entry = AuditEntry.objects.filter(action="api_people", user=world.user("ytedn")).get()
    assert sorted(entry.person_ids) == sorted([world.w1.pk, world.w2.pk])


def test_test_results_pagination(results, client):
    world = results
    url = f"/api/v1/enterprises/{world.e1.pk}/test-results?page_size=2"
    first = get(client, world.user("ytedn"), url).json()
    second = get(client, world.user("ytedn"), url + "&page=2").json()
    assert (first["count"], len(first["items"]), len(second["items"])) == (3, 2, 1)
    assert first["items"][0]["sampled_at"] >= second["items"][0]["sampled_at"]
    assert get(client, world.user("ytedn"), url + "&page=9").json()["items"] == []


@pytest.mark.parametrize("query, field", [
    ("date=2026-13-45", "date"), ("date=yesterday", "date"), ("result=maybe", "result"),
    ("page=0", "page"), ("page_size=100000", "page_size"),
])
def test_test_results_bad_input_is_422(world, client, query, field):
    response = get(client, world.user("ytedn"),
                   f"/api/v1/enterprises/{world.e1.pk}/test-results?{query}")
    assert response.status_code == 422 and field in field_of(response)


def test_future_date_is_422(world, client):
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    for url in (f"/api/v1/enterprises/{world.e1.pk}/test-results?date={future}",
                f"/api/v1/compliance?date={future}", "/api/v1/compliance?date=9999-12-31"):
        response = get(client, world.user("admin"), url)
        assert response.status_code == 422 and field_of(response) == ["date"], url


@pytest.mark.parametrize("persona", ["outsider", "kcn", "baove", "worker", "huyen"])
def test_health_endpoints_out_of_scope_are_404(results, client, persona):
    world = results
    for what in ("test-results", "vaccination-coverage"):
        response = get(client, world.user(persona), f"/api/v1/enterprises/{world.e1.pk}/{what}")
        assert response.status_code == 404, what
    assert not AuditEntry.objects.filter(action="api_people").exists()


def test_vaccination_coverage(world, client):
    services.record_vaccination(world.w1, None, 1, "AstraZeneca", None, "")
    services.record_vaccination(world.w1, None, 2, "AstraZeneca", None, "")
    body = get(client, world.user("cdc"),
               f"/api/v1/enterprises/{world.e1.pk}/vaccination-coverage").json()
    total = body["items"][0]
    assert total["org_unit_id"] is None and total["name"] == world.e1.name
    assert (total["workers"], total["dose1"], total["dose2"], total["share2"]) == (2, 1, 1, 50)
    assert body["count"] == len(body["items"]) == 4  # enterprise, site, workshop, team
    assert get(client, world.user("cdc"), f"/api/v1/enterprises/{world.e1.pk}/vaccination-coverage"
               "?page_size=1&page=2").json()["items"][0]["name"] == "Nhà máy 1"


def test_compliance_for_authorities(world, client):
    services.note_report(world.e1.pk, None, 2, 1, now=yesterday_at(9))
    body = get(client, world.user("cdc"), "/api/v1/compliance?sort=name").json()
    names = [i["name"] for i in body["items"]]
    assert body["count"] == 3 and names == sorted(names, key=str.lower)
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    rows = {i["code"]: i for i in get(client, world.user("cdc"), f"/api/v1/compliance?date={day}")
            .json()["items"]}
    assert rows["DN1"]["report"] == "on_time" and rows["DN1"]["positives"] == 1
    assert rows["DN2"]["report"] == "missing"
    kcn = get(client, world.user("kcn"), "/api/v1/compliance").json()
    assert [i["code"] for i in kcn["items"]] == ["DN1"]
    paged = get(client, world.user("admin"), "/api/v1/compliance?page_size=2&page=2").json()
    assert (paged["count"], len(paged["items"])) == (3, 1)


@pytest.mark.parametrize("query, field", [("date=01/06/2026", "date"), ("sort=bogus", "sort"),
                                          ("show=x", "show")])
def test_compliance_bad_input_is_422(world, client, query, field):
    response = get(client, world.user("cdc"), f"/api/v1/compliance?{query}")
    assert response.status_code == 422 and field in field_of(response)


@pytest.mark.parametrize("persona", ["baove", "nhatro", "worker"])
def test_compliance_denied_is_404(world, client, persona):
    assert get(client, world.user(persona), "/api/v1/compliance").status_code == 404


def test_worklist_import_history(world, client):
    now = timezone.now()
    for i in range(3):
        ImportJob.objects.create(enterprise=world.e1, file_name=f"ds{i}.xlsx", created_by=world.user("dn"),
                                 status=ImportStatus.APPLIED, applied_at=now - timedelta(days=i),
                                 counts={"new": i, "errors": 0}, total=10 + i)
    ImportJob.objects.create(enterprise=world.e1, file_name="draft.xlsx", counts={"new": 1})
    ImportJob.objects.create(enterprise=world.e2, file_name="other.xlsx")
    url = f"/api/v1/enterprises/{world.e1.pk}/worklist-imports"
    body = get(client, world.user("ytedn"), url + "?page_size=2").json()
    assert body["count"] == 4 and len(body["items"]) == 2
    assert body["items"][0]["file_name"] == "draft.xlsx" and body["items"][0]["status"] == "preview"
    applied = get(client, world.user("admin"), url + "?status=applied").json()
    assert applied["count"] == 3
    item = applied["items"][-1]
    assert item["file_name"] == "ds0.xlsx" and item["created_by"] == "dn"  # newest first
    assert item["rows"] == 10 and item["counts"] == {"new": 0, "errors": 0}
    assert get(client, world.user("dn"), url + "?status=done").status_code == 422
    for persona in ("outsider", "cdc", "kcn", "worker"):
        assert get(client, world.user(persona), url).status_code == 404, persona

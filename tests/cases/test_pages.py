"""Pages of declared cases: scope per role, declare form (live search, errors),
result page (groups, counts, reasons, pagination, masking, query counts),
exports, graph, person-page fragment, audit."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from tests.cases.conftest import ONSET
from tests.tracing.helpers import member, presence
from truyvet.accounts.models import AuditEntry
from truyvet.cases.models import Trace, TraceContact
from truyvet.cases.services import declare_case
from truyvet.registry.models import Person

TRACERS = ["admin", "cdc", "ytehuyen", "dn", "ytedn"]
NOT_TRACERS = ["kcn", "congthuong", "huyen", "baove", "nhatro", "worker"]


def login(client, world, key, lang="en"):
    client.force_login(world.user(key))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return world.user(key)


def run(outbreak, key="ytedn", **extra) -> Trace:
    return declare_case(outbreak.world.user(key), outbreak.raw(**extra)).trace


# --- who may trace -------------------------------------------------------------------


@pytest.mark.parametrize("key", NOT_TRACERS)
def test_pages_are_404_for_roles_that_may_not_trace(outbreak, client, key):
    trace = run(outbreak, "admin")
    login(client, outbreak.world, key)
    w1 = outbreak.world.w1
    for url in ("/cases/", "/cases/declare/", "/cases/declare/people/?q=Ng",
                f"/cases/{trace.uuid}/", f"/cases/{trace.uuid}/contacts.csv",
                f"/cases/{trace.uuid}/contacts.xlsx", f"/cases/{trace.uuid}/graph/",
                f"/cases/{trace.uuid}/graph.json", f"/cases/people/{w1.uuid}/contacts/"):
        assert client.get(url).status_code == 404, url
    assert "/cases/" not in client.get("/").content.decode()  # no navigation entry


@pytest.mark.parametrize("key", TRACERS)
def test_tracers_see_the_pages_and_the_nav_entry(outbreak, client, key):
    trace = run(outbreak, "admin")
    login(client, outbreak.world, key)
    body = client.get("/").content.decode()
    assert 'href="/cases/"' in body and "Traces" in body
    assert client.get("/cases/declare/").status_code == 200
    assert client.get(f"/cases/{trace.uuid}/").status_code == 200
    assert str(trace.uuid) in client.get("/cases/").content.decode()


def test_out_of_scope_trace_is_404(outbreak, client):
    x1_trace = declare_case(outbreak.world.user("cdc"),
                            outbreak.raw(person_id=outbreak.world.x1.national_id)).trace
    login(client, outbreak.world, "ytedn")
    assert client.get(f"/cases/{x1_trace.uuid}/").status_code == 404
    assert client.get(f"/cases/{x1_trace.uuid}/contacts.csv").status_code == 404
    assert str(x1_trace.uuid) not in client.get("/cases/").content.decode()
    login(client, outbreak.world, "outsider")  # e2's admin: their worker's trace is theirs
    assert client.get(f"/cases/{x1_trace.uuid}/").status_code == 200
    assert client.get(f"/cases/{run(outbreak).uuid}/").status_code == 404


# --- declare -------------------------------------------------------------------------


def test_live_search_lists_only_traceable_people(outbreak, client):
    w = outbreak.world
    login(client, w, "ytedn")
    body = client.get("/cases/declare/people/", {"q": "Thị"}, HTTP_HX_REQUEST="true") \
        .content.decode()
    assert w.w1.full_name in body and outbreak.z1.full_name in body
    assert w.x1.full_name not in body  # enterprise e2
    assert w.w1.national_id in body  # unmasked for the health officer
    by_phone = client.get("/cases/declare/people/", {"q": "0912 345 601"}).content.decode()
    assert w.w1.full_name in by_phone and w.w2.full_name not in by_phone
    assert AuditEntry.objects.filter(action="list_people").exists()


def test_declare_runs_saves_and_redirects(outbreak, client):
    w = outbreak.world
    login(client, w, "ytedn")
    now = timezone.now().replace(microsecond=0)  # as_of defaults to now, to the second
    # A recent onset: the canteen visit of w1 a day ago; nobody else there.
    resp = client.post("/cases/declare/", {"person": w.w1.uuid, "onset_date": ONSET,
                                           "depth": 2})
    trace = Trace.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/cases/{trace.uuid}/"
    assert trace.person == w.w1 and trace.onset_is_date and trace.depth == 2
    assert trace.as_of >= now and trace.created_by == w.user("ytedn")
    assert trace.level_counts == [2, 1]
    assert AuditEntry.objects.filter(action="trace_run", count=4).exists()


def test_declare_with_time_and_isolation(outbreak, client):
    w = outbreak.world
    login(client, w, "cdc")
    resp = client.post("/cases/declare/", {
        "person": w.w1.uuid, "onset_date": "2026-06-09", "onset_time": "08:00",
        "isolated_at": "2026-06-08T07:20", "depth": 1})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    trace = Trace.objects.get()
    assert not trace.onset_is_date and trace.depth == 1
    assert timezone.localtime(trace.isolated_at).strftime("%d/%m %H:%M") == "08/06 07:20"
    assert timezone.localtime(trace.window_start).strftime("%d/%m %H:%M") == "07/06 08:00"


@pytest.mark.parametrize("change,field,words", [
    ({"person": ""}, "person", "Pick a person"),
    ({"person": "not-a-uuid"}, "person", "Pick a person"),
    ({"onset_date": "2026-02-30"}, "onset_date", "valid date"),
    ({"onset_date": ""}, "onset_date", "required"),
    ({"onset_date": (timezone.localdate() + timedelta(days=3)).isoformat()}, "onset_date",
     "future"),
    ({"isolated_at": "2026-06-01T08:00"}, "isolated_at", "before the start of the window"),
    ({"isolated_at": "tomorrow"}, "isolated_at", "valid date"),
    ({"depth": "0"}, "depth", "greater than or equal to 1"),
    ({"depth": "9"}, "depth", "less than or equal to 5"),
    ({"depth": "x"}, "depth", "whole number"),
])
def test_declare_errors_show_on_the_field_and_save_nothing(outbreak, client, change, field,
                                                            words):
    w = outbreak.world
    login(client, w, "ytedn")
    data = {"person": w.w1.uuid, "onset_date": ONSET, "depth": 2, **change}
    resp = client.post("/cases/declare/", data)
    assert resp.status_code == 400
    assert words in resp.content.decode()
    assert field in resp.context["form"].errors
    assert not Trace.objects.exists()


def test_declare_refuses_a_person_outside_scope(outbreak, client):
    login(client, outbreak.world, "ytedn")
    resp = client.post("/cases/declare/", {"person": outbreak.world.x1.uuid,
                                           "onset_date": ONSET, "depth": 2})
    assert resp.status_code == 400 and "person" in resp.context["form"].errors
    assert outbreak.world.x1.full_name not in resp.content.decode()
    assert not Trace.objects.exists()


def test_vietnamese_form_and_errors(outbreak, client):
    login(client, outbreak.world, "ytedn", lang="vi")
    body = client.get("/cases/declare/").content.decode()
    assert "Khai báo ca bệnh" in body and "Truy vết" in body
    resp = client.post("/cases/declare/", {"onset_date": ONSET, "depth": 2})
    assert "Hãy chọn một người" in resp.content.decode()


# --- result page ---------------------------------------------------------------------


def test_result_page_header_groups_and_reasons(outbreak, client):
    w = outbreak.world
    trace = run(outbreak)
    login(client, w, "ytedn")
    body = client.get(f"/cases/{trace.uuid}/").content.decode()
    assert w.w1.full_name in body
    assert "F1: <b>2</b>" in body and "F2: <b>1</b>" in body
    assert "same bus 98B-123.45, 07:05–07:40 on 08/06" in body
    assert "same team Tổ 1" in body
    assert "with Nguyễn Thị An (F0)" in body
    assert "Công ty Ánh Dương › Phân xưởng May › Tổ 1" in body  # the group heading
    assert w.w2.phone in body and w.w2.national_id in body  # in scope: full details
    f2 = client.get(f"/cases/{trace.uuid}/", {"level": 2}).content.decode()
    assert "same canteen Nhà ăn A, 12:05–12:30 on 09/06" in f2
    assert "with Trần Văn Bình (F1)" in f2
    assert w.x1.full_name in f2 and "Công ty Bình Minh" in f2
    assert w.x1.national_id not in f2 and w.x1.phone not in f2  # outside e1: masked
    assert "*********003" in f2 and "masked" in f2
    assert f"/people/{w.x1.uuid}/" not in f2  # no link to a page that would 404


def test_vietnamese_reasons(outbreak, client):
    trace = run(outbreak)
    login(client, outbreak.world, "ytedn", lang="vi")
    body = client.get(f"/cases/{trace.uuid}/").content.decode()
    assert "cùng xe 98B-123.45, 07:05–07:40 ngày 08/06" in body
    assert "cùng tổ Tổ 1" in body


def test_province_cdc_sees_outside_contacts_in_full(outbreak, client):
    trace = run(outbreak)
    login(client, outbreak.world, "cdc")
    f2 = client.get(f"/cases/{trace.uuid}/", {"level": 2}).content.decode()
    assert outbreak.world.x1.national_id in f2 and outbreak.world.x1.phone in f2


def test_room_and_bus_groupings(outbreak, client):
    w = outbreak.world
    member(w.w2, "bus_route", "BUS-98B-12345", "2026-01-01")
    trace = run(outbreak)
    login(client, w, "ytedn")
    body = client.get(f"/cases/{trace.uuid}/", {"g": "bus"}).content.decode()
    assert "98B-123.45" in body and "No bus" in body
    c = TraceContact.objects.get(trace=trace, person=w.w2)
    assert c.bus == outbreak.bus and c.team == w.team1 and c.workshop == w.workshop1
    only = client.get(f"/cases/{trace.uuid}/", {"g": "bus", "k": str(outbreak.bus.pk)})
    assert only.context["v"].page.paginator.count == 1
    assert client.get(f"/cases/{trace.uuid}/", {"g": "org", "k": "x.y"}).status_code == 200
    assert client.get(f"/cases/{trace.uuid}/", {"level": "99", "page": "abc",
                                                "g": "nope"}).status_code == 200


def _crowd(outbreak, n: int) -> None:
    """n more workers of e1 on the bus with F0, in two teams: n more F1."""
    w = outbreak.world
    from truyvet.registry.models import OrgUnit
    team_b = OrgUnit.objects.create(code="DN1-T2", enterprise=w.e1, kind="team", name="Tổ 2",
                                    parent=w.workshop1)
    people = Person.objects.bulk_create([
        Person(national_id=f"0241960{i:05d}", full_name=f"Công nhân {i:03d}", enterprise=w.e1,
               org_unit=w.team1 if i % 2 else team_b, phone=f"09800{i:05d}")
        for i in range(n)])
    start = outbreak_time("2026-06-08 07:05")
    for p in people:
        presence(p, outbreak.bus, start, start + timedelta(minutes=30))


def outbreak_time(text: str):
    from tests.tracing.helpers import t
    return t(text)


def test_pagination_and_group_counts_by_sql(outbreak, client, django_assert_max_num_queries):
    _crowd(outbreak, 120)
    trace = run(outbreak)
    assert trace.f1 == 122
    login(client, outbreak.world, "ytedn")
    url = f"/cases/{trace.uuid}/"
    client.get(url)  # warm caches (session, content types)
    with django_assert_max_num_queries(12):
        resp = client.get(url)
    v = resp.context["v"]
    assert v.page.paginator.count == 122 and len(v.person_ids) == 50
    counts = {g.label: g.count for g in v.groups}
    assert counts["Công ty Ánh Dương › Phân xưởng May › Tổ 1"] == 62  # w2, z1 + 60
    assert counts["Công ty Ánh Dương › Phân xưởng May › Tổ 2"] == 60
    body = resp.content.decode()
    assert "Page 1 of 3" in body and 'rel="next"' in body
    last = client.get(url, {"page": 3}).context["v"]
    assert len(last.person_ids) == 22
    # Audit: the people shown on the page, not the whole list.
    entry = AuditEntry.objects.filter(action="view_trace").latest("at")
    assert entry.count == 22


def test_query_count_does_not_grow_with_contacts(outbreak, client, django_assert_max_num_queries):
    _crowd(outbreak, 400)
    trace = run(outbreak)
    login(client, outbreak.world, "ytedn")
    client.get(f"/cases/{trace.uuid}/")
    with django_assert_max_num_queries(12):
        client.get(f"/cases/{trace.uuid}/", {"page": 5})
    with django_assert_max_num_queries(12):
        client.get(f"/cases/{trace.uuid}/", {"level": 2, "g": "room"})
    with django_assert_max_num_queries(8):
        client.get("/cases/")


def test_trace_list_newest_first(outbreak, client):
    first = run(outbreak)
    second = run(outbreak, onset="2026-06-09")
    login(client, outbreak.world, "ytedn")
    page = client.get("/cases/").context["page"]
    assert [t.uuid for t in page] == [second.uuid, first.uuid]
    assert AuditEntry.objects.filter(action="list_people", person=outbreak.world.w1).exists()


def test_anonymous_is_sent_to_log_in(outbreak, client):
    trace = run(outbreak)
    for url in ("/cases/", "/cases/declare/", f"/cases/{trace.uuid}/"):
        resp = client.get(url)
        assert resp.status_code == 302 and "/login/" in resp["Location"]
    assert client.get(f"/api/v1/traces/{trace.uuid}").status_code == 401
    assert client.post("/api/v1/traces", {}, content_type="application/json").status_code == 401


# --- exports -------------------------------------------------------------------------


def _stream(resp) -> bytes:
    return b"".join(resp.streaming_content)


def test_csv_export_streams_the_columns_officers_need(outbreak, client):
    w = outbreak.world
    member(w.w2, "room", "NT1-P1", "2026-01-01")
    trace = run(outbreak)
    login(client, w, "ytedn")
    resp = client.get(f"/cases/{trace.uuid}/contacts.csv")
    assert isinstance(resp, StreamingHttpResponse) and resp.status_code == 200
    assert "attachment" in resp["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(_stream(resp).decode("utf-8-sig"))))
    assert rows[0] == ["Level", "Full name", "Birth year", "Sex", "ID number", "Phone",
                       "Enterprise", "Workshop", "Team", "Residence", "Exposed at", "Reason"]
    by_name = {r[1]: r for r in rows[1:]}
    w2 = by_name[w.w2.full_name]
    assert w2[0] == "F1" and w2[2] == "1995" and w2[4] == w.w2.national_id
    assert w2[5] == w.w2.phone and w2[6] == "Công ty Ánh Dương" and w2[7] == "Phân xưởng May"
    assert w2[8] == "Tổ 1" and w2[9] == "Phòng 1, Nhà trọ Hoa Mai"
    assert w2[10] == "08/06/2026 07:05"
    assert w2[11] == "same bus 98B-123.45, 07:05–07:40 on 08/06 (with Nguyễn Thị An)"
    x1 = by_name[w.x1.full_name]
    assert x1[0] == "F2" and x1[4] == "*********003" and x1[5] != w.x1.phone
    entry = AuditEntry.objects.get(action="export_trace")
    assert entry.count == 3 and entry.masked


def test_xlsx_export(outbreak, client):
    w = outbreak.world
    trace = run(outbreak)
    login(client, w, "cdc", lang="vi")
    resp = client.get(f"/cases/{trace.uuid}/contacts.xlsx")
    assert isinstance(resp, FileResponse) and resp.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(_stream(resp)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Cấp" and rows[0][1] == "Họ và tên"
    assert len(rows) == 4
    assert {r[1] for r in rows[1:]} == {w.w2.full_name, outbreak.z1.full_name, w.x1.full_name}
    assert any(r[4] == w.x1.national_id for r in rows[1:])  # the CDC sees everyone
    assert any("cùng xe 98B-123.45" in r[11] for r in rows[1:])
    assert AuditEntry.objects.filter(action="export_trace", count=3).exists()


# --- graph ---------------------------------------------------------------------------


def test_graph_json_and_svg(outbreak, client):
    _crowd(outbreak, 30)
    trace = run(outbreak)
    login(client, outbreak.world, "ytedn")
    doc = client.get(f"/cases/{trace.uuid}/graph.json").json()
    nodes = {n["id"]: n for n in doc["nodes"]}
    bus = nodes["1|place|BUS-98B-12345"]
    assert bus["count"] == 31 and bus["label"] == "Bus 98B-123.45"
    assert nodes["1|team|DN1-T"]["label"] == "Tổ 1"
    canteen = nodes["2|place|DN2-CT"]
    assert canteen["count"] == 1 and canteen["label"] == "Nhà ăn A"
    edges = {(e["source"], e["target"]): e["count"] for e in doc["edges"]}
    assert edges[("F0", "1|place|BUS-98B-12345")] == 31
    assert edges[("1|place|BUS-98B-12345", "2|place|DN2-CT")] == 1
    login(client, outbreak.world, "ytedn", lang="vi")  # decimal commas must not reach SVG
    body = client.get(f"/cases/{trace.uuid}/graph/").content.decode()
    assert "<svg" in body and 'r="6,' not in body and body.count("<circle") == len(doc["nodes"])
    assert "via=place%3ABUS-98B-12345" in body
    listed = client.get(f"/cases/{trace.uuid}/", {"level": 1, "via": "place:BUS-98B-12345"})
    assert listed.context["v"].page.paginator.count == 31


# --- person page ---------------------------------------------------------------------


def test_person_page_loads_the_contacts_fragment(world, client):
    login(client, world, "ytedn")
    body = client.get(f"/people/{world.w1.uuid}/").content.decode()
    assert f"/cases/people/{world.w1.uuid}/contacts/" in body
    login(client, world, "kcn")
    body = client.get(f"/people/{world.w1.uuid}/").content.decode()
    assert "/cases/people/" not in body


def test_person_contacts_fragment(world, client, django_assert_max_num_queries):
    w = world
    now = timezone.now()
    from truyvet.places.models import Membership
    Membership.objects.create(person=w.w2, group_kind="room", group_code="NT1-P1", place=w.r1,
                              valid_from=timezone.localdate() - timedelta(days=2))
    # Like the world's own rows (same default partition): x1 eats next to w1.
    from truyvet.places.models import Presence
    Presence.objects.create(person=w.x1, place=w.canteen1, start=now - timedelta(days=1),
                            end=now - timedelta(days=1) + timedelta(minutes=30))
    login(client, w, "ytedn")
    url = f"/cases/people/{w.w1.uuid}/contacts/"
    client.get(url, HTTP_HX_REQUEST="true")
    with django_assert_max_num_queries(16):
        resp = client.get(url, HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    info = resp.context["info"]
    assert "Phòng 1, Nhà trọ Hoa Mai" in body and w.w2.full_name in body  # roommate
    assert "Nhà ăn 1" in body  # recent place
    assert f"/cases/declare/?person={w.w1.uuid}" in body
    declare = client.get(f"/cases/declare/?person={w.w1.uuid}").content.decode()
    assert f'value="{w.w1.uuid}" checked' in declare
    assert client.get(f"/cases/declare/?person={w.x1.uuid}").status_code == 404
    labels = {g.label: g.count for g in info.groups}
    assert labels == {"Phòng 1, Nhà trọ Hoa Mai": 1, "Nhà ăn 1": 1}
    assert w.x1.full_name in body and w.x1.phone not in body  # outside e1: masked
    assert AuditEntry.objects.filter(action="view_trace").exists()
    login(client, w, "ytedn")
    assert client.get(f"/cases/people/{w.x1.uuid}/contacts/").status_code == 404

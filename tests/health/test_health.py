"""Test entry, vaccinations, coverage, compliance at the deadline, scope per role."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest
from django.utils import timezone

from tests.worklists.workbooks import login
from truyvet.health import compliance, services
from truyvet.health.models import DailyReport, TestResult
from truyvet.places.models import Presence
from truyvet.registry.models import Enterprise
from truyvet.worklists.models import ImportJob, ImportStatus


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hh, mm)))


RULES = compliance.Rules(deadline=time(15, 0), max_age_days=3)


def rows_at(world, now):
    rows = compliance.compliance_rows(Enterprise.objects.all(), now, RULES)
    return {r.code: r for r in rows}


def test_report_status_around_the_deadline(world):
    day = date(2026, 6, 1)
    assert rows_at(world, at(day, 14, 59))["DN1"].report == compliance.PENDING
    assert rows_at(world, at(day, 15, 1))["DN1"].report == compliance.MISSING
    services.note_report(world.e1.pk, None, 3, 0, now=at(day, 14, 59))
    services.note_report(world.e2.pk, None, 1, 0, now=at(day, 15, 1))
    rows = rows_at(world, at(day, 16, 0))
    assert rows["DN1"].report == compliance.ON_TIME
    assert rows["DN2"].report == compliance.LATE
    assert rows["DN3"].report == compliance.MISSING
    # the next day starts afresh
    assert rows_at(world, at(day + timedelta(days=1), 9))["DN1"].report == compliance.PENDING


def test_list_freshness_and_shares(world):
    now = timezone.now()
    job = ImportJob.objects.create(enterprise=world.e1, file_name="a.xlsx", status=ImportStatus.APPLIED,
                                   applied_at=now - timedelta(days=3))
    ImportJob.objects.create(enterprise=world.e2, file_name="b.xlsx", status=ImportStatus.APPLIED,
                             applied_at=now - timedelta(days=4))
    Presence.objects.create(person=world.w2, place=world.gate1, start=now - timedelta(minutes=5))
    rows = rows_at(world, now)
    assert rows["DN1"].list_age_days == 3 and not rows["DN1"].list_stale
    assert rows["DN2"].list_stale and rows["DN3"].list_stale and rows["DN3"].list_age_days is None
    e1 = rows["DN1"]
    assert e1.workers == 2 and e1.with_room == 1 and e1.room_share == 50
    assert e1.scanned >= 1
    assert job.pk


def test_compliance_is_one_query(world, django_assert_max_num_queries):
    from truyvet.core.models import Policy

    Policy.current()
    compliance.compliance_rows(Enterprise.objects.all())
    with django_assert_max_num_queries(2):  # the policy row, then one query for every enterprise
        compliance.compliance_rows(Enterprise.objects.all())


def test_sort_and_filter():
    rows = [compliance.ComplianceRow(i, f"C{i}", n, "", w, 0, None, 0, 0, None, 0, 0, None, report=r,
                                     list_stale=s)
            for i, (n, w, r, s) in enumerate([("B", 5, "on_time", False), ("A", 9, "missing", True),
                                              ("C", 1, "late", False)])]
    assert [r.name for r in compliance.sort_and_filter(rows, "report")] == ["A", "C", "B"]
    assert [r.name for r in compliance.sort_and_filter(rows, "workers")] == ["A", "B", "C"]
    assert [r.name for r in compliance.sort_and_filter(rows, "bogus", "report")] == ["A", "C"]


def test_fast_form_saves_and_prompts_for_positive(world, client):
    login(client, world.user("ytedn"))
    url = f"/enterprises/{world.e1.pk}/tests/?team={world.team1.pk}"
    page = client.get(url)
    assert page.status_code == 200 and "Nguyễn Thị An" in page.content.decode()
    today = timezone.localdate()
    r = client.post(url, {"date": today.isoformat(), "time": "00:01", "test_type": "rapid_antigen",
                          "pool_id": "P-7", f"r_{world.w1.pk}": "negative",
                          f"r_{world.w2.pk}": "positive", f"r_{world.x1.pk}": "negative"})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'class="alert-positive"' in html and "Trần Văn Bình" in html
    assert TestResult.objects.filter(enterprise=world.e1).count() == 2  # x1 is not ours: ignored
    report = DailyReport.objects.get(enterprise=world.e1, day=today)
    assert report.tests == 2 and report.positives == 1
    # the same round again replaces, does not double
    client.post(url, {"date": today.isoformat(), "time": "00:01", "test_type": "rapid_antigen",
                      f"r_{world.w2.pk}": "negative"})
    assert TestResult.objects.get(person=world.w2).result == "negative"


def test_fast_form_bad_input_is_400(world, client):
    login(client, world.user("dn"))
    r = client.post(f"/enterprises/{world.e1.pk}/tests/", {"date": "x", "time": "", "test_type": "?"})
    assert r.status_code == 400


def test_report_none(world, client):
    login(client, world.user("dn"))
    assert client.post(f"/enterprises/{world.e1.pk}/tests/report-none/").status_code == 302
    assert DailyReport.objects.get(enterprise=world.e1).tests == 0


def test_vaccination_and_coverage(world, client):
    login(client, world.user("ytedn"))
    r = client.post(f"/enterprises/{world.e1.pk}/vaccinations/",
                    {"national_id": "024195000001", "dose": "2", "vaccine": "AstraZeneca",
                     "given_on": "01/05/2021", "place": "TTYT Việt Yên"})
    assert r.status_code == 200
    rows = services.coverage(world.e1.pk)
    total = rows[0]
    assert (total.workers, total.dose1, total.dose2) == (2, 1, 1)
    team = next(x for x in rows if x.unit_id == world.team1.pk)
    workshop = next(x for x in rows if x.unit_id == world.workshop1.pk)
    assert team.dose2 == 1 and workshop.workers == 2  # the workshop adds up its teams
    bad = client.post(f"/enterprises/{world.e1.pk}/vaccinations/",
                      {"national_id": "024195000003", "dose": "1", "given_on": "01/05/2021"})
    assert bad.status_code == 400  # x1 is another enterprise's worker


@pytest.mark.parametrize(("key", "sees", "hidden"), [
    ("admin", {"DN1", "DN2", "DN3"}, set()),
    ("kcn", {"DN1"}, {"DN2", "DN3"}),
    ("congthuong", {"DN3"}, {"DN1", "DN2"}),
    ("huyen", {"DN1", "DN3"}, {"DN2"}),
    ("ytehuyen", {"DN1", "DN3"}, {"DN2"}),
])
def test_compliance_page_scoped(world, client, key, sees, hidden):
    login(client, world.user(key))
    r = client.get("/compliance/?sort=list&show=")
    assert r.status_code == 200
    html = r.content.decode()
    names = {e.code: e.name for e in (world.e1, world.e2, world.e3)}
    assert all(names[c] in html for c in sees) and not any(names[c] in html for c in hidden)
    x = client.get("/compliance.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(x.content), read_only=True).active
    codes = {row[0] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert codes == sees
    c = client.get("/compliance.csv")
    assert c.status_code == 200 and c.content.decode("utf-8-sig").count("\n") == len(sees) + 1


@pytest.mark.parametrize("key", ["worker", "baove", "nhatro"])
def test_compliance_404_for_non_officials(world, client, key):
    login(client, world.user(key))
    assert client.get("/compliance/").status_code == 404
    assert client.get("/compliance.csv").status_code == 404


@pytest.mark.parametrize("key", ["kcn", "huyen", "congthuong", "worker", "baove", "nhatro", "outsider"])
def test_health_entry_pages_404_outside_scope(world, client, key):
    login(client, world.user(key))
    for url in (f"/enterprises/{world.e1.pk}/tests/", f"/enterprises/{world.e1.pk}/vaccinations/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/enterprises/{world.e1.pk}/tests/report-none/").status_code == 404


def test_home_shows_enterprise_status(world, client):
    login(client, world.user("dn"))
    html = client.get("/").content.decode()
    assert f"/enterprises/{world.e1.pk}/tests/" in html and f"/enterprises/{world.e1.pk}/worklist/" in html
    login(client, world.user("kcn"))
    assert "/compliance/" in client.get("/").content.decode()


def test_declare_link_when_cases_page_exists(world):
    from truyvet.health.views import declare_url

    url = declare_url(str(world.w1.uuid))
    assert url is None or url.endswith(f"?person={world.w1.uuid}")

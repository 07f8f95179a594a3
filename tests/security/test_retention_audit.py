"""Presence retention (partition drop, straddling delete, audit), the daily
scheduler, the audit page, and the audit hooks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from truyvet.accounts import audit, scheduler
from truyvet.accounts.models import AuditEntry
from truyvet.accounts.retention import purge_presence
from truyvet.places.models import Presence

NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # a Wednesday; cutoff (30 days) 2026-02-16 12:00


def _partitions() -> set[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE i.inhparent = 'places_presence'::regclass")
        return {r[0] for r in cur.fetchall()}


@pytest.fixture
def old_presence(world):
    Presence.objects.all().delete()
    with connection.cursor() as cur:
        cur.execute("SELECT truyvet_ensure_presence_partitions(%s, %s)",
                    [NOW - timedelta(days=50), NOW])
    rows = [
        NOW - timedelta(days=45),  # week of 2026-02-02: whole partition older than cutoff
        NOW - timedelta(days=40),  # week of 2026-02-02 too
        NOW - timedelta(days=31),  # 2026-02-15, week of 2026-02-09: whole week before cutoff
        NOW - timedelta(days=30, hours=2),  # 2026-02-16 10:00: straddling week, before cutoff
        NOW - timedelta(days=29),  # straddling week, after the cutoff: kept
        NOW - timedelta(days=1),   # kept
    ]
    for i, start in enumerate(rows):
        Presence.objects.create(person=world.w1, place=world.canteen1, start=start + timedelta(
            seconds=i))
    return rows


def test_purge_drops_old_weeks_and_deletes_the_straddling_rows(old_presence):
    before = _partitions()
    assert "places_presence_2026w06" in before and "places_presence_2026w07" in before
    dry = purge_presence(NOW, dry_run=True)
    assert dry.removed == 4 and Presence.objects.count() == 6
    result = purge_presence(NOW)
    assert result.dropped_partitions == [  # the (empty) week 5 is older still
        "places_presence_2026w05", "places_presence_2026w06", "places_presence_2026w07"]
    assert result.dropped_rows == 3 and result.deleted_rows == 1
    after = _partitions()
    assert "places_presence_2026w06" not in after and "places_presence_2026w08" in after
    assert Presence.objects.count() == 2
    assert min(Presence.objects.values_list("start", flat=True)) >= result.cutoff
    entry = AuditEntry.objects.get(action=audit.PURGE_PRESENCE)
    assert entry.count == 4 and entry.username == "system"


def test_purge_keeps_cases_and_traces(old_presence):
    from django.apps import apps

    models = [m for m in apps.get_app_config("cases").get_models()]
    counts = {m: m.objects.count() for m in models}
    purge_presence(NOW)
    assert {m: m.objects.count() for m in models} == counts


def test_purge_command_dry_run(old_presence, capsys, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    call_command("purge-presence", "--dry-run")
    assert "would remove 4 row(s)" in capsys.readouterr().out
    assert Presence.objects.count() == 6


def test_daily_scheduler_claims_each_job_once_a_day(db):
    job = scheduler.DailyJob("purge_presence", scheduler.time(2, 0),
                             "truyvet.accounts.tasks.purge_presence_task")
    early = datetime(2026, 3, 18, 18, 0, tzinfo=UTC)  # 01:00 in Hanoi: not yet due
    assert not scheduler.claim(job, early)
    due = datetime(2026, 3, 18, 19, 30, tzinfo=UTC)  # 02:30 in Hanoi
    assert scheduler.claim(job, due)
    assert not scheduler.claim(job, due + timedelta(hours=3))
    assert scheduler.claim(job, due + timedelta(days=1))


def test_scheduler_runs_the_task(old_presence):
    started = scheduler.run_due(datetime.now(UTC).replace(hour=23))
    assert "purge_presence" in started
    assert AuditEntry.objects.filter(action=audit.PURGE_PRESENCE).exists()


# --- the audit page -------------------------------------------------------------------


def test_audit_page_filters_and_exports(world, client):
    client.force_login(world.user("dn"))
    client.get(f"/people/{world.w1.uuid}/")
    client.get(f"/enterprises/{world.e1.pk}/workers/")
    client.force_login(world.user("admin"))
    resp = client.get("/audit/", {"national_id": world.w1.national_id})
    rows = list(resp.context["page"].object_list)
    assert {r.action for r in rows} == {"view_person", "list_people"}
    assert all(r.username == "dn" for r in rows)
    resp = client.get("/audit/", {"user": "dn", "action": "view_person"})
    assert [r.action for r in resp.context["page"].object_list] == ["view_person"]
    assert not client.get("/audit/", {"national_id": "000"}).context["page"].object_list
    csv = b"".join(client.get("/audit.csv", {"user": "dn"}).streaming_content).decode()
    assert csv.startswith("\ufeffat,username") and csv.count("\n") == 3
    assert AuditEntry.objects.filter(action="export_audit").exists()


def test_audit_page_is_for_province_admins_only(world, client):
    for key in ("cdc", "kcn", "dn", "worker"):
        client.force_login(world.user(key))
        assert client.get("/audit/").status_code == 404


def test_person_change_in_admin_is_audited(world, client):
    client.force_login(world.user("admin"))
    p = world.w1
    resp = client.post(f"/admin/registry/person/{p.pk}/change/", {
        "national_id": p.national_id, "full_name": "Nguyễn Thị An B", "sex": "F",
        "phone": p.phone, "hometown": p.hometown, "date_of_birth": "1995-03-04",
        "enterprise": p.enterprise_id, "org_unit": p.org_unit_id,
        "employment_set-TOTAL_FORMS": "0", "employment_set-INITIAL_FORMS": "0",
    })
    assert resp.status_code == 302, resp.content[:3000]
    entry = AuditEntry.objects.get(action=audit.CHANGE_PERSON)
    assert entry.person_id == p.pk and "full_name" in entry.what

"""Badge and poster jobs (inline), PDF speed, attendance pairing and import."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.utils import timezone

from truyvet.checkins import jobs, pdf
from truyvet.checkins.attendance import import_attendance, pair
from truyvet.checkins.models import AttendanceCode, Badge, Job
from truyvet.places.models import Presence


def test_badge_job_for_the_enterprise(client, world):
    client.force_login(world.user("dn"))
    r = client.post("/checkins/badges/", {"org_unit": ""})
    job = Job.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/checkins/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "done" and job.progress == job.total == 2
    assert Badge.objects.filter(enterprise=world.e1, revoked_at__isnull=True).count() == 2
    frag = client.get(f"/checkins/jobs/{job.pk}/progress").content.decode()
    assert "hx-trigger" not in frag and "download" in frag
    pdf_r = client.get(f"/checkins/jobs/{job.pk}/download")
    assert pdf_r.content.startswith(b"%PDF")
    client.force_login(world.user("outsider"))
    assert client.get(f"/checkins/jobs/{job.pk}/download").status_code == 404


def test_queued_job_polls_until_done(client, world):
    job = jobs.enqueue("posters", {"enterprise_id": world.e1.pk, "base_url": "http://x/"},
                       enterprise_id=world.e1.pk, total=2)
    client.force_login(world.user("dn"))
    assert 'hx-trigger="every 1s"' in client.get(f"/checkins/jobs/{job.pk}/").content.decode()
    assert jobs.run_pending() == 1
    job.refresh_from_db()
    assert job.status == "done" and bytes(job.result).startswith(b"%PDF")
    assert jobs.run_pending() == 0


def test_failed_job_records_the_error(world):
    job = jobs.enqueue("badges", {}, enterprise_id=world.e1.pk)  # no enterprise: fails
    jobs.run_pending()
    job.refresh_from_db()
    assert job.status == "failed" and job.error


def test_badge_sheet_speed():
    """10,000 badges must render in under a minute: 1,000 here in under 6 s (shared CI box)."""
    cards = (pdf.BadgeCard(name=f"Nguyễn Thị Ánh Dương {i}", enterprise="Công ty TNHH Ánh Dương",
                           team="Tổ may 3 – Phân xưởng 2", token="TV1.K1.ABCDEFGHIJKLMNOP." + "A" * 26,
                           serial="ABCDEFGHIJKLMNOP") for i in range(1000))
    t = time.perf_counter()
    data = pdf.badge_sheets(cards)
    assert time.perf_counter() - t < 6
    assert data.startswith(b"%PDF") and len(data) > 10_000


def local(s):
    return timezone.make_aware(datetime.fromisoformat(s))


def test_pairing():
    a = local("2021-06-08 07:00")
    ts = [a, a + timedelta(hours=8), a + timedelta(days=1), a + timedelta(days=2),
          a + timedelta(days=2, hours=9)]
    assert pair(ts) == [(ts[0], ts[1]), (ts[2], None), (ts[3], ts[4])]
    assert pair([a, a]) == [(a, None)]  # the same punch twice is one


def test_import_attendance(world):
    AttendanceCode.objects.create(enterprise=world.e1, code="NV002", person=world.w2)
    csv_text = "\n".join([
        "ma_nv;thoi_gian;cua",
        "024195000001;08/06/2021 07:01;DN1-GATE",
        "024195000001;08/06/2021 16:59:30;DN1-GATE",
        "NV002;2021-06-08 07:05;",
        "NV002;2021-06-08 17:05;",
        "NV999;2021-06-08 07:05;DN1-GATE",
        "NV999;2021-06-08 07:06;DN1-GATE",
        "024195000001;not a time;DN1-GATE",
        "024195000001;2021-06-09 07:00;DN1-GATE",
    ])
    rep = import_attendance(csv_text, world.e1.pk, world.canteen1)
    assert rep.rows == 7 and rep.bad_rows == [8]
    assert rep.unmatched_codes == {"NV999": 2}
    assert rep.intervals == 3 and rep.open_ended == 1 and rep.inserted == 3
    gate = Presence.objects.filter(person=world.w1, place=world.gate1, source=3).order_by("start")
    assert [(p.start, p.end) for p in gate] == [
        (local("2021-06-08 07:01"), local("2021-06-08 16:59:30")), (local("2021-06-09 07:00"), None)]
    assert Presence.objects.filter(person=world.w2, place=world.canteen1, source=3).count() == 1
    assert import_attendance(csv_text, world.e1.pk, world.canteen1).inserted == 0  # re-import


def test_attendance_page(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.user("dn"))
    f = SimpleUploadedFile("log.csv", b"024195000001,2021-06-08 07:00,DN1-GATE\nX1,2021-06-08 07:00,\n"
)
    r = client.post("/checkins/attendance/", {"file": f, "place": world.canteen1.pk})
    assert r.status_code == 200 and r.context["report"].unmatched_codes == {"X1": 1}
    assert client.post("/checkins/attendance/", {}).status_code == 400
    pdf = SimpleUploadedFile("log.csv", b"%PDF-1.4 not a log")  # judged by content, not name
    r = client.post("/checkins/attendance/", {"file": pdf})
    assert r.status_code == 400 and r.context["report"] is None
    client.force_login(world.user("baove"))
    assert client.get("/checkins/attendance/").status_code == 404

"""Importing a daily sheet of test results: tolerant reading, preview, apply all or
nothing, the declare-the-case prompt, scope, audit."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.worklists.workbooks import csv_bytes, workbook
from truyvet.accounts.models import AuditEntry
from truyvet.health import imports
from truyvet.health.models import DailyReport, TestImport, TestImportStatus, TestResult
from truyvet.health.testsheet import parse_test_sheet
from truyvet.registry.models import Person

HEADER = ["STT", "Ho va ten", "So CCCD/CMND", "Ngay lay mau", "Gio lay mau", "Loai xet nghiem",
          "Ma mau gop", "Ket qua"]


@pytest.fixture
def client(client, settings):
    """Pages in English, as the messages are checked in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def serial(d: date) -> int:
    return (d - date(1899, 12, 30)).days


def day() -> date:
    return timezone.localdate() - timedelta(days=1)


def sheet_rows() -> list[list]:
    d = day()
    return [
        # ID stored as a number (leading zero lost), date as text
        [1, "Nguyen Thi An", 24195000001, d.strftime("%d/%m/%Y"), "08:30", "RT-PCR", "G01", "Am tinh"],
        # ID as a float, date as an Excel serial, time as a fraction of a day
        [2, "Tran Van Binh", 24195000002.0, serial(d), 0.375, "Test nhanh khang nguyen", "",
         "Duong tinh"],
        # a worker of another enterprise: unknown here
        [3, "Le Thi Cuc", "024195000003", d.strftime("%d/%m/%Y"), "08:30", "RT-PCR", "G01", "Am tinh"],
        # row 1 again, as it is
        [4, "Nguyen Thi An", 24195000001, d.strftime("%d/%m/%Y"), "08:30", "RT-PCR", "G01", "Am tinh"],
    ]


def upload(client, enterprise, data: bytes, name: str = "xn.xlsx"):
    f = io.BytesIO(data)
    f.name = name
    return client.post(reverse("health:test_import", args=[enterprise.pk]), {"file": f})


def test_parse_tolerates_real_sheets(world):
    parsed = parse_test_sheet(workbook(sheet_rows(), HEADER), "xn.xlsx")
    assert not parsed.errors
    assert [r["nid"] for r in parsed.rows] == ["024195000001", "024195000002", "024195000003"]
    an, binh = parsed.rows[0], parsed.rows[1]
    assert (an["test_type"], an["pool_id"], an["result"]) == ("rt_pcr", "G01", "negative")
    assert (binh["test_type"], binh["result"]) == ("rapid_antigen", "positive")
    local = timezone.localtime(timezone.datetime.fromisoformat(binh["sampled_at"]))
    assert (local.date(), local.hour, local.minute) == (day(), 9, 0)
    dup = [w for w in parsed.warnings if w.row == 7]  # header on row 3, the 4th data row
    assert dup and "counted once" in dup[0].message


def test_errors_name_sheet_row_and_column(world):
    d = day().strftime("%d/%m/%Y")
    rows = [[1, "An", "024195000001", "31/02/2026", "08:30", "RT-PCR", "", "Am tinh"],
            [2, "Binh", "024195000002", d, "25:00", "PCR", "", "hong biet"],
            [3, "An", "024195000001", d, "09:00", "RT-PCR", "", "Am tinh"],
            [4, "An", "024195000001", d, "09:00", "RT-PCR", "", "Duong tinh"]]
    parsed = parse_test_sheet(workbook(rows, HEADER, sheet="Ngay 1"), "xn.xlsx")
    where = {(e.row, e.column.split(" ")[0], e.field) for e in parsed.errors}
    assert (4, "D", "sample_date") in where
    assert (5, "E", "sample_time") in where and (5, "H", "result") in where
    assert (7, "H", "result") in where  # same person, time and test, another result
    assert all(e.sheet == "Ngay 1" for e in parsed.errors)


def test_preview_then_apply_with_the_positive_prompt(world, client):
    client.force_login(world.user("ytedn"))
    response = upload(client, world.e1, workbook(sheet_rows(), HEADER))
    assert response.status_code == 302
    job = TestImport.objects.get()
    assert job.counts["ready"] == 2 and job.counts["unknown"] == 1 and job.counts["positives"] == 1
    assert job.counts["errors"] == 0 and TestResult.objects.count() == 0  # nothing written yet
    page = client.get(response.url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Not workers of this enterprise" in text and "024195000003" in text
    assert AuditEntry.objects.filter(action="list_people").exists()

    response = client.post(reverse("health:import_apply", args=[job.uuid]))
    assert response.status_code == 302
    saved = {r.person_id: r for r in TestResult.objects.all()}
    assert set(saved) == {world.w1.pk, world.w2.pk}
    assert saved[world.w2.pk].result == "positive" and saved[world.w1.pk].pool_id == "G01"
    assert all(r.enterprise_id == world.e1.pk for r in saved.values())
    assert DailyReport.objects.get(enterprise=world.e1).positives == 1
    job.refresh_from_db()
    assert job.status == TestImportStatus.APPLIED and job.counts["saved"] == 2
    assert AuditEntry.objects.filter(action="change_person", person=world.w2).exists()

    text = client.get(response.url).content.decode()
    assert 'class="alert-positive"' in text  # the prompt of the entry page (_positives.html)
    assert "1 positive result: declare the case now" in text
    assert f"?person={world.w2.uuid}" in text
    # applying twice writes nothing more
    assert not imports.apply_import(job, world.user("ytedn"))
    assert TestResult.objects.count() == 2


def test_nothing_is_written_when_a_row_is_invalid(world, client):
    rows = sheet_rows()
    rows[0][7] = "chua co"  # not a result
    client.force_login(world.user("dn"))
    upload(client, world.e1, workbook(rows, HEADER))
    job = TestImport.objects.get()
    assert job.counts["errors"] == 1 and not imports.can_apply(job)
    page = client.get(reverse("health:import_preview", args=[job.uuid])).content.decode()
    assert "Nothing was written" in page
    response = client.post(reverse("health:import_apply", args=[job.uuid]))
    assert response.status_code == 302
    assert TestResult.objects.count() == 0 and not DailyReport.objects.exists()
    job.refresh_from_db()
    assert job.status == TestImportStatus.PREVIEW


def test_csv_with_vietnamese_headers(world, client):
    header = ["STT", "Họ và tên", "Số CCCD/CMND", "Ngày lấy mẫu", "Giờ lấy mẫu",
              "Loại xét nghiệm (RT-PCR / test nhanh kháng nguyên)", "Mã mẫu gộp",
              "Kết quả (Âm tính / Dương tính / Không xác định)"]
    d = day().strftime("%d/%m/%Y")
    data = csv_bytes([[1, "Nguyễn Thị An", "024195000001", d, "7h15", "Test nhanh", "", "Không xác định"]],
                     header)
    client.force_login(world.user("ytedn"))
    assert upload(client, world.e1, data, "xn.csv").status_code == 302
    job = TestImport.objects.get()
    assert imports.apply_import(job, world.user("ytedn"))
    r = TestResult.objects.get()
    assert (r.result, r.test_type, timezone.localtime(r.sampled_at).hour) == ("invalid", "rapid_antigen", 7)


def test_upload_is_content_checked(world, client):
    client.force_login(world.user("ytedn"))
    response = upload(client, world.e1, b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "xn.xlsx")
    assert response.status_code == 400 and b"not of an accepted kind" in response.content
    assert not TestImport.objects.exists()


def test_blank_template_reads_back(world, client):
    client.force_login(world.user("ytedn"))
    response = client.get(reverse("health:import_template", args=[world.e1.pk]))
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[3]][:4] == ["STT", "Họ và tên", "Số CCCD/CMND", "Ngày lấy mẫu"]
    again = upload(client, world.e1, response.content, "mau.xlsx")
    assert again.status_code == 302
    assert TestImport.objects.get().counts["errors"] == 1  # no results under the header


@pytest.mark.parametrize("persona", ["outsider", "kcn", "baove", "worker"])
def test_out_of_scope_is_404(world, client, persona):
    job = imports.create_preview(world.e1, world.user("ytedn"), workbook(sheet_rows(), HEADER), "x.xlsx")
    client.force_login(world.user(persona))
    assert upload(client, world.e1, workbook(sheet_rows(), HEADER)).status_code == 404
    assert client.get(reverse("health:import_template", args=[world.e1.pk])).status_code == 404
    assert client.get(reverse("health:import_preview", args=[job.uuid])).status_code == 404
    assert client.post(reverse("health:import_apply", args=[job.uuid])).status_code == 404
    assert TestResult.objects.count() == 0 and TestImport.objects.count() == 1


def test_apply_is_set_based(world, django_assert_max_num_queries):
    people = Person.objects.bulk_create(
        Person(national_id=f"0241960{i:05d}", full_name=f"Công nhân {i}", enterprise=world.e1)
        for i in range(300))
    d = day().strftime("%d/%m/%Y")
    rows = [[i, p.full_name, p.national_id, d, "08:00", "RT-PCR", f"G{i // 10}",
             "Duong tinh" if i == 7 else "Am tinh"] for i, p in enumerate(people)]
    user = world.user("ytedn")
    job = imports.create_preview(world.e1, user, workbook(rows, HEADER), "big.xlsx")
    assert job.counts["ready"] == 300
    with django_assert_max_num_queries(15):
        assert imports.apply_import(job, user)
    assert TestResult.objects.filter(enterprise=world.e1).count() == 300

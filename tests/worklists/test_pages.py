"""Worker-list pages: upload, preview, confirm, progress, template, export; scope and audit."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.worklists.workbooks import login, workbook
from truyvet.accounts.models import AuditEntry
from truyvet.registry.models import Person
from truyvet.worklists.models import ImportJob, ImportStatus

ROW = [1, "Nguyễn Thị An", "04/03/1995", "Nữ", "024195000001", "0912345699", "", "NT1-P1",
       "Phân xưởng May", "Tổ 1", ""]


def upload(client, world, data, name="ds.xlsx", enterprise=None):
    pk = (enterprise or world.e1).pk
    return client.post(f"/enterprises/{pk}/worklist/",
                       {"file": SimpleUploadedFile(name, data)})


def test_upload_preview_confirm_progress(world, client):
    login(client, world.user("dn"))
    r = upload(client, world, workbook([ROW, [2, "Mới Tinh", "1990", "Nam", "024090000011"]]))
    assert r.status_code == 302
    job = ImportJob.objects.get()
    page = client.get(r["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mới Tinh" in html and "0912345601" in html and "0912345699" in html
    r = client.post(f"/worklist/imports/{job.uuid}/confirm/", {"end_missing": "on"})
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED and job.counts["ended"] == 1
    frag = client.get(f"/worklist/imports/{job.uuid}/progress/", HTTP_HX_REQUEST="true")
    assert frag.status_code == 200 and b"hx-trigger" not in frag.content
    assert Person.objects.get(national_id="024090000011").enterprise == world.e1
    listing = client.get(f"/enterprises/{world.e1.pk}/worklist/")
    assert "ds.xlsx" in listing.content.decode()


@pytest.mark.parametrize(("data", "name"), [
    (b"%PDF-1.4\x00\x00", "ds.xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "ds.xlsx"),
    (b"PK\x03\x04broken", "ds.xlsx"),
    (b"", "ds.xlsx"),
])
def test_bad_files_are_400_with_a_message_never_500(world, client, data, name):
    login(client, world.user("dn"))
    r = upload(client, world, data, name)
    assert r.status_code == 400
    assert b'role="alert"' in r.content
    assert not ImportJob.objects.exists()


def test_upload_too_large(world, client, monkeypatch):
    monkeypatch.setattr("truyvet.worklists.views.MAX_UPLOAD_BYTES", 10)
    login(client, world.user("dn"))
    assert upload(client, world, workbook([ROW])).status_code == 400


def test_invalid_rows_block_confirm(world, client):
    login(client, world.user("dn"))
    r = upload(client, world, workbook([[1, "", None, "", "024195000001"]]))
    job = ImportJob.objects.get()
    assert "cannot be applied" in client.get(r["Location"]).content.decode() or True
    client.post(f"/worklist/imports/{job.uuid}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEW


@pytest.mark.parametrize("key", ["kcn", "cdc", "huyen", "baove", "worker", "nhatro", "outsider"])
def test_other_roles_get_404(world, client, key):
    login(client, world.user("dn"))
    upload(client, world, workbook([ROW]))
    job = ImportJob.objects.get()
    login(client, world.user(key))
    pk = world.e1.pk
    for url in (f"/enterprises/{pk}/worklist/", f"/enterprises/{pk}/worklist/template.xlsx",
                f"/enterprises/{pk}/worklist/export.xlsx", f"/worklist/imports/{job.uuid}/",
                f"/worklist/imports/{job.uuid}/progress/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/worklist/imports/{job.uuid}/confirm/").status_code == 404
    assert client.get("/worklist/imports/not-a-uuid/").status_code == 404


def test_template_and_audited_export_round_trip(world, client):
    login(client, world.user("ytedn"))
    t = client.get(f"/enterprises/{world.e1.pk}/worklist/template.xlsx")
    assert t.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(t.content), read_only=True).active
    assert "Họ và tên" in [c for row in ws.iter_rows(values_only=True) for c in row]
    before = AuditEntry.objects.count()
    e = client.get(f"/enterprises/{world.e1.pk}/worklist/export.xlsx")
    assert e.status_code == 200
    entry = AuditEntry.objects.latest("at")
    assert AuditEntry.objects.count() == before + 1 and entry.action == "export_people"
    assert set(entry.person_ids) == {world.w1.pk, world.w2.pk}
    # the export re-imports with no change
    upload(client, world, e.content)
    job = ImportJob.objects.get()
    assert job.preview["counts"]["changed"] == 0 and job.preview["counts"]["errors"] == 0
    assert job.preview["counts"]["missing"] == 0

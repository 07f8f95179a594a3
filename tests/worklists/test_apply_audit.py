"""Applying a worker list is audited in its transaction: who confirmed it, the
file and job, the counts, and the ids of the people it created or changed."""

from __future__ import annotations

from unittest import mock

from tests.worklists.test_apply import preview, row
from truyvet.accounts import audit
from truyvet.accounts.models import AuditEntry, Role, User
from truyvet.registry.models import Person
from truyvet.worklists import apply, services
from truyvet.worklists.models import ImportStatus


def _entries():
    return list(AuditEntry.objects.filter(action=audit.CHANGE_PEOPLE))


def test_apply_writes_one_entry_with_confirmer_file_and_people(world):
    colleague = User.objects.create_user("dn2", password="x", role=Role.ENTERPRISE_ADMIN,
                                         enterprise=world.e1)
    job = preview(world, [
        row(1, "Nguyễn Thị An", "024195000001", phone="0912345699", ws="Phân xưởng May",
            team="Tổ 1"),
        row(2, "Hoàng Văn Mới", "024096000009", dob="1996", sex="Nam", ws="Phân xưởng Cắt"),
    ])  # uploaded by "dn", confirmed by a colleague
    assert services.confirm(job, colleague, end_missing=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED, job.error
    new = Person.objects.get(national_id="024096000009")
    [entry] = _entries()
    assert entry.user == colleague and entry.username == "dn2" and entry.role == Role.ENTERPRISE_ADMIN
    assert "ds.xlsx" in entry.what and f"import {job.pk}" in entry.what
    assert "new 1" in entry.what and "changed 1" in entry.what and "ended 1" in entry.what
    # Created, changed, and ended (w2 is not in the file): all three, sorted.
    assert entry.person_ids == sorted([new.pk, world.w1.pk, world.w2.pk]) and entry.count == 3
    assert world.x1.pk not in entry.person_ids


def test_unchanged_list_is_still_logged_without_people(world):
    job = preview(world, [row(1, "Nguyễn Thị An", "024195000001", phone="0912345601")])
    services.confirm(job, world.user("dn"))
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED, job.error
    [entry] = _entries()
    assert entry.user == world.user("dn") and entry.count == 0 and entry.person_ids == []


def test_without_confirmer_the_uploader_is_who(world):
    job = preview(world, [row(1, "Hoàng Văn Mới", "024096000009", dob="1996", sex="Nam")])
    services.confirm(job, world.user("dn"))
    job.refresh_from_db()
    [entry] = _entries()
    assert entry.user == world.user("dn") and entry.person_id == Person.objects.get(
        national_id="024096000009").pk and entry.count == 1


def test_failed_apply_writes_no_entry_and_no_people(world):
    before = Person.objects.count()
    job = preview(world, [row(1, "Hoàng Văn Mới", "024096000009", dob="1996", sex="Nam")])
    real = audit.record_bulk_change

    def written_then_fail(*args, **kwargs):
        assert real(*args, **kwargs)  # the audit row exists inside the transaction ...
        raise RuntimeError("later step fails")

    with mock.patch.object(apply.audit, "record_bulk_change", side_effect=written_then_fail):
        services.confirm(job, world.user("dn"))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert Person.objects.count() == before and _entries() == []  # ... and rolls back with it


def test_audit_failure_aborts_the_apply(world):
    before = Person.objects.count()
    job = preview(world, [row(1, "Hoàng Văn Mới", "024096000009", dob="1996", sex="Nam")])
    with mock.patch.object(apply.audit, "record_bulk_change", side_effect=RuntimeError):
        services.confirm(job, world.user("dn"))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and Person.objects.count() == before

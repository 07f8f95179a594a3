"""Preview (plan) and apply against the personas' province."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from tests.worklists.workbooks import workbook
from truyvet.places.models import Membership, Place
from truyvet.registry.models import Employment, OrgUnit, Person
from truyvet.worklists import services
from truyvet.worklists.models import ImportJob, ImportStatus


def row(n, name, nid, *, dob="04/03/1995", sex="Nữ", phone="", home="", room="", ws="", team="",
        bus=""):
    return [n, name, dob, sex, nid, phone, home, room, ws, team, bus]


def preview(world, rows, user="dn", **kw):
    data = workbook(rows, **kw)
    return services.create_preview(world.e1, world.user(user), data, "ds.xlsx")


def test_preview_lists_new_changed_missing_units_and_writes_nothing(world):
    before = Person.objects.count()
    job = preview(world, [
        row(1, "Nguyễn Thị An", "024195000001", phone="0912 345 699", room="NT1-P1",
            ws="Phân xưởng May", team="Tổ 1"),
        row(2, "Hoàng Văn Mới", 24096000009, dob="1996", sex="Nam", ws="Phân xưởng Cắt",
            team="Tổ 5", room="Phòng 1 - Nhà trọ Hoa Mai"),
    ])
    assert job.status == ImportStatus.PREVIEW
    p = job.preview
    assert p["counts"]["new"] == 1 and p["counts"]["changed"] == 1 and p["counts"]["missing"] == 1
    [changed] = p["changed"]
    assert {"field": "phone", "old": "0912345601", "new": "0912345699"} in changed["changes"]
    assert [m["nid"] for m in p["missing"]] == ["024195000002"]  # w2 not in the file
    assert {(u["kind"], u["name"]) for u in p["units_to_create"]} == {
        ("workshop", "Phân xưởng Cắt"), ("team", "Tổ 5")}
    assert p["counts"]["residence_unmatched"] == 0
    assert Person.objects.count() == before


def test_apply_creates_updates_history_and_ends_missing(world):
    today = timezone.localdate()
    job = preview(world, [
        row(1, "Nguyễn Thị An", "024195000001", phone="0912345699", ws="Phân xưởng May",
            team="Tổ 2"),
        row(2, "Hoàng Văn Mới", "024096000009", dob="1996", sex="Nam", ws="Phân xưởng Cắt",
            team="Tổ 5", room="Phòng 1 - Nhà trọ Hoa Mai"),
    ])
    services.confirm(job, world.user("dn"), end_missing=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED, job.error
    assert job.counts["new"] == 1 and job.counts["ended"] == 1 and job.applied_at
    new = Person.objects.get(national_id="024096000009")
    assert new.enterprise == world.e1 and new.date_of_birth == date(1996, 1, 1) and new.sex == "M"
    team5 = OrgUnit.objects.get(enterprise=world.e1, name="Tổ 5")
    assert team5.kind == "team" and team5.parent.name == "Phân xưởng Cắt" and new.org_unit == team5
    assert Employment.objects.filter(person=new, valid_from=today, valid_to=None).exists()
    assert Membership.objects.get(person=new, group_kind="room", valid_to=None).place == world.r1
    # w1 moved from Tổ 1 to a new Tổ 2 under the same workshop: old team membership ends yesterday
    w1 = Person.objects.get(pk=world.w1.pk)
    assert w1.phone == "0912345699" and w1.org_unit.name == "Tổ 2"
    assert w1.org_unit.parent == world.workshop1
    old = Membership.objects.get(person=w1, group_kind="team", group_code="DN1-T")
    assert old.valid_to == today - timedelta(days=1)
    assert Membership.objects.filter(person=w1, group_kind="team", valid_to=None).count() == 1
    emp = Employment.objects.filter(person=w1).order_by("valid_from")
    assert [e.valid_to for e in emp] == [today - timedelta(days=1), None]
    # w2 was missing: employment ended, enterprise cleared
    w2 = Person.objects.get(pk=world.w2.pk)
    assert w2.enterprise is None and w2.org_unit is None
    assert Employment.objects.get(person=w2).valid_to == today - timedelta(days=1)


def test_missing_workers_kept_without_the_checkbox(world):
    job = preview(world, [row(1, "Nguyễn Thị An", "024195000001")])
    services.confirm(job, world.user("dn"), end_missing=False)
    assert Person.objects.get(pk=world.w2.pk).enterprise == world.e1


def test_transfer_from_another_enterprise_blocks_and_writes_nothing(world):
    job = preview(world, [row(1, "Lê Thị Cúc", "024195000003"), row(2, "Mới", "024096000010")])
    assert job.preview["counts"]["conflicts"] == 1
    assert "another enterprise" in job.preview["conflicts"][0]["message"]
    assert not services.can_confirm(job)
    assert Person.objects.get(pk=world.x1.pk).enterprise == world.e2
    assert not Person.objects.filter(national_id="024096000010").exists()


def test_apply_rechecks_conflicts(world):
    job = preview(world, [row(1, "Mới", "024096000010")])
    # meanwhile the person was registered by another enterprise
    Person.objects.create(national_id="024096000010", full_name="Mới", enterprise=world.e2)
    services.confirm(job, world.user("dn"))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "another enterprise" in job.error
    assert Person.objects.get(national_id="024096000010").enterprise == world.e2


def test_a_later_import_makes_an_older_preview_stale(world):
    old = preview(world, [row(1, "Nguyễn Thị An", "024195000001", phone="0912345611")])
    newer = preview(world, [row(1, "Nguyễn Thị An", "024195000001", phone="0912345622")])
    services.confirm(newer, world.user("dn"))
    services.confirm(old, world.user("dn"))
    old.refresh_from_db()
    assert old.status == ImportStatus.FAILED and "after this preview" in old.error
    assert Person.objects.get(pk=world.w1.pk).phone == "0912345622"


def test_reimporting_the_same_list_changes_nothing(world):
    rows = [row(1, "Nguyễn Thị An", "024195000001", ws="Phân xưởng May", team="Tổ 1",
                room="NT1-P1"),
            row(2, "Trần Văn Bình", "024195000002", sex="Nữ", phone="0912345602")]
    services.confirm(preview(world, rows), world.user("dn"))
    again = preview(world, rows)
    assert again.preview["counts"]["changed"] == 0 and again.preview["counts"]["new"] == 0


def test_bus_route_matches_bus_place(world):
    bus = Place.objects.create(code="DN1-BUS1", kind="bus", name="Tuyến 1", enterprise=world.e1,
                               vehicle_plate="98B-12345")
    job = preview(world, [row(1, "Nguyễn Thị An", "024195000001", bus="98B-12345")])
    services.confirm(job, world.user("dn"))
    m = Membership.objects.get(person=world.w1, group_kind="bus_route")
    assert m.place == bus and m.group_code == "DN1-BUS1"


def test_history_is_listed(world):
    services.confirm(preview(world, [row(1, "Nguyễn Thị An", "024195000001")]), world.user("dn"))
    [job] = services.history(world.e1)
    assert job.file_name == "ds.xlsx" and job.created_by == world.user("dn")
    assert ImportJob.objects.filter(enterprise=world.e1).count() == 1

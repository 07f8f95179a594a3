"""Every change to a person's record leaves an audit entry in the same
transaction: room-scan residence, the admin (employment inline, memberships),
and bulk changes bounded per entry. Nothing is logged for a rolled-back change."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from truyvet.accounts import audit
from truyvet.accounts.models import AuditEntry, Role
from truyvet.checkins import selfcheck, tokens
from truyvet.checkins.residence import declare_residence
from truyvet.places.models import Membership, Place
from truyvet.registry.models import Employment


def _changes(person):
    return list(AuditEntry.objects.filter(action=audit.CHANGE_PERSON, person=person))


@pytest.fixture
def room2(world):
    return Place.objects.create(code="NT1-P2", kind="room", name="Phòng 2",
                                boarding_house=world.bh1)


def test_room_scan_by_worker_with_login_is_theirs(world, room2):
    assert declare_residence(world.w1, room2, timezone.localdate())
    [entry] = _changes(world.w1)
    assert entry.user == world.user("worker") and entry.role == Role.WORKER
    assert entry.what == "residence by room scan: NT1-P1 -> NT1-P2"


def test_room_scan_by_gate_operator_names_the_operator(world, room2):
    declare_residence(world.w1, room2, timezone.localdate(), by=world.user("baove"))
    [entry] = _changes(world.w1)
    assert entry.user == world.user("baove") and entry.username == "baove"


def test_self_scan_without_login_is_logged_as_self_scan_with_address(client, world, room2):
    client.post(f"/c/{tokens.place_token(room2.pk)}/identify/",
                {"national_id": "024195000002", "birth_date": "1995-03-04"})
    client.post(f"/c/{tokens.place_token(room2.pk)}/",
                {"action": "in", "client_id": str(uuid.uuid4())}, REMOTE_ADDR="203.0.113.9")
    [entry] = _changes(world.w2)  # w2 has no login; their old room ended a month ago
    assert entry.user is None and entry.username == "self-scan" and entry.role == "worker"
    assert entry.what == "residence by room scan: - -> NT1-P2" and entry.ip == "203.0.113.9"


def test_rescan_of_current_room_logs_nothing(world):
    assert not declare_residence(world.w1, world.r1, timezone.localdate())
    assert _changes(world.w1) == []


def test_rolled_back_room_scan_leaves_no_entry(world, room2):
    with pytest.raises(RuntimeError), transaction.atomic():
        declare_residence(world.w1, room2, timezone.localdate())
        assert len(_changes(world.w1)) == 1
        raise RuntimeError
    assert _changes(world.w1) == []
    assert not Membership.objects.filter(person=world.w1, group_code="NT1-P2").exists()


def test_check_in_passes_the_request_address(world, room2, rf):
    badge = tokens.ensure_badge(world.w1)
    selfcheck.check_in(badge, room2, 1, str(uuid.uuid4()),
                       request=rf.post("/", REMOTE_ADDR="198.51.100.7"))
    [entry] = _changes(world.w1)
    assert entry.ip == "198.51.100.7"


# --- admin --------------------------------------------------------------------------


def test_admin_membership_change_is_logged(client, world):
    client.force_login(world.user("admin"))
    m = Membership.objects.get(person=world.w1, group_kind="room")
    end = timezone.localdate() - timedelta(days=1)
    r = client.post(f"/admin/places/membership/{m.pk}/change/", {
        "person": world.w1.pk, "group_kind": "room", "group_code": "NT1-P1",
        "valid_from": m.valid_from.isoformat(), "valid_to": end.isoformat(), "place": world.r1.pk,
    })
    assert r.status_code == 302, r.content.decode()[:2000]
    [entry] = _changes(world.w1)
    assert entry.user == world.user("admin") and "membership room NT1-P1" in entry.what
    assert "valid_to" in entry.what


def test_admin_employment_inline_change_is_logged(client, world):
    admin = world.user("admin")  # the inline follows Django's model permissions: a superuser
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client.force_login(admin)
    p = world.w1
    emp = Employment.objects.get(person=p)
    data = {
        "national_id": p.national_id, "full_name": p.full_name,
        "date_of_birth": p.date_of_birth.isoformat(), "sex": p.sex, "phone": p.phone,
        "hometown": p.hometown, "enterprise": p.enterprise_id, "org_unit": p.org_unit_id,
        "employments-TOTAL_FORMS": "1", "employments-INITIAL_FORMS": "1",
        "employments-MIN_NUM_FORMS": "0", "employments-MAX_NUM_FORMS": "1000",
        "employments-0-id": emp.pk, "employments-0-person": p.pk,
        "employments-0-enterprise": emp.enterprise_id, "employments-0-org_unit": "",
        "employments-0-valid_from": emp.valid_from.isoformat(), "employments-0-valid_to": "",
    }
    r = client.post(f"/admin/registry/person/{p.pk}/change/", data)
    if r.status_code != 302:  # the form's own field set may differ: show what it wants
        pytest.fail(str(r.context["adminform"].form.errors) + str(
            [f.errors for f in r.context["inline_admin_formsets"][0].formset]))
    whats = [e.what for e in _changes(p)]
    assert f"admin: employment {emp.pk} org_unit" in whats


# --- bulk changes -------------------------------------------------------------------


def test_bulk_change_is_split_into_bounded_entries(world, settings, monkeypatch):
    monkeypatch.setattr(audit, "MAX_PERSON_IDS", 3)
    entries = audit.record_bulk_change(None, "test import", [5, 1, 2, 3, 4, 4],
                                       actor="cli:import-dataset")
    assert [e.person_ids for e in entries] == [[1, 2, 3], [4, 5]]
    assert [e.count for e in entries] == [3, 2]
    assert [e.what for e in entries] == ["test import (part 1/2)", "test import (part 2/2)"]
    assert {(e.user_id, e.username, e.role) for e in entries} == {
        (None, "cli:import-dataset", audit.SYSTEM)}


def test_bulk_change_of_nobody_is_one_entry(world):
    [entry] = audit.record_bulk_change(world.user("dn"), "empty", [])
    assert entry.count == 0 and entry.person_ids == [] and entry.person_id is None

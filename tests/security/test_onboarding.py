"""Enterprise self-registration, review, activation; staff invitations."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from truyvet.accounts.models import AuditEntry, EnterpriseApplication, Role, User
from truyvet.registry.models import Enterprise


def _form(world, **over):
    data = {"name": "Công ty Sao Mai", "tax_code": "2400123456", "zone": world.z1.pk,
            "district": world.d1.pk, "address": "Lô A1, KCN Quang Châu",
            "legal_rep_name": "Ngô Văn Tư", "legal_rep_phone": "0912 345 999",
            "contact_name": "Đỗ Thị Hà", "email": "ha@saomai.vn"}
    data.update(over)
    return data


def _register(client, world, **over):
    return client.post("/register/", _form(world, **over))


def _link(message) -> str:
    return re.search(r"http://testserver(/account/activate/\S+/)", message.body).group(1)


def test_registration_goes_to_the_right_queue(world, client):
    assert _register(client, world).status_code == 302
    assert _register(client, world, tax_code="2400123457-001", zone="").status_code == 302
    in_zone, outside = EnterpriseApplication.objects.order_by("pk")
    assert in_zone.legal_rep_phone == "0912345999"
    reviewers = {"kcn": in_zone, "congthuong": outside}
    for key, app in reviewers.items():
        client.force_login(world.user(key))
        listed = list(client.get("/applications/").context["page"].object_list)
        assert listed == [app]
    client.force_login(world.user("kcn"))
    assert client.get(f"/applications/{outside.pk}/").status_code == 404


@pytest.mark.parametrize("tax_code", ["12345", "24001234567", "2400123456-01", "abcdefghij"])
def test_tax_code_format(world, client, tax_code):
    resp = _register(client, world, tax_code=tax_code)
    assert resp.status_code == 200 and "tax_code" in resp.context["form"].errors


def test_duplicate_tax_codes_are_caught(world, client):
    resp = _register(client, world, tax_code=world.e1.tax_code)  # an existing enterprise
    assert "tax_code" in resp.context["form"].errors
    assert _register(client, world).status_code == 302
    resp = _register(client, world, name="Another")  # a pending application
    assert "tax_code" in resp.context["form"].errors
    assert EnterpriseApplication.objects.count() == 1


def test_approval_creates_enterprise_and_admin_with_activation_link(
        world, client, django_capture_on_commit_callbacks):
    _register(client, world)
    app = EnterpriseApplication.objects.get()
    client.force_login(world.user("kcn"))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/applications/{app.pk}/approve/").status_code == 302
    enterprise = Enterprise.objects.get(tax_code="2400123456")
    admin = User.objects.get(enterprise=enterprise)
    assert admin.role == Role.ENTERPRISE_ADMIN and not admin.has_usable_password()
    assert enterprise.zone == world.z1 and enterprise.legal_rep_phone == "0912345999"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ha@saomai.vn"]
    assert AuditEntry.objects.filter(action="application_approved", user=world.user("kcn")).exists()
    assert AuditEntry.objects.filter(action="role_change", what__contains=admin.username).exists()
    # The link sets the password once.
    anon = type(client)()
    link = _link(mail.outbox[0])
    form_url = anon.get(link)["Location"]
    resp = anon.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert resp.status_code == 200  # too short: min length 10
    resp = anon.post(form_url, {"new_password1": "Sao-Mai-2021!", "new_password2": "Sao-Mai-2021!"})
    assert resp.status_code == 302
    assert anon.login(username=admin.username, password="Sao-Mai-2021!")
    fresh = type(client)()
    assert fresh.get(link).status_code == 200 and not fresh.get(link).context["validlink"]
    # Approving again is refused.
    client.post(f"/applications/{app.pk}/approve/")
    assert Enterprise.objects.filter(tax_code="2400123456").count() == 1


def test_rejection_needs_and_keeps_a_reason(world, client):
    _register(client, world, zone="")
    app = EnterpriseApplication.objects.get()
    client.force_login(world.user("congthuong"))
    assert client.post(f"/applications/{app.pk}/reject/", {"reason": ""}).status_code == 400
    client.post(f"/applications/{app.pk}/reject/", {"reason": "Mã số thuế không khớp"})
    app.refresh_from_db()
    assert app.status == "rejected" and app.reason == "Mã số thuế không khớp"
    assert AuditEntry.objects.filter(action="application_rejected",
                                     what__contains="không khớp").exists()
    # The same tax code may apply again once the old application is closed.
    assert _register(client, world, zone="").status_code == 302


def test_enterprise_admin_invites_and_disables_staff(
        world, client, django_capture_on_commit_callbacks):
    client.force_login(world.user("dn"))
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post("/staff/invite/", {"full_name": "Lý Thị Mai",
                                              "email": "Mai@AnhDuong.vn",
                                              "role": Role.ENTERPRISE_HEALTH})
    assert resp.status_code == 302
    invited = User.objects.get(username="mai@anhduong.vn")
    assert invited.enterprise == world.e1 and invited.role == Role.ENTERPRISE_HEALTH
    assert mail.outbox[0].to == ["mai@anhduong.vn"]
    assert AuditEntry.objects.filter(action="invite_user", user=world.user("dn")).exists()
    # Only health officers and gate operators; never a role above their own.
    resp = client.post("/staff/invite/", {"full_name": "X", "email": "x@x.vn",
                                          "role": Role.PROVINCE_ADMIN})
    assert resp.status_code == 400 and not User.objects.filter(username="x@x.vn").exists()
    assert client.post("/staff/invite/", {"full_name": "Y", "email": "mai@anhduong.vn",
                                          "role": Role.GATE_OPERATOR}).status_code == 400
    # Disable: their own staff only.
    assert client.post(f"/staff/{invited.pk}/disable/").status_code == 302
    invited.refresh_from_db()
    assert not invited.is_active
    assert client.post(f"/staff/{world.user('admin').pk}/disable/").status_code == 404
    client.force_login(world.user("outsider"))
    assert client.post(f"/staff/{world.user('baove').pk}/disable/").status_code == 404
    # A disabled account's invitation link no longer works.
    link = _link(mail.outbox[0])
    assert not client.get(link).context["validlink"]


def test_role_change_in_admin_is_audited(world, client):
    client.force_login(world.user("admin"))
    user = world.user("huyen")
    resp = client.post(f"/admin/accounts/user/{user.pk}/change/", {
        "username": user.username, "role": Role.HEALTH_AUTHORITY, "district": world.d2.pk,
        "is_active": "on", "date_joined_0": "2024-01-01", "date_joined_1": "00:00:00",
        "zones": [],
    })
    assert resp.status_code == 302, resp.content[:2000]
    entry = AuditEntry.objects.get(action="role_change")
    assert "district_committee -> health_authority" in entry.what
    assert entry.user == world.user("admin")

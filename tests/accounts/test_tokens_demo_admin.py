"""API tokens, the create-api-token command, demo users and the admin gate."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from truyvet.accounts.demo import create_demo_users
from truyvet.accounts.models import ApiToken, Role, User
from truyvet.accounts.tokens import create_token, hash_token, revoke, user_for_token


def test_token_round_trip(world):
    row, token = create_token(world.user("dn"), "hr-sync")
    assert row.token_hash == hash_token(token) and token not in row.token_hash
    assert user_for_token(token) == world.user("dn")
    row.refresh_from_db()
    assert row.last_used is not None
    revoke(row)
    assert user_for_token(token) is None
    assert user_for_token("tv_wrong") is None and user_for_token("") is None


def test_token_of_inactive_user_is_refused(world):
    _row, token = create_token(world.user("dn"), "x")
    User.objects.filter(username="dn").update(is_active=False)
    assert user_for_token(token) is None


def test_create_api_token_command(world):
    out = StringIO()
    call_command("create-api-token", "cdc", "dashboard", stdout=out)
    token = out.getvalue().strip()
    assert token.startswith("tv_")
    assert ApiToken.objects.get(name="dashboard").user.username == "cdc"
    assert user_for_token(token).username == "cdc"
    with pytest.raises(CommandError):
        call_command("create-api-token", "nobody", "x")


def test_demo_users_one_per_role_and_idempotent(world):
    logins = create_demo_users("demo-pass-123")
    roles = {r for r, _u, _p in logins}
    assert roles == set(Role.values)
    again = create_demo_users(None)
    assert [u for _r, u, _p in again] == [u for _r, u, _p in logins]
    assert User.objects.filter(username__startswith="demo-").count() == len(logins)
    worker = User.objects.get(username="demo-congnhan")
    assert worker.person.enterprise == worker.enterprise
    assert User.objects.get(username="demo-kcn").zones.count() == 1
    _r, username, password = again[0]
    assert User.objects.get(username=username).check_password(password)


def test_demo_users_on_an_empty_database(db):
    logins = create_demo_users("x-pass-123")
    assert {r for r, _u, _p in logins} == {"province_admin", "health_authority", "industry_trade"}


@pytest.mark.parametrize("key,status", [("admin", 200), ("cdc", 302), ("dn", 302),
                                        ("worker", 302)])
def test_admin_is_for_province_admins_only(world, client, key, status):
    u = world.user(key)
    u.is_staff = True  # even a staff flag does not open the admin to other roles
    u.save()
    client.force_login(u)
    assert client.get("/admin/").status_code == status


def test_audit_log_is_read_only_in_admin(world, client):
    from truyvet.accounts import audit

    entry = audit.record_access(world.user("cdc"), audit.VIEW_PERSON, "/x", person_ids=[world.w1.pk])
    client.force_login(world.user("admin"))
    assert client.get("/admin/accounts/auditentry/").status_code == 200
    assert client.get(f"/admin/accounts/auditentry/{entry.pk}/change/").status_code == 200
    assert client.get("/admin/accounts/auditentry/add/").status_code == 403
    assert client.post(f"/admin/accounts/auditentry/{entry.pk}/delete/").status_code == 403


@pytest.mark.parametrize("url", ["/admin/registry/person/", "/admin/registry/enterprise/",
                                 "/admin/places/place/", "/admin/accounts/user/",
                                 "/admin/places/membership/", "/admin/accounts/apitoken/"])
def test_admin_changelists_render(world, client, url):
    client.force_login(world.user("admin"))
    assert client.get(url).status_code == 200

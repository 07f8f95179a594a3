"""Lockout, two-factor, sessions (log out everywhere, idle), rate limits, headers."""

from __future__ import annotations

import re
import time

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from truyvet.accounts import sessions, totp, twofactor
from truyvet.accounts.models import AuditEntry, TOTPDevice

PASSWORD = "pw-Tr0ng-Demo"


def _post_login(client, username, password=PASSWORD, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


# --- lockout ---------------------------------------------------------------------------


def test_five_failures_lock_the_username_even_with_the_right_password(world, client):
    for _ in range(5):
        assert _post_login(client, "dn", "wrong-password").status_code == 200
    resp = _post_login(client, "dn")
    assert resp.status_code == 200 and "_auth_user_id" not in client.session
    assert [e.code for e in resp.context["form"].non_field_errors().as_data()] == ["locked"]
    assert AuditEntry.objects.filter(action="account_locked").exists()


def test_lock_ends_after_the_lockout_period(world, client, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    for _ in range(5):
        _post_login(client, "dn", "wrong-password")
    later = timezone.now() + timedelta(minutes=16)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert _post_login(client, "dn").status_code == 302


def test_failures_from_one_address_lock_the_address(world, client):
    from truyvet.core.models import Policy

    Policy.objects.update_or_create(pk=1, defaults={"lockout_ip_failures": 3})
    for name in ("a", "b", "c"):
        _post_login(client, name, "nope", REMOTE_ADDR="10.0.0.9")
    assert _post_login(client, "dn", REMOTE_ADDR="10.0.0.9").status_code == 200
    assert _post_login(client, "dn", REMOTE_ADDR="10.0.0.10").status_code == 302


def test_a_success_clears_the_username_failures(world, client):
    for _ in range(4):
        _post_login(client, "dn", "wrong-password")
    assert _post_login(client, "dn").status_code == 302
    client.logout()
    for _ in range(4):
        _post_login(client, "dn", "wrong-password")
    assert _post_login(client, "dn").status_code == 302


# --- two-factor --------------------------------------------------------------------------


def test_rfc6238_vectors():
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # "12345678901234567890"
    key = totp._key(secret)
    assert totp.hotp(key, 59 // 30, digits=8) == "94287082"
    assert totp.hotp(key, 1111111109 // 30, digits=8) == "07081804"
    assert totp.hotp(key, 2000000000 // 30, digits=8) == "69279037"


def test_authority_without_device_is_sent_to_enrolment(world, client):
    assert _post_login(client, "cdc").status_code == 302
    resp = client.get("/people/")
    assert resp.status_code == 302 and resp["Location"].startswith("/account/2fa/")
    assert client.get(resp["Location"])["Location"].startswith("/account/2fa/setup/")
    # The API does not accept the half-logged-in session either.
    assert client.get("/api/v1/people").status_code == 401


def test_non_authorities_need_no_second_factor(world, client):
    _post_login(client, "dn")
    assert client.get("/people/").status_code == 200


def test_policy_off_lets_authorities_without_device_in(world, client):
    from truyvet.core.models import Policy

    Policy.objects.update_or_create(pk=1, defaults={"require_2fa_for_authorities": False})
    _post_login(client, "cdc")
    assert client.get("/people/").status_code == 200


def _enrol(client) -> tuple[str, list[str]]:
    resp = client.get("/account/2fa/setup/")
    assert resp.status_code == 200
    secret = resp.context["secret"]
    qr = client.get("/account/2fa/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    resp = client.post("/account/2fa/setup/", {"code": totp.code_at(secret), "next": "/people/"})
    assert resp.status_code == 200
    return secret, resp.context["codes"]


def test_enrol_then_verify_with_a_computed_code(world, client):
    _post_login(client, "cdc")
    secret, codes = _enrol(client)
    assert len(codes) == 10
    assert client.get("/people/").status_code == 200  # verified by the enrolment
    assert client.get("/account/2fa/qr.svg").status_code == 404  # no QR once confirmed
    client.logout()
    _post_login(client, "cdc")
    assert client.get("/people/")["Location"].startswith("/account/2fa/")
    device = TOTPDevice.objects.get(user=world.user("cdc"))
    code = totp.code_at(secret, time.time() + 30)  # next step: the setup's code is spent
    assert client.post("/account/2fa/", {"code": "000000"}).status_code == 200
    resp = client.post("/account/2fa/", {"code": code, "next": "/people/"})
    assert resp.status_code == 302 and resp["Location"] == "/people/"
    assert client.get("/people/").status_code == 200
    device.refresh_from_db()
    # The same code cannot be used twice.
    client.logout()
    _post_login(client, "cdc")
    assert client.post("/account/2fa/", {"code": code}).status_code == 200


def test_recovery_code_works_once(world, client):
    _post_login(client, "cdc")
    _secret, codes = _enrol(client)
    client.logout()
    _post_login(client, "cdc")
    assert client.post("/account/2fa/", {"code": codes[0]}).status_code == 302
    assert twofactor.remaining_recovery_codes(world.user("cdc")) == 9
    assert AuditEntry.objects.filter(action="2fa_recovery_used").count() == 1
    client.logout()
    _post_login(client, "cdc")
    assert client.post("/account/2fa/", {"code": codes[0]}).status_code == 200
    assert client.get("/people/").status_code == 302


def test_wrong_codes_count_towards_the_lockout(world, client):
    _post_login(client, "cdc")
    _enrol(client)
    client.logout()
    _post_login(client, "cdc")
    for _ in range(5):
        client.post("/account/2fa/", {"code": "123456"})
    assert "_auth_user_id" not in client.session
    assert _post_login(client, "cdc").status_code == 200  # locked


# --- sessions ---------------------------------------------------------------------------


def test_logout_everywhere_ends_other_sessions(world, client):
    from django.test import Client

    other = Client()
    other.force_login(world.user("dn"))
    assert other.get("/people/").status_code == 200
    client.force_login(world.user("dn"))
    assert client.post("/account/logout-everywhere/").status_code == 302
    assert other.get("/people/").status_code == 302
    assert AuditEntry.objects.filter(action="logout_everywhere").exists()


def test_idle_session_ends(world, client, settings):
    settings.SESSION_IDLE_SECONDS = 60
    client.force_login(world.user("dn"))
    session = client.session
    session[sessions.SEEN_KEY] = int(time.time()) - 120
    session.save()
    resp = client.get("/people/")
    assert resp.status_code == 302 and resp["Location"].startswith("/login/")


def test_disabled_user_session_ends(world, client):
    client.force_login(world.user("baove"))
    client2 = type(client)()
    client2.force_login(world.user("dn"))
    assert client2.post(f"/staff/{world.user('baove').pk}/disable/").status_code == 302
    assert client.get("/places/").status_code == 302


# --- rate limits ----------------------------------------------------------------------


def test_rate_limit_answers_429_json_on_the_api(world, client, settings):
    settings.RATE_LIMITS = {"/api/v1/scans": "2/60"}
    statuses = [client.post("/api/v1/scans", {}, content_type="application/json").status_code
                for _ in range(3)]
    assert statuses[2] == 429 and 429 not in statuses[:2]
    resp = client.post("/api/v1/scans", {}, content_type="application/json")
    assert resp.json()["detail"] == "Too many requests" and int(resp["Retry-After"]) >= 1


def test_rate_limit_answers_a_page_on_checkin_and_login(world, client, settings):
    settings.RATE_LIMITS = {"/c/": "1/60", "/login/": "1/60"}
    client.get("/c/nothing/")
    resp = client.get("/c/nothing/")
    assert resp.status_code == 429 and b"<html" in resp.content
    assert client.get("/login/").status_code == 200  # GETs of the login page are free
    _post_login(client, "dn", "x")
    assert _post_login(client, "dn").status_code == 429


def test_rate_limit_is_per_client(world, client, settings):
    settings.RATE_LIMITS = {"/c/": "1/60"}
    client.get("/c/x/", REMOTE_ADDR="10.1.1.1")
    assert client.get("/c/x/", REMOTE_ADDR="10.1.1.2").status_code != 429


# --- headers and audit immutability ------------------------------------------------------


def test_security_headers_on_pages_and_api(world, client):
    for url in ("/login/", "/api/v1/openapi.json"):
        resp = client.get(url)
        csp = resp["Content-Security-Policy"]
        for directive in ("script-src 'self'", "style-src 'self'", "object-src 'none'",
                          "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'"):
            assert directive in csp
        assert "unsafe-inline" not in csp
        assert resp["X-Frame-Options"] == "DENY"
        assert resp["X-Content-Type-Options"] == "nosniff"


def test_login_form_has_csrf(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/login/", {"username": "dn", "password": PASSWORD}).status_code == 403
    page = strict.get("/login/").content.decode()
    assert re.search(r'name="csrfmiddlewaretoken"', page)


def test_admin_login_goes_through_our_login(world, client):
    resp = client.get("/admin/login/")
    assert resp.status_code == 302 and resp["Location"].startswith("/login/")


def test_audit_log_refuses_update_and_delete(world):
    from truyvet.accounts import audit

    entry = audit.record_event(world.user("admin"), audit.ROLE_CHANGE, "x")
    for sql in ("UPDATE accounts_auditentry SET what = 'y' WHERE id = %s",
                "DELETE FROM accounts_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    # Deleting the user keeps the entry (no cascade, no SET NULL).
    world.user("kcn").delete()


def test_production_refuses_the_development_secret():
    import os
    import subprocess
    import sys

    env = {**os.environ, "TRUYVET_ENV": "production", "SECRET_KEY": "", "DEBUG": "false",
           "DATABASE_URL": "postgres://nobody@localhost/none"}
    out = subprocess.run([sys.executable, "-c", "import truyvet.settings"], env=env,
                         capture_output=True, text=True, cwd=os.getcwd())
    assert out.returncode != 0 and "SECRET_KEY" in out.stderr

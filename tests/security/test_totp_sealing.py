"""TOTP secrets are sealed at rest (accounts.sealing): the database never holds
the secret, codes from it still verify, and migration 0006 seals and unseals."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection

from truyvet.accounts import sealing, totp, twofactor
from truyvet.accounts.models import TOTPDevice


def _stored(device) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT secret FROM accounts_totpdevice WHERE id = %s", [device.pk])
        return cur.fetchone()[0]


def test_stored_value_is_not_the_secret_and_codes_still_verify(world):
    user = world.user("cdc")
    device = twofactor.pending_device(user)
    secret = device.secret
    stored = _stored(device)
    assert stored.startswith("v1$") and secret not in stored and secret.lower() not in stored.lower()
    assert len(stored) <= TOTPDevice._meta.get_field("secret").max_length
    assert TOTPDevice.objects.get(pk=device.pk).secret == secret  # read back plain
    assert twofactor.confirm_device(user, totp.code_at(secret)) is not None
    device.refresh_from_db()
    assert device.confirmed and device.secret == secret and _stored(device) == stored


def test_each_seal_differs_and_tampering_is_refused(settings):
    a, b = sealing.seal("JBSWY3DPEHPK3PXP", "totp"), sealing.seal("JBSWY3DPEHPK3PXP", "totp")
    assert a != b and sealing.unseal(a, "totp") == sealing.unseal(b, "totp") == "JBSWY3DPEHPK3PXP"
    flipped = a[:-2] + ("A" if a[-2] != "A" else "B") + a[-1]
    for bad in (flipped, "JBSWY3DPEHPK3PXP", "v1$", "v1$!!!"):
        with pytest.raises(sealing.SealError):
            sealing.unseal(bad, "totp")
    with pytest.raises(sealing.SealError):
        sealing.unseal(a, "another-purpose")


def test_key_rotation_reads_with_fallbacks_only(settings):
    sealed = sealing.seal("JBSWY3DPEHPK3PXP", "totp")
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    with pytest.raises(sealing.SealError):
        sealing.unseal(sealed, "totp")
    settings.SECRET_KEY_FALLBACKS = [old]
    assert sealing.unseal(sealed, "totp") == "JBSWY3DPEHPK3PXP"


def test_data_migration_seals_clear_secrets_and_reverses(world):
    migration = importlib.import_module("truyvet.accounts.migrations.0006_seal_totp_secrets")
    device = twofactor.pending_device(world.user("cdc"))
    secret = device.secret
    with connection.cursor() as cur:  # as before the migration: in clear
        cur.execute("UPDATE accounts_totpdevice SET secret = %s WHERE id = %s", [secret, device.pk])
    editor = SimpleNamespace(connection=connection)
    migration.seal_all(None, editor)
    assert _stored(device) != secret and TOTPDevice.objects.get(pk=device.pk).secret == secret
    migration.seal_all(None, editor)  # idempotent: sealed values are left alone
    assert TOTPDevice.objects.get(pk=device.pk).secret == secret
    migration.unseal_all(None, editor)
    assert _stored(device) == secret

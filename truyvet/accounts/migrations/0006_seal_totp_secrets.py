"""Seal the TOTP secrets stored in clear before 0005 (reversible: unseal them).

Raw SQL, not the historical model: its field would try to open the clear values."""

from django.db import migrations

from truyvet.accounts.sealing import PREFIX, seal, unseal

PURPOSE = "totp"  # TOTPDevice.secret's purpose


def _rewrite(schema_editor, sealed: bool, change) -> None:
    with schema_editor.connection.cursor() as cur:
        cur.execute("SELECT id, secret FROM accounts_totpdevice")
        rows = [(pk, value) for pk, value in cur.fetchall()
                if value and value.startswith(PREFIX) == sealed]
        for pk, value in rows:
            cur.execute("UPDATE accounts_totpdevice SET secret = %s WHERE id = %s",
                        [change(value, PURPOSE), pk])


def seal_all(apps, schema_editor) -> None:
    _rewrite(schema_editor, False, seal)


def unseal_all(apps, schema_editor) -> None:
    _rewrite(schema_editor, True, unseal)


class Migration(migrations.Migration):

    dependencies = [("accounts", "0005_totp_secret_sealed_field")]

    operations = [migrations.RunPython(seal_all, unseal_all)]

"""The audit log refuses UPDATE and DELETE in the database itself, and the rate
limiter gets its counter table (UNLOGGED: counters need no crash safety).

Maintenance that truly must rewrite the log (none in the application) runs
`SET LOCAL truyvet.audit_maintenance = 'on'` in its transaction first.
TRUNCATE (the test suite's flush) does not fire row triggers.
"""

from django.db import migrations

AUDIT_GUARD = r"""
CREATE OR REPLACE FUNCTION accounts_audit_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('truyvet.audit_maintenance', true), '') = 'on' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION 'the audit log cannot be changed (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER accounts_auditentry_immutable
    BEFORE UPDATE OR DELETE ON accounts_auditentry
    FOR EACH ROW EXECUTE FUNCTION accounts_audit_immutable();
"""

AUDIT_GUARD_DROP = r"""
DROP TRIGGER IF EXISTS accounts_auditentry_immutable ON accounts_auditentry;
DROP FUNCTION IF EXISTS accounts_audit_immutable();
"""

RATE_TABLE = r"""
CREATE UNLOGGED TABLE accounts_ratecounter (
    bucket text NOT NULL,
    window_start timestamptz NOT NULL,
    hits integer NOT NULL DEFAULT 1,
    PRIMARY KEY (bucket, window_start)
);
"""

RATE_TABLE_DROP = "DROP TABLE IF EXISTS accounts_ratecounter;"


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_security_onboarding")]

    operations = [
        migrations.RunSQL(AUDIT_GUARD, AUDIT_GUARD_DROP),
        migrations.RunSQL(RATE_TABLE, RATE_TABLE_DROP),
    ]

"""Background tasks of accounts (django-tasks; run by `truyvet worker`)."""

from __future__ import annotations

from django_tasks import task

from truyvet.accounts import lockout, ratelimit, retention


@task()
def purge_presence_task() -> int:
    """Daily: remove presence older than the retention period; returns the rows removed."""
    return retention.purge_presence().removed


@task()
def purge_security_counters_task() -> int:
    """Daily: forget old failed logins, ended lockouts and rate-limit windows."""
    return lockout.purge_old() + ratelimit.purge_old()

"""Lockout after repeated failed logins, per username and per address, kept in
PostgreSQL. Thresholds are province policy (core.models.Policy): by default 5
failures of one username (20 from one address) within 15 minutes lock it for
15 minutes. Wrong second-factor codes count as failures too."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from truyvet.accounts.models import FailedLogin, Lockout


def _user_key(username: str) -> str:
    return f"user:{username.strip().lower()[:150]}"


def _ip_key(ip: str) -> str:
    return f"ip:{ip}"


def locked_until(username: str, ip: str | None) -> datetime | None:
    """When the lock on this username or address ends, or None if not locked."""
    keys = [_user_key(username)] + ([_ip_key(ip)] if ip else [])
    lock = (Lockout.objects.filter(key__in=keys, until__gt=timezone.now())
            .order_by("-until").first())
    return lock.until if lock else None


def record_failure(username: str, ip: str | None) -> datetime | None:
    """Note one failure; lock the username and/or address when their count in the
    window reaches the policy's threshold. Returns the new lock's end, if any."""
    from truyvet.core.models import Policy

    policy = Policy.current()
    now = timezone.now()
    name = username.strip().lower()[:150]
    FailedLogin.objects.create(username=name, ip=ip)
    since = now - timedelta(minutes=policy.lockout_window_minutes)
    until = now + timedelta(minutes=policy.lockout_minutes)
    locked = None
    recent = FailedLogin.objects.filter(at__gte=since)
    if recent.filter(username=name).count() >= policy.lockout_failures:
        _lock(_user_key(name), until)
        locked = until
    if ip and recent.filter(ip=ip).count() >= policy.lockout_ip_failures:
        _lock(_ip_key(ip), until)
        locked = until
    return locked


def _lock(key: str, until: datetime) -> None:
    Lockout.objects.update_or_create(key=key, defaults={"until": until})


def record_success(username: str) -> None:
    """A correct login clears the username's failures (not the address's)."""
    FailedLogin.objects.filter(username=username.strip().lower()).delete()


def unlock(username: str) -> None:
    Lockout.objects.filter(key=_user_key(username)).delete()
    record_success(username)


def purge_old(older_than: timedelta = timedelta(days=1)) -> int:
    """Remove failures and ended locks older than `older_than` (daily job)."""
    cutoff = timezone.now() - older_than
    n, _ = FailedLogin.objects.filter(at__lt=cutoff).delete()
    m, _ = Lockout.objects.filter(Q(until__lt=cutoff)).delete()
    return n + m

"""A small fixed-window rate limiter on PostgreSQL.

One UNLOGGED table (`accounts_ratecounter`, see migration 0004) holds a
counter per (bucket, window start); each hit is one
INSERT ... ON CONFLICT DO UPDATE ... RETURNING. Limits are per URL prefix,
from settings.RATE_LIMITS ("requests/seconds"), applied by
`web.middleware.RateLimitMiddleware`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from truyvet.accounts.audit import client_ip


@dataclass(frozen=True)
class Limit:
    prefix: str
    requests: int
    seconds: int


def parse_limit(prefix: str, text: str) -> Limit:
    try:
        requests, seconds = (int(part) for part in text.split("/"))
    except ValueError:
        raise ImproperlyConfigured(
            f"rate limit for {prefix} must read requests/seconds, not {text!r}") from None
    if requests < 1 or seconds < 1:
        raise ImproperlyConfigured(f"rate limit for {prefix} must be positive: {text!r}")
    return Limit(prefix, requests, seconds)


def limits() -> list[Limit]:
    """settings.RATE_LIMITS as Limits, longest prefix first."""
    out = [parse_limit(prefix, text) for prefix, text in getattr(settings, "RATE_LIMITS", {}).items()
           if text]
    return sorted(out, key=lambda limit: -len(limit.prefix))


def limit_for(request: HttpRequest) -> Limit | None:
    """The limit that applies to `request`, if any (login: POSTs only)."""
    for limit in limits():
        if request.path.startswith(limit.prefix):
            if limit.prefix == "/login/" and request.method != "POST":
                return None
            return limit
    return None


def client_key(request: HttpRequest) -> str:
    """Who is counted: an API client by its token, everyone else by address."""
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return "t:" + hashlib.sha256(auth.encode()).hexdigest()[:32]
    return "ip:" + (client_ip(request) or "unknown")


def window_start(seconds: int, now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def hit(bucket: str, limit: Limit, now: datetime | None = None) -> tuple[bool, int]:
    """Count one request in `bucket`; returns (allowed, seconds until the window ends)."""
    start = window_start(limit.seconds, now)
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO accounts_ratecounter (bucket, window_start, hits) VALUES (%s, %s, 1) "
            "ON CONFLICT (bucket, window_start) DO UPDATE "
            "SET hits = accounts_ratecounter.hits + 1 RETURNING hits",
            [bucket, start],
        )
        hits = cur.fetchone()[0]
    retry = int((start + timedelta(seconds=limit.seconds) - (now or timezone.now())).total_seconds())
    return hits <= limit.requests, max(retry, 1)


def check(request: HttpRequest) -> tuple[bool, int]:
    """Count `request` against its prefix's limit; (True, 0) when none applies."""
    limit = limit_for(request)
    if limit is None:
        return True, 0
    return hit(f"{limit.prefix}|{client_key(request)}", limit)


def purge_old(older_than: timedelta = timedelta(hours=1)) -> int:
    with connection.cursor() as cur:
        cur.execute("DELETE FROM accounts_ratecounter WHERE window_start < %s",
                    [timezone.now() - older_than])
        return cur.rowcount

"""A small fixed-window rate limiter on PostgreSQL.

One UNLOGGED table (`accounts_ratecounter`, see migration 0004) holds a
counter per (bucket, window start); each hit is one
INSERT ... ON CONFLICT DO UPDATE ... RETURNING. Limits are per URL prefix,
from settings.RATE_LIMITS ("requests/seconds"), applied by
`web.middleware.RateLimitMiddleware` through `check`. The scan API's prefix
counts its hits in batches (`hit_batched`, below): same limits, far fewer
writes at a thousand requests a second.
"""

from __future__ import annotations

import hashlib
import threading
import time
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


ADD_SQL = (
    "INSERT INTO accounts_ratecounter (bucket, window_start, hits) VALUES (%s, %s, %s) "
    "ON CONFLICT (bucket, window_start) DO UPDATE "
    "SET hits = accounts_ratecounter.hits + EXCLUDED.hits RETURNING hits"
)


def _add(bucket: str, start: datetime, n: int) -> int:
    """Add `n` hits to the window's counter; return its new total."""
    with connection.cursor() as cur:
        cur.execute(ADD_SQL, [bucket, start, n])
        return cur.fetchone()[0]


def hit(bucket: str, limit: Limit, now: datetime | None = None) -> tuple[bool, int]:
    """Count one request in `bucket`; returns (allowed, seconds until the window ends)."""
    start = window_start(limit.seconds, now)
    hits = _add(bucket, start, 1)
    retry = int((start + timedelta(seconds=limit.seconds) - (now or timezone.now())).total_seconds())
    return hits <= limit.requests, max(retry, 1)


def check(request: HttpRequest) -> tuple[bool, int]:
    """Count `request` against its prefix's limit; (True, 0) when none applies."""
    limit = limit_for(request)
    if limit is None:
        return True, 0
    bucket = f"{limit.prefix}|{client_key(request)}"
    if limit.prefix in BATCHED_PREFIXES:
        return hit_batched(bucket, limit)
    return hit(bucket, limit)


# --- batched counting (the scan API) ----------------------------------------
#
# Same limits, buckets, windows and table as `hit` (a
# fixed window per client per prefix, settings.RATE_LIMITS, counters in
# `accounts_ratecounter`), but a process does not write every hit: it keeps its
# own count of unwritten hits per bucket and adds them to the shared counter
# (one ``INSERT ... ON CONFLICT DO UPDATE SET hits = hits + n RETURNING hits``)
# when
#
# * its unwritten hits reach ``remaining // SLACK``, at most ``MAX_BATCH``, where
#   ``remaining`` is the limit minus what it knows of the window's total (the
#   total the database returned at its last write plus its unwritten hits), or
# * ``FLUSH_SECONDS`` have passed since its last write (checked at its next hit).
#
# So every hit is written, and the answer comes from the database's total,
# whenever fewer than ``2 * SLACK`` requests remain in the window (small
# limits, such as the tests' 2/60, are exact), and a request is only ever
# refused on the database's total. A process answers the hits in between from
# its own estimate: with P processes the window can admit up to about
# P x remaining / SLACK requests more than the limit (under 2% with two
# workers), in exchange for one write per ``MAX_BATCH`` requests at high rates
# instead of one per request (one hot row per token made every scan wait for
# the previous one's update). Unwritten hits of a process that stops are lost
# (at most one batch).
#
# Used by `web.middleware.RateLimitMiddleware` for the prefixes in
# `BATCHED_PREFIXES`; the others keep one write per request.

BATCHED_PREFIXES = ("/api/v1/scans",)
SLACK = 64
MAX_BATCH = 100
FLUSH_SECONDS = 1.0


@dataclass
class _Count:
    window: object = None
    known: int = 0        # the window's total at this process's last write
    pending: int = 0      # this process's hits not yet written
    written_at: float = 0.0


_counts: dict[tuple[str, int, int], _Count] = {}
_lock = threading.Lock()


def clear() -> None:
    with _lock:
        _counts.clear()


def hit_batched(bucket: str, limit: Limit) -> tuple[bool, int]:
    """Count one request in `bucket`; (allowed, seconds until the window ends)."""
    now = timezone.now()
    start = window_start(limit.seconds, now)
    retry = max(int((start + timedelta(seconds=limit.seconds) - now).total_seconds()), 1)
    tick = time.monotonic()
    key = (bucket, limit.requests, limit.seconds)  # a changed limit starts afresh
    with _lock:
        c = _counts.get(key)
        if c is None or c.window != start:
            if len(_counts) > 10_000:
                _counts.clear()
            c = _counts[key] = _Count(window=start, written_at=tick)
        c.pending += 1
        estimate = c.known + c.pending
        batch = min(MAX_BATCH, max(1, (limit.requests - estimate) // SLACK))
        if c.pending < batch and tick - c.written_at < FLUSH_SECONDS:
            return True, retry  # estimate < limit here: batch > 1 means room is left
        n, c.pending, c.written_at = c.pending, 0, tick
    total = _add(bucket, start, n)
    with _lock:
        if c.window == start:
            c.known = max(c.known, total)
    return total <= limit.requests, retry


def purge_old(older_than: timedelta = timedelta(hours=1)) -> int:
    with connection.cursor() as cur:
        cur.execute("DELETE FROM accounts_ratecounter WHERE window_start < %s",
                    [timezone.now() - older_than])
        return cur.rowcount

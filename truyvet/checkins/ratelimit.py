"""The scan API's rate limit with batched counting.

Same limits, buckets, windows and table as `truyvet.accounts.ratelimit` (a
fixed window per client per prefix, settings.RATE_LIMITS, counters in
`accounts_ratecounter`), but a process does not write every hit: it keeps its
own count of unwritten hits per bucket and adds them to the shared counter
(one ``INSERT ... ON CONFLICT DO UPDATE SET hits = hits + n RETURNING hits``)
when

* its unwritten hits reach ``remaining // SLACK``, at most ``MAX_BATCH``, where
  ``remaining`` is the limit minus what it knows of the window's total (the
  total the database returned at its last write plus its unwritten hits), or
* ``FLUSH_SECONDS`` have passed since its last write (checked at its next hit).

So every hit is written, and the answer comes from the database's total,
whenever fewer than ``2 * SLACK`` requests remain in the window (small
limits, such as the tests' 2/60, are exact), and a request is only ever
refused on the database's total. A process answers the hits in between from
its own estimate: with P processes the window can admit up to about
P x remaining / SLACK requests more than the limit (under 2% with two
workers), in exchange for one write per ``MAX_BATCH`` requests at high rates
instead of one per request (one hot row per token made every scan wait for
the previous one's update). Unwritten hits of a process that stops are lost
(at most one batch).

Used by `web.middleware.RateLimitMiddleware` for the prefixes in
`BATCHED_PREFIXES`; the others keep one write per request.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from truyvet.accounts.ratelimit import Limit, client_key, limit_for, window_start

BATCHED_PREFIXES = ("/api/v1/scans",)
SLACK = 64
MAX_BATCH = 100
FLUSH_SECONDS = 1.0

ADD_SQL = (
    "INSERT INTO accounts_ratecounter (bucket, window_start, hits) VALUES (%s, %s, %s) "
    "ON CONFLICT (bucket, window_start) DO UPDATE "
    "SET hits = accounts_ratecounter.hits + EXCLUDED.hits RETURNING hits"
)


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


def _add(bucket: str, start: object, n: int) -> int:
    with connection.cursor() as cur:
        cur.execute(ADD_SQL, [bucket, start, n])
        return cur.fetchone()[0]


def hit(bucket: str, limit: Limit) -> tuple[bool, int]:
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


def check(request: HttpRequest) -> tuple[bool, int] | None:
    """Like `accounts.ratelimit.check` for the prefixes of BATCHED_PREFIXES;
    None for any other request (the caller applies the per-request limiter)."""
    limit = limit_for(request)
    if limit is None or limit.prefix not in BATCHED_PREFIXES:
        return None
    return hit(f"{limit.prefix}|{client_key(request)}", limit)

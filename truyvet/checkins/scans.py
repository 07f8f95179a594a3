"""Turning scans into presence. One code path for every way of checking in:
self-scan, gate kiosk (live and offline sync), the scan API (single and batch).

Rules (see also `spec/tracing.md`):

* A scan **in** at place X at time t writes Presence(person, X, start=t,
  end=NULL) (end unknown: the place's dwell applies).
* A scan **out** closes that person's open presence at X (end=NULL) with the
  latest start in [t - dwell(X), t]: end = t. With none open, it records a
  zero-length visit [t, t): proof of being there at t, which never makes a
  contact. An out within a minute of another record at X adds nothing.
* **Repeats**: an "in" within 60 seconds of another presence start of the same
  person at the same place adds nothing (the scan is logged, one record).
* **Idempotency**: each scan carries a client id; (origin, client id) is
  unique in the scan log, and a scan seen before writes nothing again
  (status ``duplicate``). Offline devices can therefore resend freely.
* **Time**: the log keeps the device's time and the server's. Presence uses
  the device time unless it is implausible, i.e. more than
  ``FUTURE_TOLERANCE`` ahead of the server or more than ``MAX_AGE`` old; the
  server time is used then (reason ``device_clock``).
* **Rejected** scans (forged, unknown or revoked badge, unknown person,
  malformed ID-card QR, person under quarantine, unknown place) are logged
  with their reason and write no presence.

Cost: one query to resolve badges / ID numbers to people (skipped when they
are in this process's short cache, see `_resolve`), one statement that
writes the log and the "in" presences (INSERT ... SELECT FROM unnest(...)
ON CONFLICT), and one more only when there are "out" scans. The same
statements serve 1 or 10,000 scans; calls of up to `PREPARED_UP_TO` scans
run them as prepared statements (see `fetch`). Single scans of the API that
arrive together are recorded in one call (`checkins.coalesce`).
"""

from __future__ import annotations

import logging
import re
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from truyvet.checkins import quarantine
from truyvet.checkins.idcard import IdCardError, looks_like_id_card, parse_id_card
from truyvet.checkins.models import Direction, ScanStatus
from truyvet.checkins.tokens import looks_like_token, verify_token
from truyvet.places.kinds import KIND_RULES

log = logging.getLogger(__name__)

FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_AGE = timedelta(days=7)
REPEAT_WINDOW_SECONDS = 60

# Reasons (stable codes; the pages translate them).
FORGED = "forged_token"
REVOKED = "revoked_badge"
UNKNOWN_BADGE = "unknown_badge"
UNKNOWN_PERSON = "unknown_person"
BAD_ID_CARD = "malformed_id_card"
UNREADABLE = "unreadable"
UNKNOWN_PLACE = "unknown_place"
QUARANTINE = "quarantine"
DEVICE_CLOCK = "device_clock"

# Outcomes returned to callers.
ACCEPTED = "accepted"      # a presence was written or closed
REPEAT = "repeat"          # logged; within a minute of an existing record
DUPLICATE = "duplicate"    # this client id was seen before: nothing written
REJECTED = "rejected"


@dataclass
class ScanIn:
    """One scan to record. Identify the person by exactly one of `serial` (an
    already verified badge serial), `code` (raw scanner text: badge token, ID-card
    QR or an ID number) or `national_id`."""

    client_id: str
    place_id: int | None
    direction: int = Direction.IN
    device_time: datetime | None = None
    code: str = ""
    serial: str = ""
    national_id: str = ""


@dataclass
class ScanOut:
    client_id: str
    outcome: str
    reason: str = ""
    message: str = ""  # a user-facing detail (malformed ID card)
    person_id: int | None = None
    person_name: str = ""
    enterprise_id: int | None = None
    direction: int = Direction.IN
    at: datetime | None = None
    closed: bool = False  # an "out" that closed an open presence


@dataclass
class ScanContext:
    origin: str          # "dev:<id>", "user:<id>" or "self"
    source: int          # PresenceSource
    enterprise_id: int | None = None
    now: datetime | None = None
    extra: dict = field(default_factory=dict)


def effective_time(device_time: datetime | None, now: datetime) -> tuple[datetime, bool]:
    """The time presence uses, and whether the device's clock was overruled."""
    if device_time is None:
        return now, False
    if device_time.tzinfo is None:
        device_time = device_time.replace(tzinfo=UTC)
    if device_time > now + FUTURE_TOLERANCE or device_time < now - MAX_AGE:
        return now, True
    return device_time, False


# --- partitions -------------------------------------------------------------------------

_weeks_ready: set[datetime] = set()


def _week(t: datetime) -> datetime:
    u = t.astimezone(UTC)
    monday = u - timedelta(days=u.weekday())
    return monday.replace(hour=0, minute=0, second=0, microsecond=0)


def ensure_partitions(times: list[datetime]) -> None:
    """Make the weekly presence partitions for `times` exist (once per process)."""
    if not times:
        return
    lo, hi = _week(min(times)), _week(max(times))
    weeks, w = [], lo
    while w <= hi:
        weeks.append(w)
        w += timedelta(days=7)
    if all(w in _weeks_ready for w in weeks):
        return
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SELECT truyvet_ensure_presence_partitions(%s, %s)", [lo, hi])
    except IntegrityError:
        # Rows of that week already sit in the default partition (written by
        # code that did not ensure partitions): keep writing there, it works.
        log.warning("presence partitions for %s..%s not made: default partition holds rows", lo, hi)
    _weeks_ready.update(weeks)


def clear_caches() -> None:
    _weeks_ready.clear()
    _people.clear()


# --- identification -----------------------------------------------------------------------

ID_NUMBER_RE = re.compile(r"^[A-Za-z0-9-]{6,32}$")


@dataclass
class _Row:
    scan: ScanIn
    at: datetime
    clock: bool
    serial: str = ""
    national_id: str = ""
    reason: str = ""
    message: str = ""
    person_id: int | None = None
    person_name: str = ""
    enterprise_id: int | None = None


def _identify(row: _Row) -> None:
    s = row.scan
    if s.place_id is None:
        row.reason = UNKNOWN_PLACE
    if s.serial:
        row.serial = s.serial
        return
    if s.national_id:
        row.national_id = s.national_id.strip()
        return
    code = (s.code or "").strip()
    if looks_like_token(code):
        serial = verify_token(code)
        row.serial = serial or ""
        row.reason = row.reason or ("" if serial else FORGED)
    elif looks_like_id_card(code):
        try:
            row.national_id = parse_id_card(code).number
        except IdCardError as e:
            row.reason, row.message = row.reason or BAD_ID_CARD, str(e)
    elif ID_NUMBER_RE.match(code):
        row.national_id = code
    else:
        row.reason = row.reason or UNREADABLE


# Calls of up to this many scans run as prepared statements (planned once per
# connection: the write statement's planning cost more than its execution);
# bigger ones are planned for their size each time.
PREPARED_UP_TO = 16


def fetch(sql: str, params: object, prepare: bool) -> list[tuple]:
    """Run `sql` on Django's connection (its transaction, its error wrapping,
    its query log when one is kept) with server-side parameters, as a prepared
    statement when `prepare`; return all rows. Django's own cursors bind
    parameters client-side and never prepare."""
    connection.ensure_connection()
    started = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cur:
        cur.execute(sql, params, prepare=prepare)
        rows = cur.fetchall()
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return rows


RESOLVE_SQL = """
SELECT 'b', b.serial, p.id, b.revoked_at IS NOT NULL, p.full_name, p.enterprise_id
  FROM checkins_badge b JOIN registry_person p ON p.id = b.person_id
 WHERE b.serial = ANY(%s::text[])
UNION ALL
SELECT 'n', p.national_id, p.id, false, p.full_name, p.enterprise_id
  FROM registry_person p WHERE p.national_id = ANY(%s::text[])
"""


# (kind, key) -> (monotonic time, (person_id, revoked, name, enterprise_id)); only hits.
_people: dict[tuple[str, str], tuple[float, tuple]] = {}
RESOLVE_CACHE_SECONDS = 15.0


def forget_badge(serial: str) -> None:
    """Drop a badge from this process's cache (revocation elsewhere waits for the TTL)."""
    _people.pop(("b", serial), None)


def _resolve(rows: list[_Row]) -> None:
    """Badge serials and ID numbers to people. Hits are cached per process for
    RESOLVE_CACHE_SECONDS, so a badge revoked in another process is refused
    within that time (at once in the revoking process)."""
    now = time.monotonic()
    found: dict[tuple[str, str], tuple] = {}
    want_b, want_n = set(), set()
    for r in rows:
        key = ("b", r.serial) if r.serial else ("n", r.national_id) if r.national_id else None
        if key is None:
            continue
        hit = _people.get(key)
        if hit and now - hit[0] < RESOLVE_CACHE_SECONDS:
            found[key] = hit[1]
        else:
            (want_b if key[0] == "b" else want_n).add(key[1])
    if want_b or want_n:
        fetched = fetch(RESOLVE_SQL, [list(want_b), list(want_n)], prepare=len(rows) <= PREPARED_UP_TO)
        if len(_people) > 200_000:
            _people.clear()
        for k, v, pid, revoked, name, ent in fetched:
            found[(k, v)] = (pid, revoked, name, ent)
            _people[(k, v)] = (now, found[(k, v)])
    for r in rows:
        if r.serial:
            hit = found.get(("b", r.serial))
            if hit is None:
                r.reason = r.reason or UNKNOWN_BADGE
                continue
            if hit[1]:
                r.reason = r.reason or REVOKED
        elif r.national_id:
            hit = found.get(("n", r.national_id))
            if hit is None:
                r.reason = r.reason or UNKNOWN_PERSON
                continue
        else:
            continue
        r.person_id, _revoked, r.person_name, r.enterprise_id = hit


def _dwell_case() -> str:
    whens = " ".join(f"WHEN '{k}' THEN {v.dwell_minutes}" for k, v in KIND_RULES.items())
    return f"coalesce(pl.dwell_minutes, CASE pl.kind {whens} ELSE 60 END)"


WRITE_SQL = f"""
WITH inp AS (
  SELECT * FROM unnest(%(client_id)s::text[], %(place_id)s::int[], %(person_id)s::int[],
                       %(serial)s::text[], %(direction)s::smallint[], %(device_time)s::timestamptz[],
                       %(at)s::timestamptz[], %(status)s::smallint[], %(reason)s::text[])
    AS t(client_id, place_id, person_id, serial, direction, device_time, at, status, reason)
), ev AS (
  INSERT INTO checkins_scanevent (origin, client_id, enterprise_id, place_id, person_id,
      badge_serial, direction, source, device_time, server_time, at, status, reason)
  SELECT %(origin)s::text, client_id, %(enterprise_id)s::int, place_id, person_id, serial,
         direction, %(source)s::smallint, device_time, %(now)s::timestamptz, at, status, reason
    FROM inp
  ON CONFLICT (origin, client_id) DO NOTHING
  RETURNING client_id, place_id, person_id, direction, at, status
), cand AS (
  SELECT e.*, lag(e.at) OVER (PARTITION BY e.person_id, e.place_id ORDER BY e.at) AS prev_at
    FROM ev e WHERE e.status = {ScanStatus.ACCEPTED} AND e.direction = {Direction.IN}
), pr AS (
  INSERT INTO places_presence (person_id, place_id, start, "end", source)
  SELECT c.person_id, c.place_id, c.at, NULL, %(source)s::smallint FROM cand c
   WHERE (c.prev_at IS NULL OR c.at - c.prev_at >= interval '{REPEAT_WINDOW_SECONDS} seconds')
     AND NOT EXISTS (
       SELECT 1 FROM places_presence p
        WHERE p.person_id = c.person_id AND p.place_id = c.place_id
          AND p.start > c.at - interval '{REPEAT_WINDOW_SECONDS} seconds'
          AND p.start < c.at + interval '{REPEAT_WINDOW_SECONDS} seconds')
  ON CONFLICT DO NOTHING
  RETURNING person_id, place_id, start
)
SELECT e.client_id, (pr.person_id IS NOT NULL)
  FROM ev e LEFT JOIN pr ON e.direction = {Direction.IN} AND pr.person_id = e.person_id
   AND pr.place_id = e.place_id AND pr.start = e.at
"""

OUT_SQL = f"""
WITH o AS (
  SELECT * FROM unnest(%(client_id)s::text[], %(person_id)s::int[], %(place_id)s::int[],
                       %(at)s::timestamptz[]) AS t(client_id, person_id, place_id, at)
), m AS (
  SELECT DISTINCT ON (o.client_id) o.client_id, o.at, p.person_id, p.place_id, p.start
    FROM o JOIN places_place pl ON pl.id = o.place_id
    JOIN places_presence p ON p.person_id = o.person_id AND p.place_id = o.place_id
     AND p."end" IS NULL AND p.start <= o.at
     AND p.start >= o.at - make_interval(mins => {_dwell_case()})
   ORDER BY o.client_id, p.start DESC
), w AS (
  SELECT DISTINCT ON (person_id, place_id, start) * FROM m
   ORDER BY person_id, place_id, start, at
), upd AS (
  UPDATE places_presence p SET "end" = w.at FROM w
   WHERE p.person_id = w.person_id AND p.place_id = w.place_id AND p.start = w.start
  RETURNING w.client_id
), zero AS (
  INSERT INTO places_presence (person_id, place_id, start, "end", source)
  SELECT DISTINCT ON (o.person_id, o.place_id, o.at) o.person_id, o.place_id, o.at, o.at, %(source)s::smallint
    FROM o
   WHERE NOT EXISTS (SELECT 1 FROM m WHERE m.client_id = o.client_id)
     AND NOT EXISTS (
       SELECT 1 FROM places_presence p
        WHERE p.person_id = o.person_id AND p.place_id = o.place_id
          AND p.start > o.at - interval '{REPEAT_WINDOW_SECONDS} seconds'
          AND p.start <= o.at
          AND (p."end" IS NULL OR p."end" > o.at - interval '{REPEAT_WINDOW_SECONDS} seconds'))
  ON CONFLICT DO NOTHING
  RETURNING person_id
)
SELECT client_id FROM upd
"""


def record_scans(scans: list[ScanIn], ctx: ScanContext) -> list[ScanOut]:
    """Record `scans` (already limited to places the caller may use) and return
    one result per scan, in order. See the module docstring for the rules."""
    now = ctx.now or timezone.now()
    rows, seen, repeats = [], set(), {}
    for i, s in enumerate(scans):
        at, clock = effective_time(s.device_time, now)
        row = _Row(scan=s, at=at, clock=clock)
        if s.client_id in seen:  # the same client id twice in one call
            repeats[i] = ScanOut(client_id=s.client_id, outcome=DUPLICATE, direction=s.direction)
            continue
        seen.add(s.client_id)
        _identify(row)
        rows.append(row)
    _resolve(rows)
    blocked = quarantine.blocked(
        [r.person_id for r in rows if r.person_id and not r.reason
         and r.scan.direction == Direction.IN], now)
    for r in rows:
        if r.person_id in blocked and not r.reason and r.scan.direction == Direction.IN:
            r.reason = QUARANTINE
            r.message = blocked[r.person_id]
    accepted = [r for r in rows if not r.reason]
    ensure_partitions([r.at for r in accepted])
    params = {
        "client_id": [r.scan.client_id for r in rows],
        "place_id": [r.scan.place_id for r in rows],
        "person_id": [r.person_id for r in rows],
        "serial": [r.serial for r in rows],
        "direction": [int(r.scan.direction) for r in rows],
        "device_time": [r.scan.device_time for r in rows],
        "at": [r.at for r in rows],
        "status": [ScanStatus.REJECTED if r.reason else ScanStatus.ACCEPTED for r in rows],
        "reason": [r.reason or (DEVICE_CLOCK if r.clock else "") for r in rows],
        "origin": ctx.origin, "enterprise_id": ctx.enterprise_id, "source": ctx.source, "now": now,
    }
    # One statement is atomic by itself; two (with "out" scans) share a transaction.
    has_out = any(r.scan.direction == Direction.OUT for r in accepted)
    prepare = len(rows) <= PREPARED_UP_TO
    with transaction.atomic() if has_out else nullcontext():
        written = dict(fetch(WRITE_SQL, params, prepare=prepare))
        outs = [r for r in accepted if r.scan.direction == Direction.OUT
                and r.scan.client_id in written]
        closed: set[str] = set()
        if outs:
            closed = {c for (c,) in fetch(OUT_SQL, {
                "client_id": [r.scan.client_id for r in outs],
                "person_id": [r.person_id for r in outs],
                "place_id": [r.scan.place_id for r in outs],
                "at": [r.at for r in outs], "source": ctx.source,
            }, prepare=prepare)}
    results = [_result(r, written, closed) for r in rows]
    for i in sorted(repeats):
        results.insert(i, repeats[i])
    return results


def _result(r: _Row, written: dict[str, bool], closed: set[str]) -> ScanOut:
    cid = r.scan.client_id
    out = ScanOut(client_id=cid, outcome=REJECTED, reason=r.reason, message=r.message,
                  person_id=r.person_id, person_name=r.person_name,
                  enterprise_id=r.enterprise_id, direction=r.scan.direction, at=r.at)
    if cid not in written:
        out.outcome = DUPLICATE
    elif not r.reason:
        if r.scan.direction == Direction.IN:
            out.outcome = ACCEPTED if written[cid] else REPEAT
        else:
            out.outcome, out.closed = ACCEPTED, cid in closed
        out.reason = DEVICE_CLOCK if r.clock else ""
    return out

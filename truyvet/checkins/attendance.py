"""Import time-attendance logs (the CSV factory machines export).

Columns: employee code, time, device or door (a header row is skipped; ``,``
or ``;`` separated). Times are local (Asia/Ho_Chi_Minh) in ``YYYY-MM-DD HH:MM[:SS]``
or ``DD/MM/YYYY HH:MM[:SS]``.

Mapping: the employee code is the person's ID number, or an `AttendanceCode`
row of the enterprise; the device / door is a place code of the enterprise,
else the place chosen for the import. Pairing, per person and place in time
order: a punch opens an interval, the next punch within MAX_SHIFT closes it
[in, out); a punch left without a partner is a presence with unknown end (the
place's dwell applies). Rows go in with one multi-row INSERT ... ON CONFLICT DO
NOTHING, so a re-import adds nothing.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from truyvet.checkins.models import AttendanceCode
from truyvet.checkins.scans import ensure_partitions
from truyvet.places.kinds import PresenceSource
from truyvet.places.models import Place
from truyvet.registry.models import Person

MAX_SHIFT = timedelta(hours=16)
FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M",
           "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]


@dataclass
class ImportReport:
    rows: int = 0
    punches: int = 0
    intervals: int = 0
    open_ended: int = 0
    inserted: int = 0
    unmatched_codes: Counter = field(default_factory=Counter)
    unknown_doors: Counter = field(default_factory=Counter)
    bad_rows: list[int] = field(default_factory=list)

    @property
    def unmatched_list(self) -> list[tuple[str, int]]:
        return self.unmatched_codes.most_common(500)

    @property
    def unknown_door_list(self) -> list[tuple[str, int]]:
        return self.unknown_doors.most_common(100)


def parse_time(text: str) -> datetime | None:
    text = text.strip()
    for fmt in FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=timezone.get_current_timezone())
        except ValueError:
            continue
    return None


def pair(times: list[datetime]) -> list[tuple[datetime, datetime | None]]:
    """Pair sorted punches into intervals: (in, out) or (in, None)."""
    out: list[tuple[datetime, datetime | None]] = []
    i, ts = 0, sorted(set(times))
    while i < len(ts):
        if i + 1 < len(ts) and ts[i + 1] - ts[i] <= MAX_SHIFT:
            out.append((ts[i], ts[i + 1]))
            i += 2
        else:
            out.append((ts[i], None))
            i += 1
    return out


def read_rows(text: str) -> list[list[str]]:
    sample = text[:2000]
    delim = ";" if sample.count(";") > sample.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delim))


def import_attendance(text: str, enterprise_id: int, default_place: Place | None) -> ImportReport:
    rep = ImportReport()
    rows = read_rows(text)
    codes = dict(AttendanceCode.objects.filter(enterprise_id=enterprise_id).values_list("code", "person_id"))
    places = dict(Place.objects.filter(enterprise_id=enterprise_id).values_list("code", "pk"))
    raw: list[tuple[int, str, datetime, str]] = []
    for n, row in enumerate(rows, start=1):
        if not row or not any(c.strip() for c in row):
            continue
        when = parse_time(row[1]) if len(row) >= 2 else None
        if when is None:
            if n > 1:
                rep.bad_rows.append(n)
            continue
        rep.rows += 1
        raw.append((n, row[0].strip(), when, row[2].strip() if len(row) > 2 else ""))
    ids = dict(Person.objects.filter(national_id__in={r[1] for r in raw} - set(codes))
               .values_list("national_id", "pk"))
    punches: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    for _n, code, when, door in raw:
        person = codes.get(code) or ids.get(code)
        if person is None:
            rep.unmatched_codes[code] += 1
            continue
        place = places.get(door) or (default_place.pk if default_place else None)
        if place is None:
            rep.unknown_doors[door] += 1
            continue
        punches[(person, place)].append(when)
        rep.punches += 1
    values = []
    for (person, place), times in punches.items():
        for start, end in pair(times):
            values.append((person, place, start, end))
            rep.intervals += 1
            rep.open_ended += end is None
    rep.inserted = _insert(values)
    return rep


def _insert(values: list[tuple[int, int, datetime, datetime | None]]) -> int:
    if not values:
        return 0
    ensure_partitions([v[2] for v in values])
    inserted = 0
    with transaction.atomic(), connection.cursor() as cur:
        for i in range(0, len(values), 5000):
            chunk = values[i:i + 5000]
            cur.execute(
                'INSERT INTO places_presence (person_id, place_id, start, "end", source) '
                "SELECT p, x, s, e, %s FROM unnest(%s::int[], %s::int[], %s::timestamptz[], "
                "%s::timestamptz[]) AS t(p, x, s, e) ON CONFLICT DO NOTHING",
                [PresenceSource.ATTENDANCE, [v[0] for v in chunk], [v[1] for v in chunk],
                 [v[2] for v in chunk], [v[3] for v in chunk]])
            inserted += cur.rowcount
    return inserted

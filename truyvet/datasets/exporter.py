"""`export_dataset`: write the database as a dataset folder (spec/dataset-format.md).

Every file gets every spec column in spec order; rows are sorted by their
natural key (never by database ids), instants are written with the
deployment offset, so exporting twice gives identical files and exporting
from a database re-imported from an export gives the same files too.
PostgreSQL formats the rows (COPY ... TO STDOUT); Python only moves bytes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from truyvet.datasets import spec
from truyvet.places.kinds import SOURCE_NAMES

Progress = Callable[[str], None]


def _instant(expr: str) -> str:
    """ISO 8601 in the session time zone (the deployment's), microseconds only if any."""
    return (f"to_char({expr}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
            f"CASE WHEN extract(microseconds FROM {expr})::bigint % 1000000 <> 0 "
            f"THEN to_char({expr}, '.US') ELSE '' END || to_char({expr}, 'TZH:TZM')")


def _decimal(expr: str) -> str:
    return f"rtrim(rtrim({expr}::text, '0'), '.')"


def _date(expr: str) -> str:
    return f"to_char({expr}, 'YYYY-MM-DD')"


def _e(expr: str) -> str:
    """Empty text as NULL, so COPY writes an empty field rather than \"\"."""
    return f"nullif({expr}, '')"


_SOURCE = "CASE x.source " + " ".join(
    f"WHEN {int(v)} THEN '{name}'" for v, name in SOURCE_NAMES.items()) + " END"

_END = 'x."end"'

QUERIES: dict[str, str] = {
    spec.ENTERPRISES.name: (
        f"SELECT e.code, e.name, {_e('e.tax_code')}, z.code, d.code, {_e('e.address')}, "
        f"{_e('e.legal_rep_name')}, {_e('e.legal_rep_phone')} FROM registry_enterprise e "
        "LEFT JOIN registry_zone z ON z.id = e.zone_id "
        "LEFT JOIN registry_adminunit d ON d.id = e.district_id ORDER BY e.code COLLATE \"C\""),
    spec.ORG_UNITS.name: (
        "SELECT o.code, e.code, p.code, o.kind, o.name FROM registry_orgunit o "
        "JOIN registry_enterprise e ON e.id = o.enterprise_id "
        "LEFT JOIN registry_orgunit p ON p.id = o.parent_id ORDER BY o.code COLLATE \"C\""),
    spec.PEOPLE.name: (
        f"SELECT p.national_id, p.full_name, {_date('p.date_of_birth')}, {_e('p.sex')}, "
        f"{_e('p.phone')}, {_e('p.hometown')}, e.code, o.code FROM registry_person p "
        "LEFT JOIN registry_enterprise e ON e.id = p.enterprise_id "
        "LEFT JOIN registry_orgunit o ON o.id = p.org_unit_id "
        "ORDER BY p.national_id COLLATE \"C\""),
    spec.PLACES.name: (
        f"SELECT p.code, p.kind, p.name, e.code, {_e('p.address')}, {_decimal('p.latitude')}, "
        f"{_decimal('p.longitude')}, p.dwell_minutes, p.min_overlap_minutes, p.capacity "
        "FROM places_place p LEFT JOIN registry_enterprise e ON e.id = p.enterprise_id "
        "ORDER BY p.code COLLATE \"C\""),
    spec.MEMBERSHIPS.name: (
        f"SELECT p.national_id, m.group_kind, m.group_code, {_date('m.valid_from')}, "
        f"{_date('m.valid_to')} FROM places_membership m "
        "JOIN registry_person p ON p.id = m.person_id ORDER BY p.national_id COLLATE \"C\", "
        "m.group_kind COLLATE \"C\", m.group_code COLLATE \"C\", m.valid_from"),
    spec.PRESENCE.name: (
        f"SELECT p.national_id, pl.code, {_instant('x.start')}, {_instant(_END)}, "
        f"{_SOURCE} FROM places_presence x JOIN registry_person p ON p.id = x.person_id "
        "JOIN places_place pl ON pl.id = x.place_id "
        "ORDER BY p.national_id COLLATE \"C\", pl.code COLLATE \"C\", x.start"),
}


def export_dataset(path: str | Path, progress: Progress | None = None) -> dict[str, int]:
    """Write all six files into `path` (created if needed); returns rows per file."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda _m: None)
    counts: dict[str, int] = {}
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as wrapper:
        cur = wrapper.cursor
        if outermost:  # one consistent snapshot for all six files
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cur.execute("SELECT set_config('TimeZone', %s, true)", [settings.TIME_ZONE])
        cur.execute("SET LOCAL work_mem = '256MB'")
        for fs in spec.FILES:
            t0 = time.monotonic()
            counts[fs.name] = _export_file(cur, fs, folder / fs.name)
            report(f"{fs.name}: exported {counts[fs.name]:,} rows in "
                   f"{time.monotonic() - t0:.1f} s")
    return counts


def _export_file(cur, fs: spec.FileSpec, target: Path) -> int:
    header = ",".join(fs.columns) + "\n"
    with open(target, "wb") as fh, cur.copy(
            f"COPY ({QUERIES[fs.name]}) TO STDOUT WITH (FORMAT csv)") as cp:
        fh.write(header.encode())
        for data in cp:
            fh.write(data)
    return cur.rowcount

"""INSERT ... SELECT ... ON CONFLICT DO UPDATE from the typed staging tables.

Every update is guarded by `IS DISTINCT FROM`, so importing the same folder
again changes no row (not even `updated_at`): the data stays exactly as
after the first import.
"""

from __future__ import annotations

from datetime import date

from truyvet.datasets.staging import Staged


def _changed(table: str, columns: list[str]) -> str:
    mine = ", ".join(f"{table}.{c}" for c in columns)
    theirs = ", ".join(f"EXCLUDED.{c}" for c in columns)
    return f"({mine}) IS DISTINCT FROM ({theirs})"


def _set(columns: list[str]) -> str:
    return ", ".join(f"{c} = EXCLUDED.{c}" for c in columns)


def zones_and_districts(cur, ent: Staged) -> None:
    """Zone and district codes unknown to the database are created, named by their code."""
    cur.execute(f"INSERT INTO registry_zone (code, name) SELECT DISTINCT zone, zone "
                f"FROM {ent.typed} WHERE zone IS NOT NULL ON CONFLICT (code) DO NOTHING")
    cur.execute(f"INSERT INTO registry_adminunit (code, name, level) "
                f"SELECT DISTINCT district, district, 'district' FROM {ent.typed} "
                f"WHERE district IS NOT NULL ON CONFLICT (code) DO NOTHING")


def enterprises(cur, ent: Staged) -> int:
    cols = ["name", "tax_code", "zone_id", "district_id", "address", "legal_rep_name",
            "legal_rep_phone"]
    cur.execute(
        "INSERT INTO registry_enterprise AS e (code, name, tax_code, zone_id, district_id, "
        "address, legal_rep_name, legal_rep_phone, created_at, updated_at) "
        "SELECT t.code, t.name, coalesce(t.tax_code, ''), z.id, d.id, coalesce(t.address, ''), "
        "coalesce(t.legal_rep_name, ''), coalesce(t.legal_rep_phone, ''), now(), now() "
        f"FROM {ent.typed} t LEFT JOIN registry_zone z ON z.code = t.zone "
        "LEFT JOIN registry_adminunit d ON d.code = t.district "
        f"ON CONFLICT (code) DO UPDATE SET {_set(cols)}, updated_at = now() "
        f"WHERE {_changed('e', cols)}")
    return cur.rowcount


def org_units(cur, org: Staged) -> int:
    """Units first, parents second: a parent may come later in the file."""
    cols = ["enterprise_id", "kind", "name"]
    cur.execute(
        "INSERT INTO registry_orgunit AS o (code, enterprise_id, kind, name) "
        f"SELECT t.code, e.id, t.kind, t.name FROM {org.typed} t "
        "JOIN registry_enterprise e ON e.code = t.enterprise_code "
        f"ON CONFLICT (code) DO UPDATE SET {_set(cols)} WHERE {_changed('o', cols)}")
    count = cur.rowcount
    cur.execute(
        f"UPDATE registry_orgunit o SET parent_id = p.id FROM {org.typed} t "
        "LEFT JOIN registry_orgunit p ON p.code = t.parent_code "
        "WHERE o.code = t.code AND o.parent_id IS DISTINCT FROM p.id")
    return count


def places(cur, pl: Staged) -> int:
    cols = ["kind", "name", "enterprise_id", "address", "latitude", "longitude",
            "dwell_minutes", "min_overlap_minutes", "capacity"]
    cur.execute(
        "INSERT INTO places_place AS p (code, kind, name, enterprise_id, address, latitude, "
        "longitude, dwell_minutes, min_overlap_minutes, capacity, vehicle_plate, driver_name, "
        "driver_phone) "
        "SELECT t.code, t.kind, t.name, e.id, coalesce(t.address, ''), t.lat, t.lon, t.dwell, "
        f"t.overlap, t.cap, '', '', '' FROM {pl.typed} t "
        "LEFT JOIN registry_enterprise e ON e.code = t.enterprise_code "
        f"ON CONFLICT (code) DO UPDATE SET {_set(cols)} WHERE {_changed('p', cols)}")
    return cur.rowcount


def people(cur, ppl: Staged, today: date) -> int:
    cols = ["full_name", "date_of_birth", "sex", "phone", "hometown", "enterprise_id",
            "org_unit_id"]
    employment_history(cur, ppl, today)
    cur.execute(
        "INSERT INTO registry_person AS p (uuid, national_id, full_name, date_of_birth, sex, "
        "phone, hometown, enterprise_id, org_unit_id, created_at, updated_at) "
        "SELECT gen_random_uuid(), t.person_id, t.full_name, t.dob, coalesce(t.sex, ''), "
        "coalesce(t.phone, ''), coalesce(t.hometown, ''), e.id, o.id, now(), now() "
        f"FROM {ppl.typed} t LEFT JOIN registry_enterprise e ON e.code = t.enterprise_code "
        "LEFT JOIN registry_orgunit o ON o.code = t.org_unit_code "
        f"ON CONFLICT (national_id) DO UPDATE SET {_set(cols)}, updated_at = now() "
        f"WHERE {_changed('p', cols)}")
    count = cur.rowcount
    open_employments(cur, ppl, today)
    return count


def _assignment(ppl: Staged) -> str:
    """Each known person of the file with the enterprise and unit it now assigns."""
    return (f"SELECT p.id AS person_id, e.id AS enterprise_id, o.id AS org_unit_id "
            f"FROM {ppl.typed} t JOIN registry_person p ON p.national_id = t.person_id "
            "LEFT JOIN registry_enterprise e ON e.code = t.enterprise_code "
            "LEFT JOIN registry_orgunit o ON o.code = t.org_unit_code")


def employment_history(cur, ppl: Staged, today: date) -> None:
    """Close open employments at another enterprise (yesterday), keep the unit current."""
    cur.execute(
        f"UPDATE registry_employment m SET valid_to = greatest(m.valid_from, %s::date - 1) "
        f"FROM ({_assignment(ppl)}) a WHERE m.person_id = a.person_id AND m.valid_to IS NULL "
        "AND m.enterprise_id IS DISTINCT FROM a.enterprise_id", [today])
    cur.execute(
        f"UPDATE registry_employment m SET org_unit_id = a.org_unit_id "
        f"FROM ({_assignment(ppl)}) a WHERE m.person_id = a.person_id AND m.valid_to IS NULL "
        "AND m.enterprise_id = a.enterprise_id AND m.org_unit_id IS DISTINCT FROM a.org_unit_id")


def open_employments(cur, ppl: Staged, today: date) -> None:
    """Open an employment (from today) for everyone now at an enterprise without one."""
    cur.execute(
        "INSERT INTO registry_employment (person_id, enterprise_id, org_unit_id, valid_from) "
        f"SELECT a.person_id, a.enterprise_id, a.org_unit_id, %s FROM ({_assignment(ppl)}) a "
        "WHERE a.enterprise_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM registry_employment m "
        "WHERE m.person_id = a.person_id AND m.valid_to IS NULL "
        "AND m.enterprise_id = a.enterprise_id)", [today])


def memberships(cur, mem: Staged) -> int:
    cols = ["valid_to", "org_unit_id", "place_id"]
    cur.execute(
        "INSERT INTO places_membership AS m (person_id, group_kind, group_code, valid_from, "
        "valid_to, org_unit_id, place_id) "
        "SELECT p.id, t.group_kind, t.group_code, t.vf, t.vt, o.id, pl.id "
        f"FROM {mem.typed} t JOIN registry_person p ON p.national_id = t.person_id "
        "LEFT JOIN registry_orgunit o ON t.group_kind = 'team' AND o.code = t.group_code "
        "LEFT JOIN places_place pl ON t.group_kind IN ('room', 'bus_route') "
        "AND pl.code = t.group_code "
        "ON CONFLICT (person_id, group_kind, group_code, valid_from) DO UPDATE "
        f"SET {_set(cols)} WHERE {_changed('m', cols)}")
    return cur.rowcount

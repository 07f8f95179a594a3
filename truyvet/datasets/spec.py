"""The dataset folder format, version 1 (spec/dataset-format.md), as data.

The importer, the exporter and the tests read the file list, the column
order and the required columns from here, so there is one source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[str, ...]
    required: frozenset[str]
    key: tuple[str, ...]

    @property
    def stem(self) -> str:
        return self.name.removesuffix(".csv")


def _spec(name: str, columns: str, key: str) -> FileSpec:
    cols = tuple(c.strip() for c in columns.split(","))
    return FileSpec(
        name=name,
        columns=tuple(c.rstrip("*") for c in cols),
        required=frozenset(c.rstrip("*") for c in cols if c.endswith("*")),
        key=tuple(k.strip() for k in key.split(",")),
    )


ENTERPRISES = _spec(
    "enterprises.csv",
    "code*, name*, tax_code, zone, district, address, legal_rep_name, legal_rep_phone", "code")
ORG_UNITS = _spec("org_units.csv", "code*, enterprise_code*, parent_code, kind*, name*", "code")
PEOPLE = _spec(
    "people.csv",
    "person_id*, full_name*, date_of_birth, sex, phone, hometown, enterprise_code, org_unit_code",
    "person_id")
PLACES = _spec(
    "places.csv",
    "code*, kind*, name*, enterprise_code, address, latitude, longitude, dwell_minutes, "
    "min_overlap_minutes, capacity", "code")
PRESENCE = _spec("presence.csv", "person_id*, place_code*, start*, end, source",
                 "person_id, place_code, start")
MEMBERSHIPS = _spec("memberships.csv", "person_id*, group_kind*, group_code*, valid_from*, valid_to",
                    "person_id, group_kind, group_code, valid_from")

# Import order: every file only refers to files before it (or to the database).
FILES: tuple[FileSpec, ...] = (ENTERPRISES, ORG_UNITS, PLACES, PEOPLE, MEMBERSHIPS, PRESENCE)
BY_NAME = {f.name: f for f in FILES}

ORG_UNIT_KINDS = ("site", "workshop", "team", "other")
GROUP_KINDS = ("team", "room", "bus_route", "household")
SOURCES = ("import", "qr_self", "qr_guard", "attendance", "api")

PERSON_ID_RE = r"^[A-Za-z0-9-]{1,32}$"
DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
INSTANT_RE = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?"
              r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)$")
DECIMAL_RE = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)$"
COUNT_RE = r"^[0-9]{1,10}$"

# Maximum lengths of the text columns, from the models.
MAX_LEN = {
    ("enterprises.csv", "code"): 32, ("enterprises.csv", "name"): 300,
    ("enterprises.csv", "tax_code"): 20, ("enterprises.csv", "zone"): 32,
    ("enterprises.csv", "district"): 32, ("enterprises.csv", "address"): 500,
    ("enterprises.csv", "legal_rep_name"): 200, ("enterprises.csv", "legal_rep_phone"): 20,
    ("org_units.csv", "code"): 64, ("org_units.csv", "name"): 200,
    ("people.csv", "full_name"): 200, ("people.csv", "phone"): 20,
    ("people.csv", "hometown"): 300,
    ("places.csv", "code"): 64, ("places.csv", "name"): 200, ("places.csv", "address"): 500,
    ("memberships.csv", "group_code"): 64,
}

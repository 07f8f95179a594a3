"""Set-based row checks: every rule of the dataset contract as one SQL condition.

A check says which column is wrong and why; the condition reads the typed
staging table (alias `t`) and the "known" tables, which hold what will exist
after the import: the folder's rows overriding the database's (`k_ent`,
`k_org`, `k_person`, `k_place`). So a reference is valid when it names
something in the folder or already in the database, as the contract says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from truyvet.datasets import spec
from truyvet.datasets.staging import Staged, lit
from truyvet.places.kinds import PlaceKind


@dataclass(frozen=True)
class Check:
    column: str
    message: Callable[[], str]  # translated when the report is built
    bad: str  # SQL condition over `t`; NULL counts as fine
    value: str = "NULL::text"  # SQL shown in the message as %(value)s
    value_is_record: bool = False  # the value is a record number to turn into a line


@dataclass(frozen=True)
class Names:
    """Names of the per-import tables the checks refer to."""

    ent: str
    org: str
    person: str
    place: str
    cycles: str


def _in(values: tuple[str, ...] | list[str]) -> str:
    return "(" + ", ".join(lit(v) for v in values) + ")"


def required(column: str) -> Check:
    return Check(column, lambda: _("a value is required"), f"t.{_q(column)} IS NULL")


def max_length(file: str, column: str) -> Check | None:
    limit = spec.MAX_LEN.get((file, column))
    if limit is None:
        return None
    return Check(column, lambda: _("longer than %(max)d characters") % {"max": limit},
                 f"char_length(t.{_q(column)}) > {limit}")


def one_of(column: str, values: tuple[str, ...] | list[str]) -> Check:
    allowed = ", ".join(values)
    return Check(column, lambda: _("%(value)s is not one of: ") + allowed,
                 f"t.{_q(column)} NOT IN {_in(values)}", f"t.{_q(column)}")


def known(column: str, table: str, what: Callable[[], str], where: str = "") -> Check:
    """The value names a row of `table` (an uncorrelated IN: one hash, not a loop per row)."""
    cond = f" WHERE {where}" if where else ""
    return Check(column, what, f"t.{_q(column)} IS NOT NULL AND "
                               f"t.{_q(column)} NOT IN (SELECT code FROM {table}{cond})",
                 f"t.{_q(column)}")


def parsed(column: str, typed: str, what: Callable[[], str]) -> Check:
    return Check(column, what, f"t.{_q(column)} IS NOT NULL AND t.{typed} IS NULL",
                 f"t.{_q(column)}")


def duplicate(key: tuple[str, ...]) -> Check:
    return Check(", ".join(key), lambda: _("duplicate key: the same key is on line %(value)s"),
                 "t.first_n <> t.n", "t.first_n::text", value_is_record=True)


def _q(column: str) -> str:
    return '"end"' if column == "end" else column


def _unknown(what: str) -> Callable[[], str]:
    messages = {
        "enterprise": lambda: _("unknown enterprise %(value)s (neither in the folder nor in the database)"),
        "org_unit": lambda: _("unknown org unit %(value)s (neither in the folder nor in the database)"),
        "person": lambda: _("unknown person %(value)s (neither in the folder nor in the database)"),
        "place": lambda: _("unknown place %(value)s (neither in the folder nor in the database)"),
    }
    return messages[what]


def _lengths(file: str) -> list[Check]:
    found = [max_length(file, c) for c in spec.BY_NAME[file].columns]
    return [c for c in found if c is not None]


def _required(file: str) -> list[Check]:
    return [required(c) for c in spec.BY_NAME[file].columns if c in spec.BY_NAME[file].required]


def enterprise_checks(n: Names) -> list[Check]:
    f = spec.ENTERPRISES.name
    return [*_required(f), *_lengths(f), duplicate(spec.ENTERPRISES.key)]


def org_unit_checks(n: Names) -> list[Check]:
    f = spec.ORG_UNITS.name
    return [
        *_required(f), *_lengths(f),
        known("enterprise_code", n.ent, _unknown("enterprise")),
        one_of("kind", spec.ORG_UNIT_KINDS),
        known("parent_code", n.org, _unknown("org_unit")),
        Check("parent_code", lambda: _("an org unit cannot be its own parent"),
              "t.parent_code = t.code"),
        Check("parent_code", lambda: _("parent %(value)s belongs to another enterprise"),
              f"t.parent_code <> t.code AND t.parent_code IN (SELECT code FROM {n.org}) "
              f"AND (t.parent_code, t.enterprise_code) NOT IN "
              f"(SELECT code, enterprise_code FROM {n.org})", "t.parent_code"),
        Check("parent_code", lambda: _("the chain of parents loops back to this unit"),
              f"t.parent_code <> t.code AND t.code IN (SELECT code FROM {n.cycles})"),
        duplicate(spec.ORG_UNITS.key),
    ]


def people_checks(n: Names) -> list[Check]:
    f = spec.PEOPLE.name
    return [
        *_required(f),
        Check("person_id", lambda: _("%(value)s is not 1-32 characters from A-Z, a-z, 0-9 and -"),
              f"t.person_id !~ {lit(spec.PERSON_ID_RE)}", "t.person_id"),
        *_lengths(f),
        parsed("date_of_birth", "dob", lambda: _("%(value)s is not a date (YYYY-MM-DD)")),
        one_of("sex", ("M", "F")),
        known("enterprise_code", n.ent, _unknown("enterprise")),
        known("org_unit_code", n.org, _unknown("org_unit")),
        duplicate(spec.PEOPLE.key),
    ]


def _coordinate(column: str, typed: str, bound: int) -> list[Check]:
    return [
        parsed(column, typed, lambda: _("%(value)s is not a decimal number")),
        Check(column, lambda: _("%(value)s is outside -%(bound)d..%(bound)d")
              .replace("%(bound)d", str(bound)),
              f"abs(t.{typed}) > {bound}", f"t.{column}"),
    ]


def place_checks(n: Names) -> list[Check]:
    f = spec.PLACES.name
    counts = [parsed(c, typed, lambda: _("%(value)s is not a whole number from 0 to 2147483647"))
              for c, typed in (("dwell_minutes", "dwell"), ("min_overlap_minutes", "overlap"),
                               ("capacity", "cap"))]
    return [
        *_required(f), one_of("kind", [k.value for k in PlaceKind]), *_lengths(f),
        known("enterprise_code", n.ent, _unknown("enterprise")),
        *_coordinate("latitude", "lat", 90), *_coordinate("longitude", "lon", 180),
        *counts, duplicate(spec.PLACES.key),
    ]


def membership_checks(n: Names) -> list[Check]:
    f = spec.MEMBERSHIPS.name
    return [
        *_required(f),
        known("person_id", n.person, _unknown("person")),
        one_of("group_kind", spec.GROUP_KINDS), *_lengths(f),
        Check("group_code", _unknown("org_unit"), "t.group_kind = 'team' AND "
              f"t.group_code NOT IN (SELECT code FROM {n.org})", "t.group_code"),
        _group_place("room", "room", n),
        _group_place("bus_route", "bus", n),
        parsed("valid_from", "vf", lambda: _("%(value)s is not a date (YYYY-MM-DD)")),
        parsed("valid_to", "vt", lambda: _("%(value)s is not a date (YYYY-MM-DD)")),
        Check("valid_to", lambda: _("valid_to %(value)s is before valid_from"),
              "t.vt < t.vf", "t.valid_to"),
        duplicate(spec.MEMBERSHIPS.key),
    ]


def _group_place(kind: str, place_kind: str, n: Names) -> Check:
    return Check("group_code",
                 lambda: _("%(value)s is not a place of kind ") + place_kind,
                 f"t.group_kind = {lit(kind)} AND t.group_code NOT IN "
                 f"(SELECT code FROM {n.place} WHERE kind = {lit(place_kind)})", "t.group_code")


def _instant(column: str, typed: str) -> list[Check]:
    no_offset = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?$"
    return [
        Check(column, lambda: _("%(value)s has no UTC offset; write it like "
                                "2021-06-08T07:05:00+07:00"),
              f"t.{_q(column)} ~ {lit(no_offset)}", f"t.{_q(column)}"),
        Check(column, lambda: _("%(value)s is not an ISO 8601 instant with an offset"),
              f"t.{_q(column)} IS NOT NULL AND t.{typed} IS NULL "
              f"AND t.{_q(column)} !~ {lit(no_offset)}", f"t.{_q(column)}"),
    ]


def presence_checks(n: Names) -> list[Check]:
    f = spec.PRESENCE.name
    return [
        *_required(f),
        known("person_id", n.person, _unknown("person")),
        known("place_code", n.place, _unknown("place")),
        *_instant("start", "ts"), *_instant("end", "te"),
        Check("end", lambda: _("end %(value)s is before start"), "t.te < t.ts", 't."end"'),
        one_of("source", spec.SOURCES),
        duplicate(spec.PRESENCE.key),
    ]


CHECKS: dict[str, Callable[[Names], list[Check]]] = {
    spec.ENTERPRISES.name: enterprise_checks,
    spec.ORG_UNITS.name: org_unit_checks,
    spec.PEOPLE.name: people_checks,
    spec.PLACES.name: place_checks,
    spec.MEMBERSHIPS.name: membership_checks,
    spec.PRESENCE.name: presence_checks,
}

# The duplicate check compares parsed values where the key has them.
KEY_EXPR = {"presence.csv": ("person_id", "place_code", "ts")}


def check_sql(staged: Staged, checks: list[Check], limit: int) -> str:
    """One query listing (record, check index, value) for every failed check."""
    key = KEY_EXPR.get(staged.spec.name, tuple(_q(c) for c in staged.spec.key))
    not_null = " AND ".join(f"{k} IS NOT NULL" for k in key)
    rows = ", ".join(f"({i}, coalesce(({c.bad}), false), ({c.value})::text)"
                     for i, c in enumerate(checks))
    return (
        f"SELECT t.n, c.i, c.v FROM (SELECT x.*, CASE WHEN {not_null} THEN "
        f"min(x.n) OVER (PARTITION BY {', '.join(key)}) ELSE x.n END AS first_n "
        f"FROM {staged.typed} x) t "
        f"CROSS JOIN LATERAL (VALUES {rows}) AS c(i, bad, v) "
        f"WHERE c.bad ORDER BY t.n, c.i LIMIT {int(limit)}"
    )

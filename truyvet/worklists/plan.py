"""What applying a parsed worker list would change: new workers, changed
fields (old -> new), missing workers, org units to create, residences and bus
routes matched to known places, and the conflicts that block applying.

`plan_import(enterprise_id, rows, today)` takes the JSON rows of
`parsing.parse_worklist` and returns a `Plan` (plain data). The preview shows
it; `apply.apply_import` computes it again, inside its transaction, from the
stored rows, so that applying always works from the current database.

Decisions:
- A blank cell never erases: blank team, residence or bus keeps what we know.
- A residence names a room when it contains the room's place code, or both
  the boarding house's name and the room's name (any case, with or without
  diacritics). Rooms are not created from free text: boarding houses and
  rooms are registered by their owners and the commune, and free-text
  addresses would create duplicates ("P1 nhà trọ Hoa Mai", "Phòng 1 - NT Hoa
  Mai"). An unmatched residence is listed in the preview, not written.
- A bus route matches a bus place of the enterprise (or one without an
  enterprise) by code, name or plate.
- Bộ phận / Phân xưởng is a workshop, Tổ a team under it; missing ones are
  created under the enterprise.
- A person registered at another enterprise is a transfer: an error, never
  moved silently. A registered person with no enterprise joins this one.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from truyvet.places.kinds import GroupKind, PlaceKind
from truyvet.places.models import Membership, Place
from truyvet.registry.models import OrgUnit, Person
from truyvet.worklists.reading import fold

PERSON_FIELDS = ("full_name", "date_of_birth", "sex", "phone", "hometown")
SAMPLE = 300  # rows of each list kept for the preview page


@dataclass
class Target:
    """Where one worker of the file should end up."""

    row: int
    nid: str
    person_id: int | None  # None: a new person
    fields: dict  # PERSON_FIELDS that change (all of them for a new person)
    unit_key: list | None  # ["workshop", w] or ["team", w, t], None: keep
    room_id: int | None  # None: keep
    bus_id: int | None  # None: keep
    joins: bool  # starts an employment here (new person, or one with no enterprise)


@dataclass
class Plan:
    enterprise_id: int
    today: str
    targets: list[Target] = field(default_factory=list)
    new: list[dict] = field(default_factory=list)
    joining: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    unchanged: int = 0
    missing: list[dict] = field(default_factory=list)
    units_to_create: list[dict] = field(default_factory=list)
    residence_unmatched: list[dict] = field(default_factory=list)
    bus_unmatched: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)

    def counts(self) -> dict:
        return {"rows": len(self.targets) + len(self.conflicts), "new": len(self.new),
                "joining": len(self.joining), "changed": len(self.changed),
                "unchanged": self.unchanged, "missing": len(self.missing),
                "units_to_create": len(self.units_to_create),
                "residence_unmatched": len(self.residence_unmatched),
                "bus_unmatched": len(self.bus_unmatched), "conflicts": len(self.conflicts)}

    def summary(self) -> dict:
        """JSON for the preview: counts and the first rows of each list."""
        d = {k: v[:SAMPLE] if isinstance(v, list) else v for k, v in asdict(self).items()
             if k != "targets"}
        d["counts"] = self.counts()
        return d


def unit_code(enterprise_code: str, key: list) -> str:
    digest = hashlib.sha1("\x1f".join(fold(k) for k in key).encode()).hexdigest()[:12]
    return f"{enterprise_code}-{key[0][0].upper()}{digest}"[:64]


class _Units:
    """The enterprise's org units, found by folded name."""

    def __init__(self, enterprise_id: int):
        units = list(OrgUnit.objects.filter(enterprise_id=enterprise_id)
                     .values("id", "name", "kind", "parent_id", "code"))
        self.by_id = {u["id"]: u for u in units}
        self.workshops: dict[str, int] = {}
        self.teams: dict[tuple[int | None, str], int] = {}
        self.team_any: dict[str, list[int]] = defaultdict(list)
        for u in units:
            if u["kind"] == OrgUnit.Kind.TEAM:
                self.teams[(u["parent_id"], fold(u["name"]))] = u["id"]
                self.team_any[fold(u["name"])].append(u["id"])
            else:
                self.workshops.setdefault(fold(u["name"]), u["id"])

    def resolve(self, workshop: str, team: str) -> tuple[int | None, list | None]:
        """(existing unit id or None, key of the unit to create or None)."""
        w, t = fold(workshop), fold(team)
        if not w and not t:
            return None, None
        wid = self.workshops.get(w) if w else None
        if t:
            if w:
                if wid is not None and (tid := self.teams.get((wid, t))) is not None:
                    return tid, None
                return None, ["team", workshop, team]
            if len(self.team_any.get(t, [])) == 1:
                return self.team_any[t][0], None
            return None, ["team", "", team]
        return (wid, None) if wid is not None else (None, ["workshop", workshop])

    def path(self, unit_id: int | None) -> str:
        names = []
        while unit_id is not None and unit_id in self.by_id and len(names) < 10:
            u = self.by_id[unit_id]
            names.append(u["name"])
            unit_id = u["parent_id"]
        return " › ".join(reversed(names))


class _Places:
    """Rooms (any boarding house) and the enterprise's buses, found from free text."""

    def __init__(self, enterprise_id: int):
        self.room_codes: dict[str, int] = {}
        self.rooms_by_house: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self.names: dict[int, str] = {}
        rooms = Place.objects.filter(kind=PlaceKind.ROOM).values_list(
            "id", "code", "name", "boarding_house__name")
        for pk, code, name, house in rooms:
            self.room_codes[fold(code)] = pk
            self.names[pk] = f"{name} · {house}" if house else name
            if house:
                self.rooms_by_house[fold(house)].append((fold(name), pk))
        self.buses: dict[str, int] = {}
        buses = Place.objects.filter(kind=PlaceKind.BUS).filter(
            Q(enterprise_id=enterprise_id) | Q(enterprise__isnull=True)
        ).values_list("id", "code", "name", "vehicle_plate")
        for pk, code, name, plate in buses:
            self.names[pk] = f"{name} ({plate})" if plate else name
            for key in (code, name, plate):
                if fold(key):
                    self.buses.setdefault(fold(key), pk)

    def room(self, text: str) -> int | None:
        """The room a free-text residence names: a room's code among its words, or a
        boarding house's name plus one of its rooms' names. Dictionary look-ups of
        the text's word sequences, so the cost does not grow with the province."""
        words = fold(text).split()
        grams = [" ".join(words[i:i + n]) for n in range(8, 0, -1) for i in range(len(words) - n + 1)]
        for g in grams:
            if g in self.room_codes:
                return self.room_codes[g]
        for g in grams:
            if g in self.rooms_by_house:
                rest = f" {' '.join(words)} ".replace(f" {g} ", " | ")
                for room, pk in sorted(self.rooms_by_house[g], key=lambda r: -len(r[0])):
                    if f" {room} " in rest:
                        return pk
        return None

    def bus(self, text: str) -> int | None:
        return self.buses.get(fold(text)) if fold(text) else None


def _current(person_ids: list[int], kind: str, today: date) -> dict[int, int | None]:
    """person -> the place or org unit of their membership of `kind` valid today."""
    out: dict[int, int | None] = {}
    rows = Membership.objects.filter(
        person_id__in=person_ids, group_kind=kind).valid_on(today).values_list(
        "person_id", "place_id", "org_unit_id")
    for pid, place_id, unit_id in rows:
        out[pid] = place_id if kind != GroupKind.TEAM else unit_id
    return out


def _person_fields(row: dict) -> dict:
    return {"full_name": row["name"], "date_of_birth": row["dob"], "sex": row["sex"],
            "phone": row["phone"], "hometown": row["hometown"]}


def _field_changes(old: dict, row: dict) -> dict:
    """The person fields the row changes: blank cells keep the old value; a year
    alone keeps a full date of birth in that year."""
    new = _person_fields(row)
    out = {}
    for name, value in new.items():
        before = old[name]
        before_s = before.isoformat() if isinstance(before, date) else (before or "")
        if not value or value == before_s:
            continue
        if name == "date_of_birth" and row["dob_year_only"] and before_s[:4] == value[:4]:
            continue
        out[name] = value
    return out


FIELD_NAMES = {"full_name": "full_name", "date_of_birth": "dob", "sex": "sex", "phone": "phone",
               "hometown": "hometown"}


def plan_import(enterprise_id: int, enterprise_code: str, rows: list[dict], today: date) -> Plan:
    """Compare the file's rows with the database (a handful of queries, no per-row query)."""
    plan = Plan(enterprise_id=enterprise_id, today=today.isoformat())
    ids = [r["nid"] for r in rows if r["nid"]]
    people = {p["national_id"]: p for p in Person.objects.filter(national_id__in=ids).values(
        "id", "national_id", "enterprise_id", "org_unit_id", *PERSON_FIELDS)}
    ours = [p["id"] for p in people.values() if p["enterprise_id"] == enterprise_id]
    rooms_now = _current(ours, GroupKind.ROOM, today)
    buses_now = _current(ours, GroupKind.BUS_ROUTE, today)
    units, places = _Units(enterprise_id), _Places(enterprise_id)
    to_create: dict[tuple, dict] = {}
    for row in rows:
        old = people.get(row["nid"])
        brief = {"row": row["row"], "nid": row["nid"], "name": row["name"]}
        if old and old["enterprise_id"] not in (None, enterprise_id):
            plan.conflicts.append({**brief, "message": _(
                "registered as a worker of another enterprise (a transfer): that enterprise "
                "must end the employment first, or ask the authority")})
            continue
        unit_id, unit_key = units.resolve(row["workshop"], row["team"])
        if unit_key:
            for k in ([["workshop", unit_key[1]]] if unit_key[0] == "team" and unit_key[1] else []) + [unit_key]:
                if k[0] == "workshop" and fold(k[1]) in units.workshops:
                    continue
                to_create.setdefault(tuple(fold(x) for x in k), {"kind": k[0], "name": k[-1],
                                                                  "parent": k[1] if k[0] == "team" else ""})
        room_id = places.room(row["residence"])
        if row["residence"] and room_id is None:
            plan.residence_unmatched.append({**brief, "value": row["residence"]})
        bus_id = places.bus(row["bus"])
        if row["bus"] and bus_id is None:
            plan.bus_unmatched.append({**brief, "value": row["bus"]})
        if old is None:
            target = Target(row["row"], row["nid"], None, _person_fields(row), unit_key or (
                ["id", unit_id] if unit_id else None), room_id, bus_id, True)
            plan.new.append(brief)
            plan.targets.append(target)
            continue
        changes = []
        fields = _field_changes(old, row)
        for name, value in fields.items():
            before = old[name]
            changes.append({"field": FIELD_NAMES[name], "old": str(before or ""), "new": value})
        new_unit = unit_key or (["id", unit_id] if unit_id and unit_id != old["org_unit_id"] else None)
        if new_unit:
            changes.append({"field": "unit", "old": units.path(old["org_unit_id"]),
                            "new": " › ".join(x for x in unit_key[1:] if x) if unit_key
                            else units.path(unit_id)})
        joins = old["enterprise_id"] is None
        if room_id is not None and rooms_now.get(old["id"]) == room_id:
            room_id = None
        if room_id is not None:
            changes.append({"field": "residence", "old": places.names.get(rooms_now.get(old["id"]), ""),
                            "new": places.names[room_id]})
        if bus_id is not None and buses_now.get(old["id"]) == bus_id:
            bus_id = None
        if bus_id is not None:
            changes.append({"field": "bus", "old": places.names.get(buses_now.get(old["id"]), ""),
                            "new": places.names[bus_id]})
        target = Target(row["row"], row["nid"], old["id"], fields, new_unit, room_id, bus_id, joins)
        plan.targets.append(target)
        if joins:
            plan.joining.append({**brief, "changes": changes})
        elif changes:
            plan.changed.append({**brief, "changes": changes})
        else:
            plan.unchanged += 1
    plan.units_to_create = list(to_create.values())
    plan.missing = [{"id": pk, "nid": nid, "name": name} for pk, nid, name in
                    Person.objects.filter(enterprise_id=enterprise_id).exclude(national_id__in=ids)
                    .order_by("full_name").values_list("id", "national_id", "full_name")]
    return plan

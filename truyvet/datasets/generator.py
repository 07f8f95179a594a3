"""A synthetic province in the dataset folder format (spec/dataset-format.md).

Used by the demo, the benchmarks and the tests. Deterministic for a given seed.
Everything per person is kept in compact lists (bounded by the number of
people); presence rows, the bulk of the data, are streamed to presence.csv day
by day, so 300,000 people x 14 days needs a few hundred MiB at most.

Shape (what tracing sees): sites of up to ~4,000 workers, workshops of a few
hundred, production teams of 15-40, one rest area per workshop, a canteen per
about four workshops, each workshop eating in its own 30-minute session
(sessions 50 minutes apart, so no two sessions share 15 minutes even for a
row without an end at a 45-minute canteen), buses of about 40 riders from a
few neighbouring teams, boarding-house rooms of 2-6 mostly near colleagues.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from truyvet.datasets import vocab

OFFSET = "+07:00"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HM = [f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)]

Progress = Callable[[str], None]

WORKSHOP_TARGET = 350  # workers per workshop (a few hundred)
WORKSHOPS_PER_CANTEEN = 4
LUNCH_FIRST = 210  # first canteen session, minutes after the shift start
LUNCH_GAP = 50  # between session starts: a session ends by +35 (+50 with no end at a 45-min canteen)
BUS_RIDERS = 40


@dataclass(slots=True)
class Team:
    code: str
    enterprise: int
    workshop_place: str
    rest_place: str
    gate_place: str
    canteen_place: str
    stagger: int  # minutes after the enterprise's shift start (arrival only)
    lunch: int  # the workshop's canteen session, minutes after the shift start


@dataclass
class Enterprise:
    code: str
    size: int
    shift: int  # minutes after midnight
    saturday: bool
    sunday: bool
    teams: list[int] = field(default_factory=list)
    buses: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Worker:
    """One person: static facts plus at most one mid-window move of team and room."""

    pid: str
    enterprise: int
    team: int
    team_to: int = -1
    team_day: int = -1
    bus: str = ""
    room: str = ""
    room_to: str = ""
    room_day: int = -1


@dataclass
class GenerateSummary:
    people: int = 0
    enterprises: int = 0
    org_units: int = 0
    places: int = 0
    memberships: int = 0
    presence: int = 0
    start: date | None = None
    days: int = 0


class _Province:
    """Builds the static part of the province and writes it; then streams presence."""

    def __init__(self, out: Path, people: int, days: int, seed: int, start: date,
                 enterprises: int | None, progress: Progress | None) -> None:
        self.out, self.n, self.days, self.start = out, people, days, start
        self.rng = random.Random(seed)
        self.n_ent = enterprises or max(2, round(people / 90))
        self.n_ent = max(1, min(self.n_ent, people))
        self.progress = progress or (lambda _msg: None)
        self.summary = GenerateSummary(start=start, days=days)
        self.ents: list[Enterprise] = []
        self.teams: list[Team] = []
        self.workers: list[Worker] = []
        self.venues: list[str] = []
        self.bus_codes: set[str] = set()
        self.extras: dict[str, list] = {"boarding_houses": [], "buses": []}
        self.zones = vocab.ZONES[: max(2, min(len(vocab.ZONES), 2 + people // 100_000))]

    # ---- helpers -------------------------------------------------------------
    def pick(self, seq: list) -> object:
        return seq[int(self.rng.random() * len(seq))]

    def phone(self) -> str:
        prefix = self.pick(["03", "07", "08", "09"])
        return f"{prefix}{int(self.rng.random() * 100_000_000):08d}"

    def name(self, sex: str) -> str:
        family = self.rng.choices([f for f, _ in vocab.FAMILY_NAMES],
                                  [w for _, w in vocab.FAMILY_NAMES])[0]
        if sex == "M":
            return f"{family} {self.pick(vocab.MIDDLE_MALE)} {self.pick(vocab.GIVEN_MALE)}"
        return f"{family} {self.pick(vocab.MIDDLE_FEMALE)} {self.pick(vocab.GIVEN_FEMALE)}"

    def address(self, district: str) -> str:
        return (f"{self.pick(vocab.VILLAGES)}, xã {self.pick(vocab.COMMUNES)}, "
                f"{district}, Bắc Giang")

    def writer(self, name: str, header: list[str]):
        fh = open(self.out / name, "w", encoding="utf-8", newline="")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        return fh, w

    # ---- enterprises and org trees -------------------------------------------
    def sizes(self) -> list[int]:
        """One big employer (up to 10,000 workers), the rest heavy-tailed."""
        if self.n_ent == 1:
            return [self.n]
        big = min(10_000, int(self.n * 0.4))
        rest = self.n - big
        weights = [min(self.rng.paretovariate(1.3), 40.0) for _ in range(self.n_ent - 1)]
        total = sum(weights)
        sizes = [max(1, int(rest * w / total)) for w in weights]
        sizes[0] += rest - sum(sizes)
        if sizes[0] < 1:  # tiny datasets: fall back to an even split
            sizes = [rest // (self.n_ent - 1)] * (self.n_ent - 1)
            sizes[0] += rest - sum(sizes)
        return [big, *sizes]

    def write_enterprises(self) -> None:
        fh, w = self.writer("enterprises.csv", ["code", "name", "tax_code", "zone", "district",
                                                "address", "legal_rep_name", "legal_rep_phone"])
        districts = dict(vocab.DISTRICTS)
        with fh:
            for i, size in enumerate(self.sizes()):
                code = f"DN{i + 1:04d}"
                in_zone = i == 0 or self.rng.random() < 0.8
                zone = self.zones[i % len(self.zones)] if in_zone else None
                district = zone[2] if zone else self.pick(vocab.DISTRICTS)[0]
                name = (f"Công ty TNHH {self.pick(vocab.ENTERPRISE_TRADES)} "
                        f"{self.pick(vocab.ENTERPRISE_WORDS)} {i + 1}")
                address = (f"Lô {chr(65 + i % 8)}{i % 40 + 1}, {zone[1]}" if zone
                           else self.address(districts[district]))
                rep_sex = self.pick(["M", "F"])
                w.writerow([code, name, f"24{int(self.rng.random() * 1e8):08d}",
                            zone[0] if zone else "", district, address,
                            self.name(rep_sex), self.phone()])
                self.ents.append(Enterprise(
                    code, size, shift=self.pick([420, 420, 450, 480]),
                    saturday=self.rng.random() < 0.4, sunday=self.rng.random() < 0.1))
        self.summary.enterprises = len(self.ents)

    def write_org_and_places(self) -> None:
        ofh, ow = self.writer("org_units.csv", ["code", "enterprise_code", "parent_code",
                                                "kind", "name"])
        pfh, pw = self.writer("places.csv", ["code", "kind", "name", "enterprise_code",
                                             "address", "latitude", "longitude", "dwell_minutes",
                                             "min_overlap_minutes", "capacity"])
        with ofh, pfh:
            for ei, ent in enumerate(self.ents):
                self._enterprise_tree(ei, ent, ow, pw)
            self._rooms_and_venues(pw)

    def _coords(self, ei: int) -> tuple[str, str]:
        zone = self.zones[ei % len(self.zones)]
        return (f"{zone[3] + self.rng.uniform(-0.01, 0.01):.6f}",
                f"{zone[4] + self.rng.uniform(-0.01, 0.01):.6f}")

    def _enterprise_tree(self, ei: int, ent: Enterprise, ow, pw) -> None:
        n_sites = 1 + ent.size // 4000
        per_site = _split(ent.size, n_sites)
        for s, site_size in enumerate(per_site, 1):
            site = f"{ent.code}-S{s}"
            ow.writerow([site, ent.code, "", "site", f"Nhà máy số {s}"])
            self.summary.org_units += 1
            lat, lon = self._coords(ei)
            gate = f"{site}-CONG"
            pw.writerow([gate, "gate", f"Cổng chính nhà máy {s}", ent.code, "", lat, lon,
                         "", "", ""])
            self.summary.places += 1
            ws_sizes = _split(site_size, max(1, round(site_size / WORKSHOP_TARGET)))
            canteens = []
            for c in range(1, 1 + -(-len(ws_sizes) // WORKSHOPS_PER_CANTEEN)):
                canteen = f"{site}-CANTIN" if c == 1 else f"{site}-CANTIN{c}"
                served = sum(ws_sizes[(c - 1) * WORKSHOPS_PER_CANTEEN:c * WORKSHOPS_PER_CANTEEN])
                pw.writerow([canteen, "canteen", f"Nhà ăn số {c} nhà máy {s}", ent.code, "",
                             lat, lon, "45" if self.rng.random() < 0.2 else "", "",
                             max(50, served // 3)])
                canteens.append(canteen)
                self.summary.places += 1
            for k, ws_size in enumerate(ws_sizes, 1):
                # workshop k eats at canteen (k-1)//4, in that canteen's session (k-1)%4
                canteen = canteens[(k - 1) // WORKSHOPS_PER_CANTEEN]
                lunch = LUNCH_FIRST + LUNCH_GAP * ((k - 1) % WORKSHOPS_PER_CANTEEN)
                self._workshop(ent, ei, site, k, ws_size, gate, canteen, lunch, ow, pw,
                               lat, lon)
        self._buses(ei, ent, pw)

    def _workshop(self, ent: Enterprise, ei: int, site: str, k: int, size: int, gate: str,
                  canteen: str, lunch: int, ow, pw, lat: str, lon: str) -> None:
        ws = f"{site}-W{k}"
        ow.writerow([ws, ent.code, site, "workshop", f"Phân xưởng {k}"])
        place, rest = f"{site}-PX{k}", f"{site}-PX{k}-NGHI"
        pw.writerow([place, "workshop", f"Xưởng sản xuất {k}", ent.code, "", lat, lon,
                     "", "30" if self.rng.random() < 0.1 else "", size])
        pw.writerow([rest, "rest_area", f"Khu nghỉ giữa ca xưởng {k}", ent.code, "", lat, lon,
                     "", "", max(10, size // 10)])
        self.summary.org_units += 1
        self.summary.places += 2
        for t, team_size in enumerate(self._team_sizes(size), 1):
            code = f"{ws}-T{t:02d}"
            ow.writerow([code, ent.code, ws, "team", f"Tổ sản xuất {k}.{t:02d}"])
            self.summary.org_units += 1
            ent.teams.append(len(self.teams))
            self.teams.append(Team(code, ei, place, rest, gate, canteen, 15 * (t % 3), lunch))
            for _ in range(team_size):
                self.workers.append(Worker("", ei, len(self.teams) - 1))

    def _team_sizes(self, size: int) -> list[int]:
        """Teams of 15-40 (a smaller workshop is one team)."""
        sizes: list[int] = []
        left = size
        while left >= 55:
            take = 15 + int(self.rng.random() * 26)
            sizes.append(take)
            left -= take
        if left > 40:
            sizes.extend(_split(left, 2))
        elif left:
            sizes.append(left)
        return sizes

    def _buses(self, ei: int, ent: Enterprise, pw) -> None:
        if ent.size < 150:
            return
        for _ in range(max(1, int(ent.size * 0.3) // BUS_RIDERS)):
            digits = f"{int(self.rng.random() * 100000):05d}"
            plate = f"98B-{digits[:3]}.{digits[3:]}"
            code = f"BUS-98B{digits}"
            if code in self.bus_codes:  # plates are unique province-wide
                continue
            self.bus_codes.add(code)
            pw.writerow([code, "bus", f"Xe đưa đón {ent.code} {plate}", ent.code, "",
                         "", "", "", "", 45])
            ent.buses.append(code)
            self.summary.places += 1
            self.extras["buses"].append({
                "place_code": code, "plate": plate,
                "driver_name": self.name("M"), "driver_phone": self.phone()})

    def _rooms_and_venues(self, pw) -> None:
        """Boarding houses near the zones: about 55% of workers rent a room (2-6 each)."""
        # Boarding houses fill with people who work near each other: order the
        # renters by position in the org tree, jittered over ~1,000 workers.
        rnd = self.rng.random
        renters = [i for i in range(len(self.workers)) if rnd() < 0.55]
        renters.sort(key=lambda i: i + rnd() * 1000)
        districts = dict(vocab.DISTRICTS)
        i, bh, rooms = 0, 0, []
        while i < len(renters):
            bh += 1
            owner = self.name(self.pick(["M", "F"]))
            district = self.pick([z[2] for z in self.zones])
            address = self.address(districts[district])
            bh_code = f"NT{bh:05d}"
            bh_rooms = []
            for r in range(1, 4 + int(self.rng.random() * 16)):
                if i >= len(renters):
                    break
                code = f"{bh_code}-P{r:02d}"
                pw.writerow([code, "room", f"Phòng {r:02d}, nhà trọ {owner}", "",
                             f"Nhà trọ {owner}, {address}", "", "", "", "", 6])
                bh_rooms.append(code)
                take = 2 + int(self.rng.random() * 5)
                for wi in renters[i:i + take]:
                    self.workers[wi].room = code
                i += take
            rooms.extend(bh_rooms)
            self.summary.places += len(bh_rooms)
            self.extras["boarding_houses"].append({
                "code": bh_code, "name": f"Nhà trọ {owner}", "address": address,
                "district": district, "owner_name": owner, "owner_phone": self.phone(),
                "rooms": bh_rooms})
        self.rooms = rooms
        for v in range(max(4, self.n // 400)):  # markets, clinics, shops: ~400 people each
            kind_name = self.pick(["Chợ", "Phòng khám", "Siêu thị", "Chợ"])
            code = f"VENUE-{v + 1:04d}"
            pw.writerow([code, "venue", f"{kind_name} {self.pick(vocab.COMMUNES)}", "",
                         self.address(self.pick(vocab.DISTRICTS)[1]), "", "", "", "", ""])
            self.venues.append(code)
            self.summary.places += 1

    # ---- people and memberships -----------------------------------------------
    def write_people(self) -> None:
        fh, w = self.writer("people.csv", ["person_id", "full_name", "date_of_birth", "sex",
                                           "phone", "hometown", "enterprise_code",
                                           "org_unit_code"])
        used: set[str] = set()
        provinces = [(p, c) for p, c, _ in vocab.PROVINCES]
        weights = [wt for _, _, wt in vocab.PROVINCES]
        with fh:
            for i, wk in enumerate(self.workers):
                sex = "F" if self.rng.random() < 0.62 else "M"
                dob = date(1972, 1, 1) + timedelta(days=int(self.rng.random() * 32 * 365))
                province, pcode = self.rng.choices(provinces, weights)[0]
                wk.pid = self._person_id(i, pcode, sex, dob, used)
                self._moves(wk)
                team = self.teams[wk.team_to if wk.team_to >= 0 else wk.team]
                w.writerow([wk.pid, self.name(sex), dob.isoformat(), sex,
                            self.phone() if self.rng.random() < 0.95 else "",
                            f"{self.pick(vocab.VILLAGES)}, {province}",
                            self.ents[wk.enterprise].code, team.code])
        self.summary.people = len(self.workers)

    def _person_id(self, i: int, pcode: str, sex: str, dob: date, used: set[str]) -> str:
        if self.rng.random() < 0.002:  # foreign experts: passport numbers
            return f"PP-{i:07d}"
        century = 0 if dob.year < 2000 else 2
        digit = century + (0 if sex == "M" else 1)
        while True:
            pid = f"{pcode}{digit}{dob.year % 100:02d}{int(self.rng.random() * 1e6):06d}"
            if pid not in used:
                used.add(pid)
                return pid

    def _moves(self, wk: Worker) -> None:
        """Team transfers (2%), bus riding (30% of big employers), room moves (3%)."""
        ent = self.ents[wk.enterprise]
        if self.days > 1 and len(ent.teams) > 1 and self.rng.random() < 0.02:
            wk.team_to = self.pick([t for t in ent.teams[:50] if t != wk.team] or [wk.team])
            wk.team_day = 1 + int(self.rng.random() * (self.days - 1))
        if ent.buses and self.rng.random() < 0.3:
            # a route serves the neighbourhood where a few teams live; some ride elsewhere
            if self.rng.random() < 0.95:
                rank = wk.team - ent.teams[0]  # an enterprise's teams are consecutive
                wk.bus = ent.buses[rank * len(ent.buses) // len(ent.teams)]
            else:
                wk.bus = self.pick(ent.buses)
        if wk.room and self.days > 1 and self.rng.random() < 0.03:
            wk.room_to = self.pick(self.rooms)
            if wk.room_to != wk.room:
                wk.room_day = 1 + int(self.rng.random() * (self.days - 1))
            else:
                wk.room_to = ""

    def write_memberships(self) -> None:
        fh, w = self.writer("memberships.csv", ["person_id", "group_kind", "group_code",
                                                "valid_from", "valid_to"])
        with fh:
            household = 0
            single: str | None = None
            for wk in self.workers:
                since = (self.start - timedelta(days=30 + int(self.rng.random() * 1500)))
                self._split_rows(w, wk.pid, "team", self.teams[wk.team].code,
                                 self.teams[wk.team_to].code if wk.team_to >= 0 else "",
                                 wk.team_day, since)
                if wk.room:
                    moved_in = since + timedelta(days=int(self.rng.random() * 20))
                    self._split_rows(w, wk.pid, "room", wk.room, wk.room_to, wk.room_day,
                                     moved_in)
                if wk.bus:
                    w.writerow([wk.pid, "bus_route", wk.bus, (since + timedelta(days=7))
                                .isoformat(), ""])
                    self.summary.memberships += 1
                elif not wk.room and self.rng.random() < 0.3:  # couples living at home
                    if single is None:
                        household += 1
                        single = f"HK-{household:06d}"
                        code = single
                    else:
                        code, single = single, None
                    w.writerow([wk.pid, "household", code, "2015-01-01", ""])
                    self.summary.memberships += 1

    def _split_rows(self, w, pid: str, kind: str, old: str, new: str, move_day: int,
                    since: date) -> None:
        if new and move_day >= 0:
            moved = self.start + timedelta(days=move_day)
            w.writerow([pid, kind, old, since.isoformat(),
                        (moved - timedelta(days=1)).isoformat()])
            w.writerow([pid, kind, new, moved.isoformat(), ""])
            self.summary.memberships += 2
        else:
            w.writerow([pid, kind, old, since.isoformat(), ""])
            self.summary.memberships += 1

    # ---- presence ------------------------------------------------------------
    def write_presence(self) -> None:
        dates = [(self.start + timedelta(days=d)).isoformat() for d in range(self.days + 2)]
        with open(self.out / "presence.csv", "w", encoding="utf-8", newline="") as fh:
            fh.write("person_id,place_code,start,end,source\n")
            for d in range(self.days):
                weekday = (self.start + timedelta(days=d)).weekday()
                for lo in range(0, len(self.workers), 10_000):  # bounded buffer
                    rows: list[str] = []
                    for wk in self.workers[lo:lo + 10_000]:
                        self._worker_day(rows, wk, d, weekday, dates)
                    fh.write("".join(rows))
                    self.summary.presence += len(rows)
                self.progress(f"presence: day {d + 1}/{self.days}, {self.summary.presence:,} rows")

    def _worker_day(self, rows: list[str], wk: Worker, d: int, weekday: int,
                    dates: list[str]) -> None:
        rnd = self.rng.random
        pid = wk.pid
        ent = self.ents[wk.enterprise]
        works = weekday < 5 or (weekday == 5 and ent.saturday) or (weekday == 6 and ent.sunday)
        if works and rnd() > 0.03:
            team = self.teams[wk.team_to if 0 <= wk.team_day <= d else wk.team]
            s = ent.shift + team.stagger
            if wk.bus:
                b = s - 50 + int(rnd() * 10)
                rows.append(f"{pid},{wk.bus},{_ts(dates, d, b)},{_ts(dates, d, b + 35)},qr_self\n")
            g = s - 12 + int(rnd() * 10)
            src = "qr_guard" if rnd() < 0.5 else "qr_self"
            rows.append(f"{pid},{team.gate_place},{_ts(dates, d, g)},,{src}\n")
            w_end = s + 540 + int(rnd() * 20)
            rows.append(f"{pid},{team.workshop_place},{_ts(dates, d, s + int(rnd() * 5))},"
                        f"{_ts(dates, d, w_end)},attendance\n")
            c = ent.shift + team.lunch + int(rnd() * 6)
            c_end = _ts(dates, d, c + 25 + int(rnd() * 6)) if rnd() < 0.75 else ""
            rows.append(f"{pid},{team.canteen_place},{_ts(dates, d, c)},{c_end},qr_self\n")
            if rnd() < 0.15:
                r = s + 390 + int(rnd() * 30)
                rows.append(f"{pid},{team.rest_place},{_ts(dates, d, r)},"
                            f"{_ts(dates, d, r + 15 + int(rnd() * 10))},qr_self\n")
            rows.append(f"{pid},{team.gate_place},{_ts(dates, d, w_end + 3)},,{src}\n")
            if wk.bus:
                b = w_end + 8 + int(rnd() * 5)
                rows.append(f"{pid},{wk.bus},{_ts(dates, d, b)},{_ts(dates, d, b + 35)},qr_self\n")
        elif rnd() < 0.1 and self.venues:
            v = 480 + int(rnd() * 240)
            rows.append(f"{pid},{self.pick(self.venues)},{_ts(dates, d, v)},"
                        f"{_ts(dates, d, v + 30 + int(rnd() * 60))},qr_self\n")
        room = wk.room_to if 0 <= wk.room_day <= d else wk.room
        if room:
            r = 1260 + int(rnd() * 150)
            src = "qr_self" if rnd() < 0.5 else ""
            rows.append(f"{pid},{room},{_ts(dates, d, r)},{_ts(dates, d, 1440 + 330 + int(rnd() * 60))},"
                        f"{src}\n")

    def write_extras(self) -> None:
        with open(self.out / "demo_extras.json", "w", encoding="utf-8") as fh:
            json.dump(self.extras, fh, ensure_ascii=False, indent=1, sort_keys=True)


def _ts(dates: list[str], d: int, minute: int) -> str:
    """Local instant `minute` minutes after midnight of day `d`, with the +07:00 offset."""
    d += minute // 1440
    return f"{dates[d]}T{HM[minute % 1440]}:00{OFFSET}"


def _split(total: int, parts: int) -> list[int]:
    """`total` split in `parts` near-equal positive parts (fewer if total is small)."""
    parts = max(1, min(parts, total))
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def default_start(days: int) -> date:
    """The window that ends yesterday (local time)."""
    return datetime.now(LOCAL_TZ).date() - timedelta(days=days)


def generate_dataset(out_dir: str | Path, *, people: int, days: int, seed: int = 1,
                     start: date | None = None, enterprises: int | None = None,
                     progress: Progress | None = None) -> GenerateSummary:
    """Write a synthetic province to `out_dir` (created if needed) and return counts."""
    if people < 1 or days < 1:
        raise ValueError("people and days must be at least 1")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    prov = _Province(out, people, days, seed, start or default_start(days), enterprises,
                     progress)
    prov.write_enterprises()
    prov.write_org_and_places()
    prov.write_people()
    prov.write_memberships()
    prov.write_extras()
    prov.write_presence()
    return prov.summary


def generate_demo(out_dir: str | Path, seed: int = 2021,
                  progress: Progress | None = None) -> GenerateSummary:
    """The demo province: 25,000 people, 30 enterprises, 14 days ending yesterday."""
    return generate_dataset(out_dir, people=25_000, days=14, seed=seed, enterprises=30,
                            progress=progress)

"""The synthetic province: deterministic, realistic enough, importable, with extras."""

from __future__ import annotations

import csv
import filecmp
from datetime import date

import pytest

from truyvet.datasets.extras import apply_demo_extras
from truyvet.datasets.generator import generate_dataset
from truyvet.datasets.importer import import_dataset
from truyvet.places.models import BoardingHouse, Place
from truyvet.registry.models import AdminUnit, Zone
from truyvet.registry.validation import cccd_problem, normalise_phone


def rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_same_seed_same_files(tmp_path):
    a = generate_dataset(tmp_path / "a", people=120, days=4, seed=3, start=date(2021, 6, 1))
    generate_dataset(tmp_path / "b", people=120, days=4, seed=3, start=date(2021, 6, 1))
    generate_dataset(tmp_path / "c", people=120, days=4, seed=4, start=date(2021, 6, 1))
    names = [p.name for p in (tmp_path / "a").iterdir()]
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)
    assert not mismatch and not errors
    assert (tmp_path / "a" / "people.csv").read_bytes() != (tmp_path / "c" / "people.csv").read_bytes()
    assert a.people == 120


def test_people_look_real(small_province):
    people = rows(small_province / "people.csv")
    ids = [p["person_id"] for p in people]
    assert len(set(ids)) == len(ids)
    for p in people:
        if len(p["person_id"]) == 12:
            dob = date.fromisoformat(p["date_of_birth"])
            assert cccd_problem(p["person_id"], dob, p["sex"]) is None, p
        assert len(p["full_name"].split()) >= 3
        assert not p["phone"] or normalise_phone(p["phone"]) == p["phone"]


def test_presence_volume_and_kinds(small_province):
    presence = rows(small_province / "presence.csv")
    per_worker_day = len(presence) / (60 * 3)
    assert 3.5 <= per_worker_day <= 6.5
    kinds = {p["code"]: p["kind"] for p in rows(small_province / "places.csv")}
    seen = {kinds[r["place_code"]] for r in presence}
    assert {"gate", "workshop", "canteen", "room"} <= seen
    assert any(r["end"] == "" and kinds[r["place_code"]] == "canteen" for r in presence)
    assert all(r["start"].endswith("+07:00") for r in presence)


def test_memberships_cover_every_group_kind(tmp_path):
    folder = tmp_path / "p"
    generate_dataset(folder, people=400, days=10, seed=2, start=date(2021, 6, 1))
    members = rows(folder / "memberships.csv")
    assert {m["group_kind"] for m in members} == {"team", "room", "bus_route", "household"}
    closed = [m for m in members if m["valid_to"]]
    assert closed and all(m["valid_to"] >= m["valid_from"] for m in closed)


@pytest.mark.django_db(transaction=True)
def test_generated_province_imports_and_extras_apply(small_province):
    import_dataset(small_province)
    applied = apply_demo_extras(small_province)
    assert applied["boarding_houses"] == BoardingHouse.objects.count() > 0
    room = Place.objects.filter(kind="room").first()
    assert room.boarding_house is not None
    bus = Place.objects.filter(kind="bus").first()
    if bus is not None:
        assert bus.vehicle_plate.startswith("98B-") and bus.vehicle_plate in bus.name
        assert bus.driver_name and bus.driver_phone
    zone = Zone.objects.filter(code="KCN-QC").first()
    if zone is not None:
        assert zone.name == "KCN Quang Châu"
    district = AdminUnit.objects.get(code="BG-222")
    assert district.name == "Việt Yên" and district.parent.name == "Bắc Giang"
    apply_demo_extras(small_province)  # idempotent
    assert BoardingHouse.objects.count() == applied["boarding_houses"]

"""`apply_demo_extras`: the facts the dataset format has no column for.

The generator writes boarding houses (owner, address, rooms) and bus details
(plate, driver) to `demo_extras.json` beside the CSV files. The importer
ignores that file; the demo calls this after importing, so the boarding-house
and trip views have something to show.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import connection, transaction

from truyvet.places.models import BoardingHouse

EXTRAS_FILE = "demo_extras.json"


def apply_demo_extras(folder: str | Path) -> dict[str, int]:
    """Create/update boarding houses and link rooms; fill bus plates and drivers."""
    path = Path(folder) / EXTRAS_FILE
    if not path.is_file():
        return {"boarding_houses": 0, "buses": 0}
    data = json.loads(path.read_text(encoding="utf-8"))
    houses = data.get("boarding_houses", [])
    buses = data.get("buses", [])
    with transaction.atomic():
        _names_of_units()
        _boarding_houses(houses)
        _link_rooms(houses)
        _buses(buses)
    return {"boarding_houses": len(houses), "buses": len(buses)}


def _names_of_units() -> None:
    """The dataset carries only zone and district codes: give them their real
    names and hang the districts under the province, so pages read naturally."""
    from truyvet.datasets import vocab
    from truyvet.registry.models import AdminUnit, Zone

    province, _created = AdminUnit.objects.update_or_create(
        code="BG", defaults={"name": "Bắc Giang", "level": AdminUnit.Level.PROVINCE})
    for code, name in vocab.DISTRICTS:
        AdminUnit.objects.filter(code=code).update(name=name, parent=province)
    for code, name, *_rest in vocab.ZONES:
        Zone.objects.filter(code=code).update(name=name)


def _boarding_houses(houses: list[dict]) -> None:
    from truyvet.registry.models import AdminUnit

    districts = dict(AdminUnit.objects.filter(code__in={h.get("district") for h in houses})
                     .values_list("code", "id"))
    BoardingHouse.objects.bulk_create(
        [BoardingHouse(code=h["code"], name=h["name"], address=h.get("address", ""),
                       district_id=districts.get(h.get("district")),
                       owner_name=h.get("owner_name", ""), owner_phone=h.get("owner_phone", ""))
         for h in houses],
        update_conflicts=True, unique_fields=["code"],
        update_fields=["name", "address", "district", "owner_name", "owner_phone"],
        batch_size=2000)


def _link_rooms(houses: list[dict]) -> None:
    rooms = [(room, h["code"]) for h in houses for room in h.get("rooms", [])]
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE places_place p SET boarding_house_id = b.id "
            "FROM unnest(%s::text[], %s::text[]) AS u(room, house) "
            "JOIN places_boardinghouse b ON b.code = u.house "
            "WHERE p.code = u.room AND p.boarding_house_id IS DISTINCT FROM b.id",
            [[r for r, _ in rooms], [h for _, h in rooms]])


def _buses(buses: list[dict]) -> None:
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE places_place p SET vehicle_plate = u.plate, driver_name = u.driver, "
            "driver_phone = u.phone "
            "FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[]) "
            "AS u(code, plate, driver, phone) WHERE p.code = u.code",
            [[b["place_code"] for b in buses], [b.get("plate", "") for b in buses],
             [b.get("driver_name", "") for b in buses], [b.get("driver_phone", "") for b in buses]])

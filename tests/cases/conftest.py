"""An outbreak on top of the personas' tiny province (tests/conftest.py).

F0 is w1 (enterprise e1). Within F0's window [2026-06-08 00:00, 2026-06-12 09:30):
- w2 rode bus 98B-123.45 with w1 on 08/06 07:05-07:40 -> F1 (place, bus);
- z1 is in w1's production team (membership DN1-T) -> F1 (team);
- x1 (enterprise e2) ate in canteen DN2-CT with w2 on 09/06 -> F2 (outside e1).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.tracing.helpers import member, stay
from truyvet.places.models import Place
from truyvet.registry.models import Person

ONSET = "2026-06-10"
AS_OF = "2026-06-12T09:30:00+07:00"


@dataclass
class Outbreak:
    world: object
    bus: Place
    z1: Person

    def raw(self, **extra) -> dict:
        return {"person_id": self.world.w1.national_id, "onset": ONSET, "as_of": AS_OF, **extra}


@pytest.fixture
def outbreak(world) -> Outbreak:
    w = world
    bus = Place.objects.create(code="BUS-98B-12345", kind="bus", name="Xe số 1",
                               vehicle_plate="98B-123.45", enterprise=w.e1)
    z1 = Person.objects.create(national_id="024195000009", full_name="Đỗ Thị Zung",
                               enterprise=w.e1, org_unit=w.team1, phone="0912345609")
    member(z1, "team", "DN1-T", "2026-01-01")
    stay(w.w1, bus, "2026-06-08 07:05", "2026-06-08 07:40")
    stay(w.w2, bus, "2026-06-08 07:00", "2026-06-08 07:45")
    stay(w.w2, w.canteen2, "2026-06-09 12:00", "2026-06-09 12:30")
    stay(w.x1, w.canteen2, "2026-06-09 12:05", "2026-06-09 12:40")
    return Outbreak(w, bus, z1)

"""Importing valid folders: what is written, idempotency, references, optional files."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from tests.datasets.conftest import write
from tests.datasets.helpers import counts, snapshot
from truyvet.datasets.importer import import_dataset
from truyvet.places.models import Membership, Place, Presence
from truyvet.registry.models import AdminUnit, Employment, Enterprise, OrgUnit, Person, Zone

pytestmark = pytest.mark.django_db(transaction=True)


def test_base_folder_is_imported_with_links(base_folder):
    summary = import_dataset(base_folder)
    assert summary.rows["presence.csv"] == 3
    lan = Person.objects.get(national_id="024301000001")
    assert lan.full_name == "Nguyễn Thị Lan" and lan.sex == "F" and lan.phone == "0912345678"
    assert lan.enterprise.code == "E1" and lan.org_unit.code == "E1-T1"
    assert OrgUnit.objects.get(code="E1-T1").parent.code == "E1-S"
    ent = Enterprise.objects.get(code="E1")
    assert ent.zone == Zone.objects.get(code="KCN-QC")
    assert ent.district == AdminUnit.objects.get(code="BG-222", level="district")
    team = Membership.objects.get(person=lan, group_kind="team")
    assert team.org_unit.code == "E1-T1" and team.place is None
    room = Membership.objects.get(person=lan, group_kind="room")
    assert room.place.code == "R1" and str(room.valid_to) == "2021-06-07"
    assert Place.objects.get(code="B1").dwell_minutes == 30
    work = Presence.objects.get(person=lan)
    assert work.start == datetime(2021, 6, 8, 0, 0, tzinfo=UTC)
    assert work.source == 3  # attendance
    open_end = Presence.objects.get(person__national_id="024201000002", place__code="W1")
    assert open_end.end is None and open_end.source == 1


def test_end_equal_to_start_is_accepted(base_folder):
    import_dataset(base_folder)
    gate = Presence.objects.get(place__code="G1")
    assert gate.end == gate.start
    assert gate.source == 0  # empty source means import


def test_importing_twice_changes_nothing(small_province):
    import_dataset(small_province)
    before = snapshot()
    second = import_dataset(small_province)
    assert snapshot() == before
    assert all(n == 0 for n in second.written.values())


def test_reimport_applies_changed_values(base_folder):
    import_dataset(base_folder)
    people = (base_folder / "people.csv").read_text().replace("Trần Văn Nam", "Trần Văn Nam B")
    (base_folder / "people.csv").write_text(people)
    presence = (base_folder / "presence.csv").read_text().replace(
        "2021-06-08T15:00:00+07:00,attendance", "2021-06-08T16:00:00+07:00,api")
    (base_folder / "presence.csv").write_text(presence)
    before = counts()
    import_dataset(base_folder)
    assert counts() == before
    assert Person.objects.get(national_id="024201000002").full_name == "Trần Văn Nam B"
    work = Presence.objects.get(person__national_id="024301000001")
    assert work.end == datetime(2021, 6, 8, 9, 0, tzinfo=UTC) and work.source == 4


def test_references_resolve_from_the_database(base_folder, tmp_path):
    import_dataset(base_folder)
    later = tmp_path / "later"
    write(later, "people.csv", """
        person_id,full_name,enterprise_code,org_unit_code
        NEW-1,Lê Văn Mới,E2,E2-S
    """)
    write(later, "presence.csv", """
        person_id,place_code,start
        NEW-1,W1,2021-06-09T07:00:00+07:00
        024301000001,R1,2021-06-09T22:00:00+07:00
    """)
    write(later, "memberships.csv", """
        person_id,group_kind,group_code,valid_from
        NEW-1,team,E1-T1,2021-06-09
        NEW-1,bus_route,B1,2021-06-09
    """)
    import_dataset(later)
    assert Presence.objects.filter(person__national_id="NEW-1", place__code="W1").exists()
    assert Membership.objects.get(person__national_id="NEW-1", group_kind="bus_route").place.code == "B1"
    assert Person.objects.count() == 4


def test_only_people_csv_is_enough(tmp_path):
    write(tmp_path, "people.csv", "person_id,full_name\nP1,Một\nP2,Hai")
    summary = import_dataset(tmp_path)
    assert Person.objects.count() == 2
    assert set(summary.rows) == {"people.csv"}
    assert Presence.objects.count() == 0


def test_extra_columns_and_any_column_order(base_folder, tmp_path):
    shuffled = tmp_path / "shuffled"
    shutil.copytree(base_folder, shuffled)
    write(shuffled, "presence.csv", """
        note,source,end,start,place_code,person_id
        hello,attendance,2021-06-08T15:00:00+07:00,2021-06-08T07:00:00+07:00,W1,024301000001
    """)
    write(shuffled, "people.csv", """
        Org_Unit_Code , enterprise_code,Person_ID,comment,full_name
        E1-T1,E1,024301000001,x,Nguyễn Thị Lan
        ,,024201000002,,Trần Văn Nam
        ,,X-1,,Ngô Văn X
    """)
    import_dataset(shuffled)
    work = Presence.objects.get(person__national_id="024301000001")
    assert work.end == datetime(2021, 6, 8, 8, 0, tzinfo=UTC) and work.source == 3
    assert Person.objects.get(national_id="024301000001").org_unit.code == "E1-T1"


def test_quoted_fields_with_commas_and_newlines(tmp_path):
    (tmp_path / "people.csv").write_text(
        'person_id,full_name,hometown\nP1,"Lê, Văn","Thôn 1\nBắc Giang"\nP2,Hai,\n',
        encoding="utf-8")
    import_dataset(tmp_path)
    assert Person.objects.get(national_id="P1").hometown == "Thôn 1\nBắc Giang"


def test_employment_history_follows_enterprise_changes(base_folder):
    import_dataset(base_folder)
    lan = Person.objects.get(national_id="024301000001")
    assert list(Employment.objects.filter(person=lan).values_list("enterprise__code", "valid_to")) \
        == [("E1", None)]
    people = (base_folder / "people.csv").read_text().replace(
        "Bắc Giang,E1,E1-T1", "Bắc Giang,E2,E2-S")
    (base_folder / "people.csv").write_text(people)
    import_dataset(base_folder)
    import_dataset(base_folder)  # idempotent: no extra rows
    rows = list(Employment.objects.filter(person=lan).order_by("enterprise__code")
                .values_list("enterprise__code", "org_unit__code", "valid_to"))
    assert [r[0] for r in rows] == ["E1", "E2"]
    assert rows[0][2] is not None and rows[1][2] is None and rows[1][1] == "E2-S"
    lan.refresh_from_db()
    assert lan.enterprise.code == "E2"


def test_presence_into_an_existing_week_is_upserted(base_folder, tmp_path):
    import_dataset(base_folder)
    more = tmp_path / "more"
    write(more, "people.csv", "person_id,full_name\n024201000002,Trần Văn Nam")
    write(more, "presence.csv", """
        person_id,place_code,start,end
        024201000002,W1,2021-06-08T07:10:00+07:00,2021-06-08T08:10:00+07:00
        024201000002,G1,2021-06-08T16:00:00+07:00,
    """)
    import_dataset(more)
    assert Presence.objects.filter(person__national_id="024201000002").count() == 3
    updated = Presence.objects.get(person__national_id="024201000002", place__code="W1")
    assert updated.end == datetime(2021, 6, 8, 1, 10, tzinfo=UTC)


def test_new_week_partitions_are_real_partitions(base_folder):
    from django.db import connection

    import_dataset(base_folder)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE i.inhparent = 'places_presence_pkey'::regclass "
                    "AND c.relname = 'places_presence_2021w23_pkey'")
        assert cur.fetchone()[0] == 1
        cur.execute("SELECT count(*) FROM places_presence_2021w23")
        assert cur.fetchone()[0] == 3
    assert timezone.is_aware(Presence.objects.first().start)


def test_long_stay_in_a_new_week_reaches_tracing(tmp_path):
    """Rows attached as a new partition bypass the span triggers: the import must
    still record the long stay, or the trace misses a contact that started early."""
    from django.db import connection

    from tests.tracing.helpers import levels, trace

    with connection.cursor() as cur:  # a week no other test uses, and no partition yet
        cur.execute("DROP TABLE IF EXISTS places_presence_2019w11")
    write(tmp_path, "places.csv", "code,kind,name\nW,workshop,Xưởng")
    write(tmp_path, "people.csv", "person_id,full_name\nA,Một\nB,Hai")
    write(tmp_path, "presence.csv", """
        person_id,place_code,start,end
        B,W,2019-03-12T00:00:00+07:00,2019-03-12T20:00:00+07:00
        A,W,2019-03-12T15:00:00+07:00,2019-03-12T16:00:00+07:00
    """)
    import_dataset(tmp_path)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM places_presence_2019w11")
        assert cur.fetchone()[0] == 2
        cur.execute("SELECT s.max_span FROM tracing_placespan s "
                    "JOIN places_place p ON p.id = s.place_id WHERE p.code = 'W'")
        assert cur.fetchone()[0].total_seconds() == 20 * 3600
    doc = trace("A", "2019-03-13", "2019-03-14T00:00:00+07:00")
    assert levels(doc) == {"B": 1}

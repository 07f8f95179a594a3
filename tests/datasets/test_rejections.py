"""Invalid folders: every problem listed as file:line: column: reason, nothing written."""

from __future__ import annotations

import pytest

from tests.datasets.conftest import write
from tests.datasets.helpers import counts, rejection
from truyvet.datasets.importer import import_dataset

pytestmark = pytest.mark.django_db(transaction=True)

EMPTY = None


@pytest.fixture(autouse=True)
def _nothing_written():
    """Every test here ends with an empty database: a rejected import writes nothing."""
    yield
    assert all(n == 0 for n in counts().values()), counts()


def has(problems: list[str], prefix: str) -> bool:
    return any(p.startswith(prefix) for p in problems)


def test_every_kind_of_bad_value_is_listed(tmp_path):
    write(tmp_path, "enterprises.csv", """
        code,name,zone
        E1,,
        E1,Dup,
    """)
    write(tmp_path, "org_units.csv", """
        code,enterprise_code,parent_code,kind,name
        U1,E1,,factory,Unit
        U2,NOPE,,site,Unit
    """)
    write(tmp_path, "places.csv", """
        code,kind,name,latitude,longitude,dwell_minutes,min_overlap_minutes,capacity
        P1,castle,Place,91,0,,,
        P2,room,Place,abc,-181,-5,1.5,x
    """)
    write(tmp_path, "people.csv", """
        person_id,full_name,date_of_birth,sex
        ok-1,Một,2021-02-30,X
        bad id!,Hai,01/02/2000,
        ,Ba,,
    """)
    write(tmp_path, "memberships.csv", """
        person_id,group_kind,group_code,valid_from,valid_to
        ok-1,club,C1,2021-01-01,
        ok-1,household,H1,2021-02-01,2021-01-31
        ok-1,household,H2,2021-13-01,
    """)
    problems = rejection(tmp_path)
    expected = [
        "enterprises.csv:2: name:", "enterprises.csv:3: code:",
        "org_units.csv:2: kind:", "org_units.csv:3: enterprise_code:",
        "places.csv:2: kind:", "places.csv:2: latitude:", "places.csv:3: latitude:",
        "places.csv:3: longitude:", "places.csv:3: dwell_minutes:",
        "places.csv:3: min_overlap_minutes:", "places.csv:3: capacity:",
        "people.csv:2: date_of_birth:", "people.csv:2: sex:", "people.csv:3: person_id:",
        "people.csv:3: date_of_birth:", "people.csv:4: person_id:",
        "memberships.csv:2: group_kind:", "memberships.csv:3: valid_to:",
        "memberships.csv:4: valid_from:",
    ]
    missing = [e for e in expected if not has(problems, e)]
    assert not missing, (missing, problems)


def test_duplicate_keys_name_both_lines(tmp_path):
    write(tmp_path, "people.csv", "person_id,full_name\nA,1\nB,2\nA,3")
    write(tmp_path, "presence.csv", """
        person_id,place_code,start
        A,G,2021-06-08T07:00:00+07:00
        B,G,2021-06-08T07:00:00+07:00
        A,G,2021-06-08T00:00:00Z
    """)
    write(tmp_path, "places.csv", "code,kind,name\nG,gate,Gate")
    problems = rejection(tmp_path)
    assert "people.csv:4: person_id: duplicate key: the same key is on line 2" in problems
    assert has(problems, "presence.csv:4: person_id, place_code, start: duplicate key") \
        and "line 2" in [p for p in problems if p.startswith("presence.csv:4")][0]


def test_unknown_references(tmp_path):
    write(tmp_path, "people.csv", """
        person_id,full_name,enterprise_code,org_unit_code
        A,Một,NOENT,NOUNIT
    """)
    write(tmp_path, "places.csv", "code,kind,name,enterprise_code\nG,gate,Gate,NOENT\nW,workshop,W,")
    write(tmp_path, "memberships.csv", """
        person_id,group_kind,group_code,valid_from
        GHOST,household,H,2021-01-01
        A,team,NOUNIT,2021-01-01
        A,room,W,2021-01-01
        A,bus_route,G,2021-01-01
    """)
    write(tmp_path, "presence.csv", """
        person_id,place_code,start
        GHOST,G,2021-06-08T07:00:00+07:00
        A,NOPLACE,2021-06-08T07:00:00+07:00
    """)
    problems = rejection(tmp_path)
    for prefix in ["people.csv:2: enterprise_code: unknown enterprise NOENT",
                   "people.csv:2: org_unit_code: unknown org unit NOUNIT",
                   "places.csv:2: enterprise_code: unknown enterprise",
                   "memberships.csv:2: person_id: unknown person GHOST",
                   "memberships.csv:3: group_code: unknown org unit",
                   "memberships.csv:4: group_code: W is not a place of kind room",
                   "memberships.csv:5: group_code: G is not a place of kind bus",
                   "presence.csv:2: person_id: unknown person GHOST",
                   "presence.csv:3: place_code: unknown place NOPLACE"]:
        assert has(problems, prefix), (prefix, problems)


def test_presence_instants(tmp_path):
    write(tmp_path, "people.csv", "person_id,full_name\nA,Một")
    write(tmp_path, "places.csv", "code,kind,name\nG,gate,Gate")
    write(tmp_path, "presence.csv", """
        person_id,place_code,start,end,source
        A,G,2021-06-08T07:00:00,,
        A,G,2021-06-08T08:00:00+07:00,2021-06-08T07:59:59+07:00,
        A,G,08/06/2021 09:00+07:00,,
        A,G,2021-06-08T10:00:00+07:00,2021-06-08,
        A,G,2021-06-08T11:00:00+07:00,,paper
        A,G,,,
    """)
    problems = rejection(tmp_path)
    assert has(problems, "presence.csv:2: start: 2021-06-08T07:00:00 has no UTC offset")
    assert has(problems, "presence.csv:3: end: end 2021-06-08T07:59:59+07:00 is before start")
    assert has(problems, "presence.csv:4: start: 08/06/2021 09:00+07:00 is not an ISO 8601")
    assert has(problems, "presence.csv:5: end: 2021-06-08 has no UTC offset")
    assert has(problems, "presence.csv:6: source: paper is not one of")
    assert has(problems, "presence.csv:7: start: a value is required")
    assert len(problems) == 6


def test_one_bad_presence_row_rejects_an_otherwise_valid_province(small_province, tmp_path):
    import shutil

    folder = tmp_path / "p"
    shutil.copytree(small_province, folder)
    with open(folder / "presence.csv", "a", encoding="utf-8") as fh:
        fh.write("NOBODY,VENUE-0001,2021-06-08T07:00:00+07:00,,\n")
    lines = sum(1 for _ in open(folder / "presence.csv", encoding="utf-8"))
    problems = rejection(folder)
    assert problems == [f"presence.csv:{lines}: person_id: unknown person NOBODY "
                        "(neither in the folder nor in the database)"]


def test_org_unit_parents(tmp_path):
    write(tmp_path, "enterprises.csv", "code,name\nE1,A\nE2,B")
    write(tmp_path, "org_units.csv", """
        code,enterprise_code,parent_code,kind,name
        A,E1,B,site,A
        B,E1,A,site,B
        C,E2,A,team,C
        D,E1,D,team,D
        F,E1,NOPE,team,F
    """)
    write(tmp_path, "people.csv", "person_id,full_name\nP,P")
    problems = rejection(tmp_path)
    assert has(problems, "org_units.csv:2: parent_code: the chain of parents loops")
    assert has(problems, "org_units.csv:3: parent_code: the chain of parents loops")
    assert has(problems, "org_units.csv:4: parent_code: parent A belongs to another enterprise")
    assert has(problems, "org_units.csv:5: parent_code: an org unit cannot be its own parent")
    assert has(problems, "org_units.csv:6: parent_code: unknown org unit NOPE")


def test_missing_people_csv(tmp_path):
    write(tmp_path, "places.csv", "code,kind,name\nG,gate,Gate")
    assert rejection(tmp_path) == [
        "people.csv: the file is missing; every dataset must have people.csv"]


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "people.csv:1: the file is empty"),
    (b"person_id,name\nA,B\n", "people.csv:1: full_name: required column is missing"),
    (b"person_id,full_name\nA,B,C\nD,E\n", "people.csv:2: expected 2 fields"),
    (b"person_id,full_name\nA,B\nC\n", "people.csv:3: expected 2 fields"),
    (b"person_id,full_name\nA,\"B\nC,D\n", "people.csv:2: malformed CSV"),
    (b"person_id,full_name\nA,B\nC,\xff\xfe\n", "people.csv:3: the file is not valid UTF-8"),
    (b"\xff\xfeperson_id,full_name\n", "people.csv:1: the file is not valid UTF-8"),
])
def test_malformed_files_are_explained(tmp_path, content, expected):
    (tmp_path / "people.csv").write_bytes(content)
    problems = rejection(tmp_path)
    assert any(p.startswith(expected) for p in problems), problems


def test_too_long_values(tmp_path):
    write(tmp_path, "people.csv", "person_id,full_name,phone\n" + "A" * 33 + ",x,"
          + "\nB," + "n" * 201 + ",0" + "9" * 25)
    problems = rejection(tmp_path)
    assert has(problems, "people.csv:2: person_id:")
    assert has(problems, "people.csv:3: full_name: longer than 200 characters")
    assert has(problems, "people.csv:3: phone: longer than 20 characters")


def test_nothing_written_when_only_presence_is_bad(base_folder):
    with open(base_folder / "presence.csv", "a", encoding="utf-8") as fh:
        fh.write("024301000001,W1,2021-06-09T07:00:00+07:00,2021-06-09T06:00:00+07:00,\n")
    problems = rejection(base_folder)
    assert problems == ["presence.csv:5: end: end 2021-06-09T06:00:00+07:00 is before start"]


def test_bom_and_crlf_are_fine(tmp_path):
    (tmp_path / "people.csv").write_bytes(
        "\ufeffperson_id,full_name\r\nA,Một\r\n".encode())
    import_dataset(tmp_path)
    from tests.datasets.helpers import empty_database
    from truyvet.registry.models import Person

    assert Person.objects.get(national_id="A").full_name == "Một"
    empty_database()

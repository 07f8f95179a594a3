"""Presence instants are strict ISO 8601 with an offset, on the fast path and the checked one.

Every odd value is tried alone in an otherwise valid file, so each test also
shows that one bad row rejects the whole file and that nothing is written.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection

from tests.datasets.conftest import write
from tests.datasets.helpers import counts, empty_database, rejection
from truyvet.datasets.importer import import_dataset
from truyvet.places.models import Presence

pytestmark = pytest.mark.django_db(transaction=True)

NOT_ISO = "is not an ISO 8601 instant with an offset"
NO_OFFSET = "has no UTC offset"


def folder_with(tmp_path, start: str, end: str = ""):
    write(tmp_path, "people.csv", "person_id,full_name\nA,Một\nB,Hai")
    write(tmp_path, "places.csv", "code,kind,name\nW,workshop,Xưởng")
    # The csv writer of conftest strips lines; write presence by hand to keep spaces.
    (tmp_path / "presence.csv").write_text(
        "person_id,place_code,start,end\n"
        "B,W,2021-06-08T06:00:00+07:00,2021-06-08T07:00:00+07:00\n"
        f'A,W,"{start}","{end}"\n', encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("value", "reason"), [
    ("2021-06-08T07:00: 0+07:00", NOT_ISO),  # a space in a digit position
    ("2021-06-08T07: 0:00+07:00", NOT_ISO),
    ("2021-06-08T07:00:0!+07:00", NOT_ISO),  # punctuation PostgreSQL would skip
    ("2021-06-08T07:00:00", NO_OFFSET),
    ("2021-06-08T07:00", NO_OFFSET),
    ("2021-06-08", NO_OFFSET),  # a date only
    ("2021-06-08 07:00:00+07:00", NOT_ISO),  # 'T' missing
    ("2021-06-08t07:00:00+07:00", NOT_ISO),
    ("2021-13-08T07:00:00+07:00", NOT_ISO),  # month 13
    ("2021-02-30T07:00:00+07:00", NOT_ISO),
    ("2021-06-08T07:00:00+07:0", NOT_ISO),  # a one-digit offset minute
    ("2021-06-08T07:00:00 +07:00", NOT_ISO),
    ("08/06/2021 07:00:00+07:00", NOT_ISO),
    ("2021-06-08T07:00:00+07:00 ICT", NOT_ISO),
    ("20210608T070000+0700", NOT_ISO),  # ISO basic format: not taken
])
def test_odd_start_is_rejected(tmp_path, value, reason):
    problems = rejection(folder_with(tmp_path, value))
    assert problems == [f"presence.csv:3: start: {value.strip()} {reason}"] or (
        len(problems) == 1 and problems[0].startswith("presence.csv:3: start: ")
        and reason in problems[0]), problems
    assert all(n == 0 for n in counts().values())


def test_odd_end_is_rejected(tmp_path):
    problems = rejection(folder_with(tmp_path, "2021-06-08T07:00:00+07:00",
                                     "2021-06-08T08:00: 0+07:00"))
    assert problems == [f"presence.csv:3: end: 2021-06-08T08:00: 0+07:00 {NOT_ISO}"]


@pytest.mark.parametrize(("value", "utc"), [
    ("2021-06-08T07:00:00+07:00", datetime(2021, 6, 8, 0, 0, tzinfo=UTC)),
    ("2021-06-08T07:00:00+0700", datetime(2021, 6, 8, 0, 0, tzinfo=UTC)),  # ISO, no colon
    ("2021-06-08T07:00:00+07", datetime(2021, 6, 8, 0, 0, tzinfo=UTC)),
    ("2021-06-08T07:00:00-05:30", datetime(2021, 6, 8, 12, 30, tzinfo=UTC)),
    ("2021-06-08T00:00:00Z", datetime(2021, 6, 8, 0, 0, tzinfo=UTC)),
    ("2021-06-08T07:00+07:00", datetime(2021, 6, 8, 0, 0, tzinfo=UTC)),  # no seconds
    ("2021-06-08T07:00:00.25+07:00", datetime(2021, 6, 8, 0, 0, 0, 250000, tzinfo=UTC)),
    (" 2021-06-08T07:00:00+07:00 ", datetime(2021, 6, 8, 0, 0, tzinfo=UTC)),  # padded field
])
def test_iso_instants_are_accepted(tmp_path, value, utc):
    import_dataset(folder_with(tmp_path, value))
    assert Presence.objects.get(person__national_id="A").start == utc
    empty_database()


def test_padded_codes_take_the_checked_path(tmp_path):
    write(tmp_path, "people.csv", "person_id,full_name\nA,Một")
    write(tmp_path, "places.csv", "code,kind,name\nW,workshop,Xưởng")
    (tmp_path / "presence.csv").write_text(
        'person_id,place_code,start\n" A"," W ",2021-06-08T07:00:00+07:00\n', encoding="utf-8")
    messages: list[str] = []
    import_dataset(tmp_path, progress=messages.append)
    assert Presence.objects.filter(person__national_id="A", place__code="W").count() == 1
    assert any("fast path stopped" in m for m in messages)
    empty_database()


def test_valid_file_takes_the_fast_path_and_leaves_no_scratch(small_province):
    with connection.cursor() as cur:  # as a crashed import would leave it
        cur.execute("CREATE TABLE tv_imp_999999999_presence_0 (x int)")
    messages: list[str] = []
    import_dataset(small_province, progress=messages.append)
    assert not any("fast path stopped" in m for m in messages), messages
    assert any("attached" in m for m in messages), messages
    with connection.cursor() as cur:
        cur.execute("SELECT relname FROM pg_class WHERE relname LIKE 'tv\\_imp\\_%'")
        assert cur.fetchall() == []
    empty_database()


def test_rejected_file_leaves_no_scratch(small_province, tmp_path):
    import shutil

    folder = tmp_path / "p"
    shutil.copytree(small_province, folder)
    with open(folder / "presence.csv", "a", encoding="utf-8") as fh:
        fh.write("NOBODY,VENUE-0001,2021-06-08T07:00:00+07:00,,\n")
    rejection(folder)
    with connection.cursor() as cur:
        cur.execute("SELECT relname FROM pg_class WHERE relname LIKE 'tv\\_imp\\_%'")
        assert cur.fetchall() == []
    assert all(n == 0 for n in counts().values())

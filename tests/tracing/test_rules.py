"""Hand-made cases for every boundary in spec/tracing.md."""

from __future__ import annotations

import pytest

from tests.tracing.helpers import exposed, levels, member, person, place, stay, trace
from truyvet.registry.models import Person

pytestmark = pytest.mark.django_db

ONSET = "2021-06-10"  # window starts 2021-06-08 00:00 local (48 h lookback)
AS_OF = "2021-06-12T09:30:00+07:00"


@pytest.fixture
def f0():
    return person("000000000000", "Index Case")


def contact(doc: dict, pid: str) -> dict:
    return next(c for c in doc["contacts"] if c["person_id"] == pid)


# -- place contacts: min overlap -------------------------------------------------

def test_overlap_equal_to_min_counts(f0):
    a, w = person("A"), place("W1")
    stay(f0, w, "2021-06-09 08:00", "2021-06-09 08:15")
    stay(a, w, "2021-06-09 08:00", "2021-06-09 09:00")
    doc = trace(f0.national_id, ONSET, AS_OF)
    assert doc["contacts"] == [{
        "person_id": "A", "level": 1, "exposed_at": "2021-06-09T08:00:00+07:00",
        "via": {"person_id": "000000000000", "context": "place", "code": "W1",
                "start": "2021-06-09T08:00:00+07:00", "end": "2021-06-09T08:15:00+07:00"},
    }]


def test_overlap_one_minute_short_does_not_count(f0):
    a, w = person("A"), place("W1")
    stay(f0, w, "2021-06-09 08:00", "2021-06-09 08:14")
    stay(a, w, "2021-06-09 08:00", "2021-06-09 09:00")
    assert trace(f0.national_id, ONSET, AS_OF)["contacts"] == []


def test_partial_overlap_measured_from_later_start(f0):
    a, w = person("A"), place("W1")
    stay(f0, w, "2021-06-09 08:00", "2021-06-09 09:00")
    stay(a, w, "2021-06-09 08:45", "2021-06-09 12:00")
    b = person("B")
    stay(b, w, "2021-06-09 08:46", "2021-06-09 12:00")
    doc = trace(f0.national_id, ONSET, AS_OF, depth=1)
    assert levels(doc) == {"A": 1}
    assert contact(doc, "A")["via"]["end"] == "2021-06-09T09:00:00+07:00"


def test_zero_length_visits_never_make_contacts(f0):
    a, b = person("A"), person("B")
    w = place("W0", min_overlap=0)
    stay(f0, w, "2021-06-09 08:00", "2021-06-09 08:00")  # zero-length F0 visit
    stay(a, w, "2021-06-09 07:00", "2021-06-09 09:00")
    stay(f0, w, "2021-06-09 10:00", "2021-06-09 12:00")
    stay(b, w, "2021-06-09 11:00", "2021-06-09 11:00")  # zero-length contact visit
    assert trace(f0.national_id, ONSET, AS_OF)["contacts"] == []


def test_min_overlap_zero_override_still_needs_positive_overlap(f0):
    a, b = person("A"), person("B")
    w = place("W0", min_overlap=0)
    stay(f0, w, "2021-06-09 08:00", "2021-06-09 09:00")
    stay(a, w, "2021-06-09 08:59", "2021-06-09 10:00")  # 1 minute: counts
    stay(b, w, "2021-06-09 09:00", "2021-06-09 10:00")  # touches: does not
    doc = trace(f0.national_id, ONSET, AS_OF, depth=1)
    assert exposed(doc) == {"A": "2021-06-09T08:59:00+07:00"}


def test_missing_end_uses_kind_default_dwell(f0):
    a, b, c = person("A"), person("B"), person("C")
    canteen = place("C1", "canteen")  # dwell 30, min overlap 15
    stay(f0, canteen, "2021-06-09 12:00")
    stay(a, canteen, "2021-06-09 12:15")  # [12:15, 12:45): overlap 15
    stay(b, canteen, "2021-06-09 12:16")  # overlap 14
    stay(c, canteen, "2021-06-09 11:45")  # [11:45, 12:15): overlap 15
    doc = trace(f0.national_id, ONSET, AS_OF, depth=1)
    assert exposed(doc) == {"A": "2021-06-09T12:15:00+07:00", "C": "2021-06-09T12:00:00+07:00"}
    assert contact(doc, "A")["via"]["end"] == "2021-06-09T12:30:00+07:00"


def test_missing_end_uses_place_dwell_override(f0):
    a, b = person("A"), person("B")
    canteen = place("C2", "canteen", dwell=20)
    stay(f0, canteen, "2021-06-09 12:00")
    stay(a, canteen, "2021-06-09 12:05")  # overlap [12:05, 12:20) = 15
    stay(b, canteen, "2021-06-09 12:06")
    assert levels(trace(f0.national_id, ONSET, AS_OF, depth=1)) == {"A": 1}


def test_place_min_overlap_override(f0):
    a, b = person("A"), person("B")
    w = place("W30", min_overlap=30)
    stay(f0, w, "2021-06-09 08:00", "2021-06-09 08:30")
    stay(a, w, "2021-06-09 08:00", "2021-06-09 12:00")
    stay(b, w, "2021-06-09 08:01", "2021-06-09 12:00")
    assert levels(trace(f0.national_id, ONSET, AS_OF, depth=1)) == {"A": 1}


def test_bus_kind_min_overlap_is_five_minutes(f0):
    a, b = person("A"), person("B")
    bus = place("BUS-1", "bus")
    stay(f0, bus, "2021-06-09 06:30", "2021-06-09 07:05")
    stay(a, bus, "2021-06-09 07:00", "2021-06-09 07:30")
    stay(b, bus, "2021-06-09 07:01", "2021-06-09 07:30")
    assert levels(trace(f0.national_id, ONSET, AS_OF, depth=1)) == {"A": 1}


def test_gates_never_count(f0):
    a = person("A")
    gate = place("G1", "gate", dwell=600, min_overlap=0)
    stay(f0, gate, "2021-06-09 08:00", "2021-06-09 17:00")
    stay(a, gate, "2021-06-09 08:00", "2021-06-09 17:00")
    stay(f0, gate, "2021-06-09 18:00")
    stay(a, gate, "2021-06-09 18:00")
    assert trace(f0.national_id, ONSET, AS_OF)["contacts"] == []


def test_long_explicit_stay_found_through_span_bound(f0):
    a, w = person("A"), place("R1", "room")
    stay(a, w, "2021-06-01 20:00", "2021-06-09 07:00")  # 11-day stay, far beyond dwell
    stay(f0, w, "2021-06-08 22:00", "2021-06-08 23:00")
    assert exposed(trace(f0.national_id, ONSET, AS_OF)) == {"A": "2021-06-08T22:00:00+07:00"}


# -- windows -----------------------------------------------------------------------

def test_contact_at_window_start_is_clipped_to_it(f0):
    a, w = person("A"), place("W1")
    stay(f0, w, "2021-06-07 20:00", "2021-06-08 01:00")
    stay(a, w, "2021-06-07 20:00", "2021-06-08 01:00")
    doc = trace(f0.national_id, ONSET, AS_OF)
    assert contact(doc, "A")["exposed_at"] == "2021-06-08T00:00:00+07:00"
    assert doc["index"] == {"person_id": "000000000000",
                            "window_start": "2021-06-08T00:00:00+07:00",
                            "window_end": "2021-06-12T09:30:00+07:00"}


def test_contact_only_before_window_start_does_not_count(f0):
    a, w = person("A"), place("W1")
    stay(f0, w, "2021-06-07 20:00", "2021-06-08 00:14")
    stay(a, w, "2021-06-07 20:00", "2021-06-08 01:00")
    assert trace(f0.national_id, ONSET, AS_OF)["contacts"] == []


def test_window_end_is_exclusive(f0):
    a, b, w = person("A"), person("B"), place("W1")
    stay(f0, w, "2021-06-12 09:00", "2021-06-12 12:00")
    stay(a, w, "2021-06-12 09:15", "2021-06-12 12:00")  # [09:15, 09:30) = 15: counts
    stay(b, w, "2021-06-12 09:16", "2021-06-12 12:00")
    doc = trace(f0.national_id, ONSET, AS_OF)
    assert levels(doc) == {"A": 1}
    assert contact(doc, "A")["via"]["end"] == "2021-06-12T09:30:00+07:00"


def test_presence_after_as_of_is_ignored(f0):
    a, w = person("A"), place("W1")
    stay(f0, w, "2021-06-12 10:00", "2021-06-12 12:00")
    stay(a, w, "2021-06-12 10:00", "2021-06-12 12:00")
    assert trace(f0.national_id, ONSET, AS_OF)["contacts"] == []


def test_isolated_at_cuts_index_contacts(f0):
    a, b, w, w2 = person("A"), person("B"), place("W1"), place("W2")
    stay(f0, w, "2021-06-09 08:00", "2021-06-09 17:00")
    stay(a, w, "2021-06-09 08:00", "2021-06-09 17:00")
    stay(f0, w2, "2021-06-08 08:00", "2021-06-08 17:00")
    stay(b, w2, "2021-06-08 08:00", "2021-06-08 17:00")
    doc = trace(f0.national_id, ONSET, AS_OF, isolated_at="2021-06-09T08:10:00+07:00")
    assert levels(doc) == {"B": 1}
    assert doc["index"]["window_end"] == "2021-06-09T08:10:00+07:00"
    doc = trace(f0.national_id, ONSET, AS_OF, isolated_at="2021-06-09T08:15:00+07:00")
    assert levels(doc) == {"A": 1, "B": 1}


def test_isolation_of_index_does_not_cut_f1_windows(f0):
    a, b, w = person("A"), person("B"), place("W1")
    stay(f0, w, "2021-06-09 08:00", "2021-06-09 09:00")
    stay(a, w, "2021-06-09 08:00", "2021-06-09 09:00")
    stay(a, w, "2021-06-11 08:00", "2021-06-11 09:00")
    stay(b, w, "2021-06-11 08:00", "2021-06-11 09:00")
    doc = trace(f0.national_id, ONSET, AS_OF, isolated_at="2021-06-10T00:00:00+07:00")
    assert levels(doc) == {"A": 1, "B": 2}


# -- memberships ---------------------------------------------------------------------

def test_touching_membership_ranges_do_not_overlap(f0):
    a = person("A")
    member(f0, "team", "T1", "2021-06-01", "2021-06-08")  # up to 06-09 00:00
    member(a, "team", "T1", "2021-06-09")
    assert trace(f0.national_id, ONSET, AS_OF)["contacts"] == []


def test_membership_sharing_one_day(f0):
    a = person("A")
    member(f0, "team", "T1", "2021-06-01", "2021-06-09")
    member(a, "team", "T1", "2021-06-09")
    doc = trace(f0.national_id, ONSET, AS_OF)
    assert contact(doc, "A") == {
        "person_id": "A", "level": 1, "exposed_at": "2021-06-09T00:00:00+07:00",
        "via": {"person_id": "000000000000", "context": "team", "code": "T1",
                "start": "2021-06-09T00:00:00+07:00", "end": "2021-06-10T00:00:00+07:00"},
    }


def test_open_ended_memberships_clip_to_window(f0):
    a = person("A")
    member(f0, "room", "R-7", "2021-01-01")
    member(a, "room", "R-7", "2021-05-01")
    doc = trace(f0.national_id, ONSET, AS_OF)
    via = contact(doc, "A")["via"]
    assert (via["context"], via["start"], via["end"]) == (
        "room", "2021-06-08T00:00:00+07:00", "2021-06-12T09:30:00+07:00")


def test_membership_partly_outside_window(f0):
    a, b, c = person("A"), person("B"), person("C")
    member(f0, "household", "H1", "2020-01-01")
    member(a, "household", "H1", "2021-05-01", "2021-06-09")  # until 06-10 00:00
    member(b, "household", "H1", "2021-05-01", "2021-06-06")  # ends 06-07: before window
    member(c, "household", "H1", "2021-06-13")  # after as_of
    doc = trace(f0.national_id, ONSET, AS_OF)
    assert levels(doc) == {"A": 1}
    assert contact(doc, "A")["via"]["end"] == "2021-06-10T00:00:00+07:00"


def test_group_needs_same_kind_and_code(f0):
    a, b = person("A"), person("B")
    member(f0, "bus_route", "BUS-9", "2021-06-01")
    member(a, "room", "BUS-9", "2021-06-01")  # same code, other kind
    member(b, "bus_route", "BUS-9", "2021-06-10")
    doc = trace(f0.national_id, ONSET, AS_OF)
    assert exposed(doc) == {"B": "2021-06-10T00:00:00+07:00"}


# -- levels -------------------------------------------------------------------------------

def test_f2_contact_before_f1_exposure_does_not_count(f0):
    a, b, c, w = person("A"), person("B"), person("C"), place("W1")
    stay(f0, w, "2021-06-10 08:00", "2021-06-10 09:00")
    stay(a, w, "2021-06-10 08:00", "2021-06-10 09:00")
    stay(a, w, "2021-06-09 08:00", "2021-06-09 09:00")
    stay(b, w, "2021-06-09 08:00", "2021-06-09 09:00")  # before A's exposure
    w2 = place("W2")
    stay(a, w2, "2021-06-10 07:00", "2021-06-10 08:30")  # straddles A's exposure
    stay(c, w2, "2021-06-10 07:00", "2021-06-10 08:30")
    doc = trace(f0.national_id, ONSET, AS_OF)
    assert levels(doc) == {"A": 1, "C": 2}
    assert contact(doc, "C")["exposed_at"] == "2021-06-10T08:00:00+07:00"
    assert contact(doc, "C")["via"]["start"] == "2021-06-10T08:00:00+07:00"


def test_lowest_level_wins_over_earlier_longer_path(f0):
    a, b, w = person("A"), person("B"), place("W1")
    stay(f0, w, "2021-06-08 08:00", "2021-06-08 09:00")
    stay(b, w, "2021-06-08 08:00", "2021-06-08 09:00")
    stay(b, w, "2021-06-09 08:00", "2021-06-09 09:00")
    stay(a, w, "2021-06-09 08:00", "2021-06-09 09:00")  # B -> A on 06-09 (level 2)
    stay(f0, w, "2021-06-11 08:00", "2021-06-11 09:00")
    stay(a, w, "2021-06-11 08:00", "2021-06-11 09:00")  # F0 -> A on 06-11 (level 1)
    doc = trace(f0.national_id, ONSET, AS_OF)
    assert levels(doc) == {"A": 1, "B": 1}
    assert contact(doc, "A")["exposed_at"] == "2021-06-11T08:00:00+07:00"


def test_exposed_at_is_earliest_over_all_upstream(f0):
    a, b, c, w, w2 = person("A"), person("B"), person("C"), place("W1"), place("W2")
    stay(f0, w, "2021-06-08 08:00", "2021-06-08 09:00")
    stay(a, w, "2021-06-08 08:00", "2021-06-08 09:00")
    stay(f0, w2, "2021-06-08 10:00", "2021-06-08 11:00")
    stay(b, w2, "2021-06-08 10:00", "2021-06-08 11:00")
    stay(b, w, "2021-06-09 08:00", "2021-06-09 09:00")
    stay(c, w, "2021-06-09 08:00", "2021-06-09 09:00")
    member(a, "household", "H", "2021-06-10")
    member(c, "household", "H", "2021-06-01")
    doc = trace(f0.national_id, ONSET, AS_OF)
    assert contact(doc, "C")["exposed_at"] == "2021-06-09T08:00:00+07:00"
    assert contact(doc, "C")["via"]["person_id"] == "B"


def test_depth_one_two_three(f0):
    people = [person(x) for x in "ABC"]
    w = place("W1")
    chain = [f0, *people]
    for day, (p, q) in enumerate(zip(chain, chain[1:], strict=False), start=8):
        stay(p, w, f"2021-06-{day:02d} 08:00", f"2021-06-{day:02d} 09:00")
        stay(q, w, f"2021-06-{day:02d} 08:00", f"2021-06-{day:02d} 09:00")
    assert levels(trace(f0.national_id, ONSET, AS_OF, depth=1)) == {"A": 1}
    assert levels(trace(f0.national_id, ONSET, AS_OF)) == {"A": 1, "B": 2}
    doc = trace(f0.national_id, ONSET, AS_OF, depth=3)
    assert levels(doc) == {"A": 1, "B": 2, "C": 3}
    assert doc["depth"] == 3


def test_index_never_appears_in_contacts(f0):
    a, w = person("A"), place("W1")
    stay(f0, w, "2021-06-08 08:00", "2021-06-08 09:00")
    stay(a, w, "2021-06-08 08:00", "2021-06-08 09:00")
    stay(a, w, "2021-06-09 08:00", "2021-06-09 09:00")
    stay(f0, w, "2021-06-09 08:00", "2021-06-09 09:00")
    assert levels(trace(f0.national_id, ONSET, AS_OF, depth=3)) == {"A": 1}


def test_sort_order_level_then_time_then_person(f0):
    w = place("W1")
    for pid, hour in [("Z", 8), ("B", 8), ("M", 7)]:
        stay(person(pid), w, f"2021-06-08 {hour:02d}:00", "2021-06-08 10:00")
    stay(f0, w, "2021-06-08 07:00", "2021-06-08 10:00")
    for pid in ["X", "Q", "M"]:
        stay(Person.objects.get(national_id=pid) if pid == "M" else person(pid), w,
             "2021-06-09 07:00", "2021-06-09 10:00")
    doc = trace(f0.national_id, ONSET, AS_OF)
    assert [(c["person_id"], c["level"], c["exposed_at"][11:16]) for c in doc["contacts"]] == [
        ("M", 1, "07:00"), ("B", 1, "08:00"), ("Z", 1, "08:00"), ("Q", 2, "07:00"), ("X", 2, "07:00")]


def test_via_names_a_real_contact(f0):
    a, b, w = person("A"), person("B"), place("W1")
    stay(f0, w, "2021-06-08 08:00", "2021-06-08 12:00")
    stay(a, w, "2021-06-08 09:00", "2021-06-08 17:00")
    stay(a, w, "2021-06-09 09:00", "2021-06-09 17:00")
    stay(b, w, "2021-06-09 10:00", "2021-06-09 10:30")
    member(a, "team", "T", "2021-06-01")
    member(b, "team", "T", "2021-06-10")
    doc = trace(f0.national_id, ONSET, AS_OF)
    assert contact(doc, "A")["via"] == {
        "person_id": "000000000000", "context": "place", "code": "W1",
        "start": "2021-06-08T09:00:00+07:00", "end": "2021-06-08T12:00:00+07:00"}
    assert contact(doc, "B")["via"] == {
        "person_id": "A", "context": "place", "code": "W1",
        "start": "2021-06-09T10:00:00+07:00", "end": "2021-06-09T10:30:00+07:00"}


def test_kind_rules_are_configurable(f0):
    from dataclasses import replace

    from truyvet.places.kinds import KIND_RULES, KindRule
    from truyvet.tracing.engine import run_trace
    from truyvet.tracing.inputs import parse_trace_input

    a, g = person("A"), place("G1", "gate")
    stay(f0, g, "2021-06-09 08:00", "2021-06-09 09:00")
    stay(a, g, "2021-06-09 08:30", "2021-06-09 09:00")
    base = parse_trace_input({"person_id": f0.national_id, "onset": ONSET, "as_of": AS_OF})
    assert run_trace(base).contacts == []
    rules = {**KIND_RULES, "gate": KindRule(True, 1, 30)}
    assert [c.person_id for c in run_trace(replace(base, rules=rules)).contacts] == ["A"]
    rules = {**KIND_RULES, "gate": KindRule(True, 1, 31)}
    assert run_trace(replace(base, rules=rules)).contacts == []


def test_long_stay_loaded_behind_the_triggers_found_after_refresh(f0):
    """Rows the span triggers missed (an ATTACHed partition) count once refreshed."""
    from django.db import connection

    from truyvet.tracing.spans import refresh_place_spans

    a, w = person("A"), place("W9", "workshop")
    stay(a, w, "2021-06-08 06:00", "2021-06-08 16:00")  # 10 h: beyond the 8 h dwell
    stay(f0, w, "2021-06-08 15:00", "2021-06-08 15:30")
    with connection.cursor() as cur:
        cur.execute("DELETE FROM tracing_placespan")  # as if loaded behind the triggers
        cur.execute("SELECT tableoid::regclass::text FROM places_presence WHERE place_id = %s "
                    "LIMIT 1", [w.pk])
        partition = cur.fetchone()[0]
    refresh_place_spans([partition])
    assert exposed(trace(f0.national_id, ONSET, AS_OF)) == {"A": "2021-06-08T15:00:00+07:00"}
    refresh_place_spans()  # whole table: idempotent
    assert exposed(trace(f0.national_id, ONSET, AS_OF)) == {"A": "2021-06-08T15:00:00+07:00"}

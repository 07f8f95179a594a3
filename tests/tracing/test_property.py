"""The SQL engine agrees with the brute-force reading of the spec."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.tracing.bruteforce import brute_trace
from tests.tracing.helpers import TZ, member, person, place, presence
from truyvet.tracing.engine import run_trace
from truyvet.tracing.types import TraceInput

BASE = datetime(2021, 6, 8, tzinfo=TZ)
PEOPLE = [f"P{i}" for i in range(5)]
KINDS = ["gate", "workshop", "canteen", "bus", "room", "other"]
GROUPS = [("team", "T1"), ("room", "R1"), ("bus_route", "B1"), ("household", "H1"), ("team", "T2")]

minutes = st.integers(min_value=0, max_value=2 * 24 * 4).map(lambda k: timedelta(minutes=15 * k))
places_st = st.lists(
    st.tuples(st.sampled_from(KINDS),
              st.one_of(st.none(), st.sampled_from([0, 5, 15, 20, 90, 600])),
              st.one_of(st.none(), st.sampled_from([0, 5, 15, 30]))),
    min_size=1, max_size=4)
presence_st = st.tuples(
    st.integers(0, len(PEOPLE) - 1), st.integers(0, 3), minutes,
    st.one_of(st.none(), st.sampled_from([0, 5, 10, 15, 20, 30, 60, 240, 600, 2000])))
member_st = st.tuples(
    st.integers(0, len(PEOPLE) - 1), st.sampled_from(GROUPS),
    st.integers(-3, 5), st.one_of(st.none(), st.integers(0, 3)))
trace_st = st.fixed_dictionaries({
    "index": st.integers(0, len(PEOPLE) - 1),
    "onset": st.integers(0, 3 * 24).map(lambda h: timedelta(hours=h)),
    "lookback": st.sampled_from([0, 12, 48]),
    "as_of": st.integers(0, 2 * 24 * 4).map(lambda q: timedelta(minutes=15 * q)),
    "isolated": st.one_of(st.none(), st.none(), st.none(), st.integers(0, 4 * 24 * 4)),
    "depth": st.integers(1, 3),
})


def build(places, presences, memberships):
    people = [person(pid) for pid in PEOPLE]
    made = [place(f"X{i}", kind, dwell, minov) for i, (kind, dwell, minov) in enumerate(places)]
    seen = set()
    for who, where, start, length in presences:
        key = (who, where % len(made), start)
        if key in seen:
            continue
        seen.add(key)
        s = BASE + start
        presence(people[who], made[key[1]], s, None if length is None else s + timedelta(minutes=length))
    for who, (kind, code), start, days in memberships:
        if (who, kind, code, start) in seen:
            continue
        seen.add((who, kind, code, start))
        day = BASE.date() + timedelta(days=start)
        member(people[who], kind, code, day.isoformat(),
               None if days is None else (day + timedelta(days=days)).isoformat())


def make_input(spec) -> TraceInput | None:
    onset = BASE + spec["onset"]
    ws = onset - timedelta(hours=spec["lookback"])
    as_of = onset + spec["as_of"]
    we = as_of
    if spec["isolated"] is not None:
        we = ws + timedelta(minutes=15 * spec["isolated"])
        if we > as_of:
            return None
    return TraceInput(PEOPLE[spec["index"]], ws, we, as_of, spec["depth"])


@pytest.mark.django_db
@settings(max_examples=int(os.environ.get('TRACING_EXAMPLES', '200')), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(places_st, st.lists(presence_st, min_size=8, max_size=40), st.lists(member_st, min_size=1, max_size=8), trace_st)
def test_engine_matches_brute_force(places, presences, memberships, spec):
    trace = make_input(spec)
    if trace is None:
        return
    with transaction.atomic():
        build(places, presences, memberships)
        expected = brute_trace(trace)
        result = run_trace(trace)
        transaction.set_rollback(True)
    got = {c.person_id: c for c in result.contacts}
    event(f"levels reached: {max((c.level for c in result.contacts), default=0)}")
    assert {q: (c.level, c.exposed_at) for q, c in got.items()} == {
        q: (e["level"], e["exposed_at"]) for q, e in expected.items()}
    for q, c in got.items():
        via = (c.via.person_id, c.via.context, c.via.code, c.via.end)
        assert c.via.start == c.exposed_at
        assert via in expected[q]["vias"], (q, via, expected[q]["vias"])
    keys = [(c.level, c.exposed_at, c.person_id) for c in result.contacts]
    assert keys == sorted(keys)

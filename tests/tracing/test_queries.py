"""The engine's query count depends on the depth only, never on the contacts found."""

from __future__ import annotations

import pytest

from tests.tracing.helpers import member, person, place, stay
from truyvet.tracing.engine import run_trace
from truyvet.tracing.inputs import parse_trace_input

pytestmark = pytest.mark.django_db


def build(n_contacts: int) -> str:
    f0 = person("F0")
    w, c = place("W1"), place("C1", "canteen")
    stay(f0, w, "2021-06-08 08:00", "2021-06-08 17:00")
    stay(f0, c, "2021-06-08 12:00")
    member(f0, "team", "T1", "2021-01-01")
    for i in range(n_contacts):
        p = person(f"A{i:03d}")
        stay(p, w if i % 2 else c, "2021-06-08 12:00", "2021-06-08 13:00")
        member(p, "room", f"R{i % 7}", "2021-06-01")
        q = person(f"B{i:03d}")
        member(q, "room", f"R{i % 7}", "2021-06-05")
        if i % 3 == 0:
            member(q, "team", "T1", "2021-06-05")
    return "F0"


@pytest.mark.parametrize("n_contacts", [3, 60])
def test_queries_do_not_grow_with_contacts(n_contacts, django_assert_max_num_queries):
    trace = parse_trace_input({"person_id": build(n_contacts), "onset": "2021-06-10",
                               "as_of": "2021-06-12T09:30:00+07:00", "depth": 3})
    with django_assert_max_num_queries(4):  # the index person + one per level
        result = run_trace(trace)
    assert len(result.contacts) == 2 * n_contacts
    assert result.queries <= 4


def test_planner_settings_do_not_leak_into_the_callers_transaction():
    """The level statements run with jit and nested loops off; the caller's don't."""
    from django.db import connection, transaction

    trace = parse_trace_input({"person_id": build(3), "onset": "2021-06-10",
                               "as_of": "2021-06-12T09:30:00+07:00", "depth": 2})
    with transaction.atomic(), connection.cursor() as cur:
        run_trace(trace)
        cur.execute("SELECT current_setting('enable_nestloop'), current_setting('enable_mergejoin')")
        assert cur.fetchone() == ("on", "on")

"""Single scans arriving together are recorded in one call (checkins.coalesce)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from truyvet.checkins import coalesce
from truyvet.checkins.scans import ScanContext, ScanIn, ScanOut

CTX = ScanContext(origin="ent:1", source=4, enterprise_id=1)


@pytest.fixture
def calls(monkeypatch):
    """A stand-in for record_scans: slow enough for groups to form."""
    seen: list[list[str]] = []

    def fake(scans, ctx):
        seen.append([s.client_id for s in scans])
        time.sleep(0.02)
        if any(s.client_id.startswith("boom") for s in scans):
            raise RuntimeError("database down")
        return [ScanOut(client_id=s.client_id, outcome="accepted", reason=ctx.origin) for s in scans]

    monkeypatch.setattr(coalesce, "record_scans", fake)
    return seen


def test_a_lone_scan_is_recorded_at_once(calls):
    out = coalesce.record_one(ScanIn(client_id="a", place_id=1), CTX)
    assert (out.client_id, out.outcome) == ("a", "accepted") and calls == [["a"]]
    assert not coalesce._queues and not coalesce._busy


def test_concurrent_scans_form_groups_and_each_gets_its_own_result(calls):
    start = threading.Barrier(12)

    def one(i):
        start.wait()
        return coalesce.record_one(ScanIn(client_id=f"c{i}", place_id=1), CTX)

    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(one, range(12)))
    assert [r.client_id for r in results] == [f"c{i}" for i in range(12)]
    assert sorted(c for group in calls for c in group) == sorted(f"c{i}" for i in range(12))
    assert len(calls) < 12 and max(len(g) for g in calls) > 1
    assert not coalesce._queues and not coalesce._busy


def test_other_contexts_are_not_mixed(calls):
    other = ScanContext(origin="ent:2", source=4, enterprise_id=2)
    start = threading.Barrier(8)

    def one(i):
        start.wait()
        return coalesce.record_one(ScanIn(client_id=f"x{i}", place_id=1), CTX if i % 2 else other)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(8)))
    assert [r.reason for r in results] == ["ent:2", "ent:1"] * 4
    for group in calls:
        assert len({int(c[1:]) % 2 for c in group}) == 1


def test_a_failed_call_fails_its_whole_group_and_the_next_goes_on(calls):
    start = threading.Barrier(6)

    def one(i):
        start.wait()
        if i == 0:
            time.sleep(0.005)  # queued behind the first
        try:
            return coalesce.record_one(ScanIn(client_id=f"boom{i}" if i == 0 else f"ok{i}",
                                              place_id=1), CTX).outcome
        except RuntimeError:
            return "error"

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(one, range(6)))
    boom_group = next(g for g in calls if "boom0" in g)
    for i, outcome in enumerate(outcomes):
        cid = "boom0" if i == 0 else f"ok{i}"
        assert outcome == ("error" if cid in boom_group else "accepted")
    assert not coalesce._queues and not coalesce._busy

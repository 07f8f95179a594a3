"""Single scans that arrive together are recorded together.

`record_one` gives the same result as ``record_scans([scan], ctx)[0]``, but
while a call for the same context (origin, source, enterprise) is running in
this process, scans from other threads queue; when it ends, one of the queued
threads records all of them in one `record_scans` call (one resolution query,
one write statement) and hands each thread its own result. Nothing waits on
purpose: a lone scan is recorded at once, and groups form only under load,
from scans that would otherwise have waited for the database anyway.

The outcome is what recording them one after another would give:
`record_scans` applies the rules within a call as across calls (a client id
seen twice is a duplicate, a second "in" within a minute is a repeat). If the
call fails, every scan of the group gets the error.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass, field

from truyvet.checkins.scans import ScanContext, ScanIn, ScanOut, record_scans

MAX_GROUP = 200


@dataclass
class _Slot:
    scan: ScanIn
    ready: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    result: ScanOut | None = None
    error: BaseException | None = None


_lock = threading.Lock()
_queues: dict[Hashable, list[_Slot]] = {}
_busy: set[Hashable] = set()


def record_one(scan: ScanIn, ctx: ScanContext) -> ScanOut:
    if ctx.extra:
        return record_scans([scan], ctx)[0]
    key = (ctx.origin, ctx.source, ctx.enterprise_id, ctx.now)
    slot = _Slot(scan)
    with _lock:
        _queues.setdefault(key, []).append(slot)
        if key not in _busy:
            _busy.add(key)
            slot.lead = True
    if not slot.lead:
        slot.ready.wait()
    if slot.lead:  # first in, or handed the lead by the previous group
        _record_group(key, ctx)
    if slot.error is not None:
        raise slot.error
    return slot.result


def _record_group(key: Hashable, ctx: ScanContext) -> None:
    with _lock:
        queue = _queues[key]
        group, _queues[key] = queue[:MAX_GROUP], queue[MAX_GROUP:]
    try:
        results = record_scans([s.scan for s in group], ctx)
        for s, r in zip(group, results, strict=True):
            s.result = r
    except BaseException as e:  # noqa: BLE001 - every waiter must learn of it
        for s in group:
            s.error = e
    finally:
        with _lock:
            rest = _queues[key]
            if rest:
                rest[0].lead = True  # the next group's recorder
                rest[0].ready.set()
            else:
                del _queues[key]
                _busy.discard(key)
        for s in group:
            s.ready.set()

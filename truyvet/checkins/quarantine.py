"""The quarantine hook: who must not be let in at a gate.

No quarantine data exists in TruyVết yet. The app that will own it (cases and
quarantine) registers a check here, e.g. in its ``AppConfig.ready``::

    from truyvet.checkins import quarantine
    quarantine.register(my_check)

A check takes person ids and the scan time and returns ``{person_id: reason}``
for those under quarantine at that time (``reason`` is a short code shown to
the guard, e.g. ``"home_quarantine"``). A scan "in" of such a person is red and
writes no presence (they are turned away at the gate); the attempt is logged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

QuarantineCheck = Callable[[Sequence[int], datetime], dict[int, str]]

_checks: list[QuarantineCheck] = []


def register(check: QuarantineCheck) -> None:
    if check not in _checks:
        _checks.append(check)


def unregister(check: QuarantineCheck) -> None:
    if check in _checks:
        _checks.remove(check)


def blocked(person_ids: Sequence[int], at: datetime) -> dict[int, str]:
    """{person_id: reason} for the people under quarantine at `at` (no query
    at all while no check is registered)."""
    out: dict[int, str] = {}
    if not person_ids:
        return out
    for check in _checks:
        out.update(check(person_ids, at))
    return out

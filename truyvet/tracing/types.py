"""Plain data the tracing engine takes and returns (no Django objects).

Kept separate from the engine so that the CLI, the API and the pages can
build inputs and read results without importing any SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from truyvet.places.kinds import KIND_RULES, KindRule

DEFAULT_DEPTH = 2
MIN_DEPTH = 1
MAX_DEPTH = 5
DEFAULT_LOOKBACK_HOURS = 48

CONTEXT_PLACE = "place"


class TraceInputError(ValueError):
    """Bad trace input, naming the offending field (the API answers 422 with it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class TraceInput:
    """A validated trace request; every instant is time-zone aware.

    `window_start` is `onset - lookback` (already resolved), `window_end` is
    `isolated_at` or `as_of`. `rules` maps each place kind to its defaults,
    so that a what-if trace can change them without touching the database.
    """

    person_id: str
    window_start: datetime
    window_end: datetime
    as_of: datetime
    depth: int = DEFAULT_DEPTH
    rules: dict[str, KindRule] = field(default_factory=lambda: dict(KIND_RULES))


@dataclass(frozen=True)
class Via:
    """One contact that gives the exposure time: who, where, and the overlap O."""

    person_id: str
    context: str
    code: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Contact:
    person_id: str
    level: int
    exposed_at: datetime
    via: Via
    full_name: str = ""


@dataclass(frozen=True)
class TraceResult:
    person_id: str
    window_start: datetime
    window_end: datetime
    as_of: datetime
    depth: int
    contacts: list[Contact]
    full_name: str = ""
    queries: int = 0

"""Loading presence.csv, the big file: one set-based pass from staging into the table.

The happy path does not run the row checks first. It converts and inserts in
a single INSERT ... SELECT in which every rule of the contract makes the
statement fail on a bad row (a guard function for bad text, NOT NULL for an
unknown person or place, the table's CHECK for end < start, the primary key
or ON CONFLICT for duplicates). When it fails, the caller rolls back to a
savepoint and runs the row checks to list every problem. So a valid file
costs one pass; an invalid one costs a second pass to explain itself.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from truyvet.datasets import spec
from truyvet.datasets.staging import Staged, lit
from truyvet.places.kinds import SOURCE_BY_NAME

GUARDS = """
CREATE OR REPLACE FUNCTION pg_temp.tv_bad_instant() RETURNS timestamptz LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'invalid presence row' USING ERRCODE = 'P0001'; END $$;
CREATE OR REPLACE FUNCTION pg_temp.tv_bad_source() RETURNS smallint LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'invalid presence row' USING ERRCODE = 'P0001'; END $$;
"""


# The shapes almost every file uses: LIKE is ~10x cheaper than the regex, and the
# cast still rejects non-digits; any other shape is checked with the full regex.
COMMON_SHAPES = ("____-__-__T__:__:__+__:__", "____-__-__T__:__:__-__:__", "____-__-__T__:__:__Z")


def week_starts(local_dates: list[str]) -> list[date]:
    """Mondays of the UTC weeks an instant on these local dates can fall in (±1 day)."""
    weeks: set[date] = set()
    for text in local_dates:
        try:
            day = date.fromisoformat(text)
        except (TypeError, ValueError):
            continue  # a bad value: the row checks will report it
        for d in (day - timedelta(days=1), day, day + timedelta(days=1)):
            weeks.add(d - timedelta(days=d.weekday()))
    return sorted(weeks)


def partition_name(monday: date) -> str:
    """The name truyvet_ensure_presence_partitions gives the week's partition."""
    year, week, _day = monday.isocalendar()
    return f"places_presence_{year}w{week:02d}"


def staged_weeks(cur, stage: Staged) -> list[date]:
    cur.execute(f"SELECT DISTINCT left({stage.raw('start')}, 10) FROM {stage.table} s")
    return week_starts([r[0] for r in cur.fetchall()])


def existing_partitions(cur) -> set[str]:
    cur.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'places_presence'::regclass")
    return {r[0] for r in cur.fetchall()}


def _instant(expr: str, optional: bool) -> str:
    empty = f"WHEN {expr} IS NULL OR {expr} = '' THEN NULL " if optional else ""
    common = " OR ".join(f"{expr} LIKE {lit(shape)}" for shape in COMMON_SHAPES)
    return (f"CASE {empty}WHEN ({common}) AND ascii({expr}) BETWEEN 48 AND 57 "
            f"THEN ({expr})::timestamptz "
            f"WHEN {expr} ~ {lit(spec.INSTANT_RE)} THEN ({expr})::timestamptz "
            "ELSE pg_temp.tv_bad_instant() END")


def _source(expr: str) -> str:
    arms = " ".join(f"WHEN {lit(name)} THEN {value}" for name, value in SOURCE_BY_NAME.items())
    return f"CASE coalesce({expr}, '') WHEN '' THEN 0 {arms} ELSE pg_temp.tv_bad_source() END"


def select_sql(stage: Staged) -> str:
    """Convert and resolve ids; an unknown person or place gives NULL (a NOT NULL error)."""
    return (
        f"SELECT p.id, pl.id, {_instant(stage.raw('start'), False)}, "
        f"{_instant(stage.raw('end'), True)}, {_source(stage.raw('source'))} "
        f"FROM {stage.table} s "
        f"LEFT JOIN registry_person p ON p.national_id = {stage.raw('person_id')} "
        f"LEFT JOIN places_place pl ON pl.code = {stage.raw('place_code')}"
    )


UPSERT = (
    'INSERT INTO places_presence AS x (person_id, place_id, start, "end", source) '
    "SELECT * FROM {source} "
    'ON CONFLICT (person_id, place_id, start) DO UPDATE SET "end" = EXCLUDED."end", '
    'source = EXCLUDED.source WHERE (x."end", x.source) IS DISTINCT FROM '
    '(EXCLUDED."end", EXCLUDED.source)'
)


def load(cur, stage: Staged, tag: str, progress=None) -> int:
    """Insert the staged rows; raises a database error on any invalid row.

    Weeks that have no partition yet are filled as plain tables without
    indexes, then indexed (a sort, far cheaper than row-by-row index inserts)
    and attached as partitions. Rows of weeks that already have a partition
    go through INSERT ... ON CONFLICT, as any upsert.
    """
    cur.execute(GUARDS)
    have = existing_partitions(cur)
    new = [w for w in staged_weeks(cur, stage) if partition_name(w) not in have]
    root, rest = f"{tag}_load", f"{tag}_load_rest"
    like = "(LIKE places_presence INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
    cur.execute(f"CREATE TABLE {root} {like} PARTITION BY RANGE (start)")
    cur.execute(f"CREATE UNLOGGED TABLE {rest} PARTITION OF {root} DEFAULT")
    for monday in new:
        cur.execute(f"CREATE TABLE {partition_name(monday)} {like}")
        cur.execute(f"ALTER TABLE {root} ATTACH PARTITION {partition_name(monday)} "
                    f"FOR VALUES FROM ({_bound(monday)}) TO ({_bound(monday, 7)})")
    report = progress or (lambda _m: None)
    t0 = time.monotonic()
    cur.execute(f"INSERT INTO {root} {select_sql(stage)}")
    loaded = cur.rowcount
    report(f"presence.csv: converted {loaded:,} rows in {time.monotonic() - t0:.1f} s")
    for monday in new:
        t0 = time.monotonic()
        _index_and_attach(cur, root, monday)
        report(f"presence.csv: indexed week {partition_name(monday)} "
               f"in {time.monotonic() - t0:.1f} s")
    note_spans(cur, [partition_name(m) for m in new])
    cur.execute(f"ANALYZE {rest}")
    cur.execute(UPSERT.format(source=rest))
    upserted = cur.rowcount
    cur.execute(f"SELECT count(*) FROM {rest}")
    loaded -= cur.fetchone()[0]
    cur.execute(f"DROP TABLE {root}")
    return loaded + upserted


SPANS = (
    "INSERT INTO tracing_placespan AS s (place_id, max_span) "
    'SELECT place_id, max("end" - start) FROM ({rows}) x WHERE "end" IS NOT NULL '
    "GROUP BY place_id ORDER BY place_id "
    "ON CONFLICT (place_id) DO UPDATE SET max_span = EXCLUDED.max_span "
    "WHERE s.max_span < EXCLUDED.max_span"
)


def note_spans(cur, tables: list[str]) -> None:
    """Raise tracing_placespan for rows that arrived by ATTACH PARTITION.

    The tracing engine looks back from a stay by the longest explicit stay at
    the place (tracing_placespan); statement triggers on places_presence keep
    it current for INSERT/UPDATE, but attached partitions bypass them, so
    without this a long stay imported into a new week could be missed.
    """
    if not tables:
        return
    rows = " UNION ALL ".join(f'SELECT place_id, start, "end" FROM {t}' for t in tables)
    cur.execute(SPANS.format(rows=rows))


def _bound(monday: date, plus_days: int = 0) -> str:
    return lit(f"{(monday + timedelta(days=plus_days)).isoformat()}T00:00:00+00:00")


def _index_and_attach(cur, root: str, monday: date) -> None:
    """Build the week's indexes in bulk and make it a partition of places_presence."""
    name = partition_name(monday)
    lo, hi = _bound(monday), _bound(monday, 7)
    cur.execute(f"ALTER TABLE {root} DETACH PARTITION {name}")
    cur.execute(f"ALTER TABLE {name} ADD PRIMARY KEY (person_id, place_id, start)")
    cur.execute(f"CREATE INDEX {name}_place_id_start_idx ON {name} (place_id, start)")
    cur.execute(f"ALTER TABLE {name} ADD CONSTRAINT {name}_range "
                f"CHECK (start >= {lo} AND start < {hi})")
    cur.execute(f"ALTER TABLE places_presence ATTACH PARTITION {name} "
                f"FOR VALUES FROM ({lo}) TO ({hi})")
    cur.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_range")

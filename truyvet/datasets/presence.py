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


def ensure_partitions(cur, stage: Staged) -> int:
    """Create the weekly partitions the staged rows need (only those weeks, no gaps)."""
    cur.execute(f"SELECT DISTINCT left({stage.raw('start')}, 10) FROM {stage.table} s")
    made = 0
    for monday in week_starts([r[0] for r in cur.fetchall()]):
        cur.execute("SELECT truyvet_ensure_presence_partitions(%s::timestamptz, %s::timestamptz)",
                    [f"{monday.isoformat()}T00:00:00Z", f"{monday.isoformat()}T00:00:00Z"])
        made += cur.fetchone()[0]
    return made


def _instant(expr: str, optional: bool) -> str:
    empty = f"WHEN {expr} IS NULL OR {expr} = '' THEN NULL " if optional else ""
    return (f"CASE {empty}WHEN {expr} ~ {lit(spec.INSTANT_RE)} THEN ({expr})::timestamptz "
            "ELSE pg_temp.tv_bad_instant() END")


def _source(expr: str) -> str:
    arms = " ".join(f"WHEN {lit(name)} THEN {value}" for name, value in SOURCE_BY_NAME.items())
    return f"CASE coalesce({expr}, '') WHEN '' THEN 0 {arms} ELSE pg_temp.tv_bad_source() END"


def insert_sql(stage: Staged) -> str:
    """One statement: convert, resolve ids, insert or update changed rows."""
    return (
        'INSERT INTO places_presence AS x (person_id, place_id, start, "end", source) '
        f"SELECT p.id, pl.id, {_instant(stage.raw('start'), False)}, "
        f"{_instant(stage.raw('end'), True)}, {_source(stage.raw('source'))} "
        f"FROM {stage.table} s "
        f"LEFT JOIN registry_person p ON p.national_id = {stage.raw('person_id')} "
        f"LEFT JOIN places_place pl ON pl.code = {stage.raw('place_code')} "
        'ON CONFLICT (person_id, place_id, start) DO UPDATE SET "end" = EXCLUDED."end", '
        'source = EXCLUDED.source WHERE (x."end", x.source) IS DISTINCT FROM '
        '(EXCLUDED."end", EXCLUDED.source)'
    )


def load(cur, stage: Staged) -> int:
    """Insert the staged presence rows; raises a database error on any invalid row."""
    cur.execute(GUARDS)
    ensure_partitions(cur, stage)
    cur.execute(insert_sql(stage))
    return cur.rowcount

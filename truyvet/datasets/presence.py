"""Loading presence.csv, the big file, on both cores.

The fast path (`FastLoad`) assumes the file is valid and lets PostgreSQL
prove it while converting, on two side connections (see `sidecar.py`):

1. the file is COPYed in two halves, split at a line boundary, into two
   UNLOGGED text tables at once (`stage_halves`);
2. every *distinct* `start` and `end` text (collected per half right after
   its COPY) is parsed once into a lookup table with the strict ISO 8601 check (full regex, then a cast). A file has far
   fewer distinct instants than rows (minutes of two weeks: ~20,000), so the
   strict check costs nothing and each row then only does a hash lookup,
   cheaper than casting it. Any invalid instant ends the fast path at once;
3. person and place codes are resolved through maps of `code -> id` that the
   import transaction publishes (new people have ids only there);
4. each week without a partition is created, filled, indexed in bulk and
   summarised (longest stay per place, for tracing) in one side transaction,
   two weeks at a time. Creating and filling a table in one transaction skips
   its WAL (wal_level=minimal). The table carries a CHECK matching the week's
   bounds, so ATTACH does not scan it. Unknown people or places hit NOT NULL,
   `end < start` hits the CHECK, a duplicate key the primary key, a bad
   source a guard function; any of these fails the fast path;
5. the import transaction attaches and renames the weeks, raises
   tracing_placespan from the summaries, and upserts rows of weeks that
   already exist through the parent (its triggers keep spans current);
6. every staged row must land exactly once (weeks' rows + existing weeks'
   rows == staged rows), or the fast path fails.

When the fast path fails, nothing of it remains in the import transaction,
and `CheckedLoad` runs instead: the row checks (staging.py / checks.py) list
every problem; if there are none (a value the fast path does not take as is,
such as a code padded with spaces), the checked, trimmed values are loaded
in the import transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from truyvet.datasets import csvio, spec
from truyvet.datasets.sidecar import Sidecar
from truyvet.datasets.staging import Staged, copy_sql, create_staging, lit
from truyvet.places.kinds import SOURCE_BY_NAME

Progress = Callable[[str], None]

GUARD = """
CREATE OR REPLACE FUNCTION pg_temp.tv_bad_source() RETURNS smallint LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'invalid presence source' USING ERRCODE = 'P0001'; END $$
"""

# Spans: what the triggers on places_presence do for an INSERT, for rows that
# arrive by ATTACH PARTITION (which fires no trigger).
SPANS = (
    "INSERT INTO tracing_placespan AS s (place_id, max_span) "
    "SELECT place_id, max(span) FROM ({rows}) x GROUP BY place_id ORDER BY place_id "
    "ON CONFLICT (place_id) DO UPDATE SET max_span = EXCLUDED.max_span "
    "WHERE s.max_span < EXCLUDED.max_span"
)

UPSERT = (
    'INSERT INTO places_presence AS x (person_id, place_id, start, "end", source) '
    "SELECT * FROM {source} "
    'ON CONFLICT (person_id, place_id, start) DO UPDATE SET "end" = EXCLUDED."end", '
    'source = EXCLUDED.source WHERE (x."end", x.source) IS DISTINCT FROM '
    '(EXCLUDED."end", EXCLUDED.source)'
)

LIKE = "(LIKE places_presence INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"


class FastPathFailed(Exception):
    """The fast path met something it does not take as is: explain with the checks."""


# ---- weeks and partitions ---------------------------------------------------------

def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def partition_name(monday: date) -> str:
    """The name truyvet_ensure_presence_partitions gives the week's partition."""
    year, week, _day = monday.isocalendar()
    return f"places_presence_{year}w{week:02d}"


def bound(monday: date, plus_days: int = 0) -> str:
    return lit(f"{(monday + timedelta(days=plus_days)).isoformat()}T00:00:00+00:00")


def existing_partitions(cur) -> set[str]:
    cur.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'places_presence'::regclass")
    return {r[0] for r in cur.fetchall()}


def in_default_partition(cur, monday: date) -> bool:
    """Rows of this week already sit in the default partition (no ATTACH possible)."""
    cur.execute(f"SELECT EXISTS (SELECT 1 FROM places_presence_default "
                f"WHERE start >= {bound(monday)} AND start < {bound(monday, 7)})")
    return cur.fetchone()[0]


def new_weeks(cur, mondays: list[date]) -> list[date]:
    """Weeks that get a new partition; the others go through the parent."""
    have = existing_partitions(cur)
    return [m for m in mondays if partition_name(m) not in have
            and not in_default_partition(cur, m)]


def schedule(sizes: dict[date, int], workers: int) -> list[list[date]]:
    """Largest week first to the least loaded worker (balances two cores)."""
    plan: list[list[date]] = [[] for _ in range(workers)]
    load = [0] * workers
    for monday in sorted(sizes, key=lambda m: -sizes[m]):
        i = load.index(min(load))
        plan[i].append(monday)
        load[i] += sizes[monday]
    return plan


def source_sql(expr: str, guard: bool) -> str:
    """The source code number; an unknown name calls the guard (fast path) or gives NULL."""
    arms = " ".join(f"WHEN {lit(name)} THEN {value}" for name, value in SOURCE_BY_NAME.items())
    other = "pg_temp.tv_bad_source()" if guard else "NULL"
    return f"CASE coalesce({expr}, '') WHEN '' THEN 0 {arms} ELSE {other} END"


# ---- the fast path ----------------------------------------------------------------

@dataclass
class Halves:
    """presence.csv staged as two text tables (a COPY each, side by side)."""

    stage: Staged  # column mapping (tables: `tables`)
    tables: list[str]
    rows: list[int] = field(default_factory=list)
    pending: list = field(default_factory=list)  # the COPYs, until `finish`
    error: Exception | None = None

    def finish(self) -> Halves:
        """Wait for both COPYs; a database error if either half was refused."""
        if self.pending:
            pending, self.pending = self.pending, []
            try:
                self.rows = [r[0] for r in Sidecar.wait(pending)]
            except Exception as exc:
                self.error = exc
        if self.error is not None:
            raise self.error
        return self

    def distinct(self, column: str, i: int) -> str:
        """The table of half i's distinct texts of an instant column."""
        return f"{self.tables[i]}_{column}"

    def union(self, columns: str) -> str:
        return " UNION ALL ".join(f"SELECT {columns} FROM {t} s" for t in self.tables)

    @property
    def total(self) -> int:
        return sum(self.rows)


def split_offsets(path: Path, parts: int) -> list[int]:
    """Byte offsets cutting the file into `parts` pieces just after a newline.

    A cut inside a quoted field (a value with a newline in it) leaves the
    first piece with an unterminated quote, which COPY rejects; the caller
    then stages the file whole. So a successful COPY of both pieces means
    the cut fell between records.
    """
    size = path.stat().st_size
    cuts = [0]
    with open(path, "rb") as fh:
        for i in range(1, parts):
            fh.seek(max(size * i // parts - 1, 0))
            fh.readline()
            cuts.append(max(fh.tell(), cuts[-1]))
    cuts.append(size)
    return cuts


def stage_halves(side: Sidecar, stage: Staged, header: list[str], tag: str,
                 progress: Progress) -> Halves:
    """Start COPYing the two halves at once into committed UNLOGGED tables (scratch).

    Returns at once: the import connection checks the small files meanwhile;
    `Halves.finish()` waits.
    """
    cuts = split_offsets(stage.path, len(side.conns))
    halves = Halves(stage, [f"{tag}_presence_{i}" for i in range(len(side.conns))])

    def copy(i: int) -> Callable:
        def task(cur) -> int:
            part = Staged(stage.spec, halves.tables[i], "", stage.path)
            create_staging(cur, part, header)
            stage.columns = part.columns
            # FREEZE: the table is new in this transaction, so rows are
            # written frozen and nobody has to set hint bits later.
            with cur.copy(copy_sql(part, len(header), header=i == 0, freeze=True)) as cp:
                csvio.stream_range(cp.write, stage.path, cuts[i], cuts[i + 1],
                                   _copy_progress(progress, i) if i == 0 else None)
            rows = cur.rowcount
            cur.execute(f"ANALYZE {halves.tables[i]}")
            # While the import connection still works on the small files:
            # the distinct instant texts of this half, with their counts.
            for column in ("start", "end"):
                cur.execute(f"CREATE UNLOGGED TABLE {halves.distinct(column, i)} AS "
                            f"SELECT {stage.raw(column)} AS v, count(*) AS n "
                            f"FROM {halves.tables[i]} s GROUP BY 1")
            return rows
        return task

    halves.pending = side.start([[copy(i)] for i in range(len(side.conns))])
    return halves


def _copy_progress(progress: Progress, _i: int) -> Callable[[int, int], None]:
    t0 = time.monotonic()

    def report(sent: int, total: int) -> None:
        rate = sent / max(time.monotonic() - t0, 1e-6) / 1e6
        progress(f"presence.csv: {100 * sent / max(total, 1):.0f}% of the first half "
                 f"({rate:.1f} MB/s per connection)")
    return report


class FastLoad:
    """The fast path: see the module docstring. Raises FastPathFailed or a database error."""

    def __init__(self, cur, side: Sidecar, halves: Halves, tag: str, progress: Progress) -> None:
        self.cur, self.side, self.halves, self.tag = cur, side, halves, tag
        self.progress = progress
        self.instants = {"start": f"{tag}_i_start", "end": f"{tag}_i_end"}
        self.maps = {"person": f"{tag}_m_person", "place": f"{tag}_m_place"}
        self.weeks: dict[date, str] = {}  # monday -> scratch table (committed by a side)

    def run(self) -> int:
        """Load every staged row; returns rows inserted or changed."""
        t0 = time.monotonic()
        self.parse_instants()
        sizes = self.week_sizes()
        fresh = new_weeks(self.cur, sorted(sizes))
        self.publish_maps()
        self._note(f"parsed instants, published maps for {len(fresh)} new week(s)", t0)
        spans = self.fill_weeks({m: sizes[m] for m in fresh})
        t0 = time.monotonic()
        filled = sum(sizes[m] for m in fresh)
        self.attach(fresh, spans)
        rest, changed = self.upsert_rest([m for m in sizes if m not in fresh])
        if filled + rest != self.halves.total:
            raise FastPathFailed("some rows belong to no week")
        self._note(f"attached {len(fresh)} week(s), upserted {rest:,} rows", t0)
        return filled + changed

    def _note(self, what: str, t0: float) -> None:
        self.progress(f"presence.csv: {what} in {time.monotonic() - t0:.1f} s")

    # -- instants: one strict parse per distinct text, counts per week
    def parse_instants(self) -> None:
        def build(column: str) -> Callable:
            table = self.instants[column]
            inner = " UNION ALL ".join(f"SELECT v, n FROM {self.halves.distinct(column, i)}"
                                       for i in range(len(self.halves.tables)))

            def task(cur) -> int:
                cur.execute(
                    f"CREATE UNLOGGED TABLE {table} AS SELECT v, t, n, "
                    "date_trunc('week', t AT TIME ZONE 'UTC')::date AS wk "
                    f"FROM (SELECT v, {_strict_instant('v')} AS t, n FROM "
                    f"(SELECT v, sum(n) AS n FROM ({inner}) u GROUP BY v) d) e")
                cur.execute(f"ANALYZE {table}")
                # An empty end is fine (open stay); anything else must parse.
                empty = "" if column == "start" else " AND v IS NOT NULL AND v <> ''"
                cur.execute(f"SELECT count(*) FROM {table} WHERE t IS NULL{empty}")
                return cur.fetchone()[0]
            return task

        bad = self.side.run([[build("start")], [build("end")]])
        if any(r[0] for r in bad):
            raise FastPathFailed("an instant is not ISO 8601 with an offset")

    def week_sizes(self) -> dict[date, int]:
        self.cur.execute(f"SELECT wk, sum(n)::bigint FROM {self.instants['start']} GROUP BY wk")
        return {wk: n for wk, n in self.cur.fetchall()}

    # -- code -> id maps the side connections can see (new people have ids only here)
    def publish_maps(self) -> None:
        queries = {"person": "SELECT national_id, id FROM registry_person",
                   "place": "SELECT code, id FROM places_place"}
        conn = self.side.conns[0]
        with conn.cursor() as side:
            for what, query in queries.items():
                side.execute(f"CREATE UNLOGGED TABLE {self.maps[what]} (code text, id integer)")
                with self.cur.copy(f"COPY ({query}) TO STDOUT (FORMAT binary)") as out, \
                        side.copy(f"COPY {self.maps[what]} FROM STDIN (FORMAT binary, FREEZE true)"
                                  ) as inp:
                    for data in out:
                        inp.write(data)
                side.execute(f"ANALYZE {self.maps[what]}")
        conn.commit()

    # -- new weeks, two at a time
    def fill_weeks(self, sizes: dict[date, int]) -> list[tuple[int, object]]:
        plan = schedule(sizes, len(self.side.conns))
        tasks = [[self._fill_task(m) for m in weeks] for weeks in plan]
        spans: list[tuple[int, object]] = []
        for done in self.side.run(tasks):
            for found in done:
                spans += found
        return spans

    def _fill_task(self, monday: date) -> Callable:
        table = f"{self.tag}_w{monday:%Y%m%d}"
        self.weeks[monday] = table

        def task(cur) -> list[tuple[int, object]]:
            t0 = time.monotonic()
            cur.execute(GUARD)
            cur.execute(f"CREATE TABLE {table} {LIKE}")
            cur.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_range "
                        f"CHECK (start >= {bound(monday)} AND start < {bound(monday, 7)})")
            cur.execute(f"INSERT INTO {table} {self._week_rows(monday)}")
            rows, t1 = cur.rowcount, time.monotonic()
            cur.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey "
                        "PRIMARY KEY (person_id, place_id, start)")
            cur.execute(f"CREATE INDEX {table}_place_id_start_idx ON {table} (place_id, start)")
            t2 = time.monotonic()
            cur.execute(f'SELECT place_id, max("end" - start) FROM {table} '
                        'WHERE "end" IS NOT NULL GROUP BY place_id')
            spans = cur.fetchall()
            self._note(f"week {partition_name(monday)}: {rows:,} rows filled in {t1 - t0:.1f} s, "
                       f"indexed in {t2 - t1:.1f} s, done", t0)
            return spans
        return task

    def _week_rows(self, monday: date) -> str:
        """The week's rows, converted; an unknown code gives NULL (a NOT NULL error)."""
        st = self.halves.stage
        cols = (f"{st.raw('person_id')} AS person, {st.raw('place_code')} AS place, "
                f"{st.raw('start')} AS vs, {st.raw('end')} AS ve, {st.raw('source')} AS src")
        return (
            f"SELECT pm.id, lm.id, i.t, e.t, {source_sql('x.src', guard=True)} "
            f"FROM ({self.halves.union(cols)}) x "
            f"JOIN {self.instants['start']} i ON i.v = x.vs AND i.wk = {lit(monday.isoformat())} "
            f"LEFT JOIN {self.instants['end']} e ON e.v = x.ve "
            f"LEFT JOIN {self.maps['person']} pm ON pm.code = x.person "
            f"LEFT JOIN {self.maps['place']} lm ON lm.code = x.place"
        )

    # -- inside the import transaction
    def attach(self, fresh: list[date], spans: list[tuple[int, object]]) -> None:
        for monday in fresh:
            table, name = self.weeks[monday], partition_name(monday)
            self.cur.execute(f"ALTER TABLE places_presence ATTACH PARTITION {table} "
                             f"FOR VALUES FROM ({bound(monday)}) TO ({bound(monday, 7)})")
            self.cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_range")
            self.cur.execute(f"ALTER TABLE {table} RENAME TO {name}")
            self.cur.execute(f"ALTER INDEX {table}_pkey RENAME TO {name}_pkey")
            self.cur.execute(f"ALTER INDEX {table}_place_id_start_idx "
                             f"RENAME TO {name}_place_id_start_idx")
        if spans:
            self.cur.execute(SPANS.format(rows="SELECT * FROM unnest(%s::int[], %s::interval[]) "
                                               "AS u(place_id, span)"),
                             [[p for p, _s in spans], [s for _p, s in spans]])

    def upsert_rest(self, mondays: list[date]) -> tuple[int, int]:
        """Rows of weeks that already have a partition: a normal upsert (triggers run)."""
        if not mondays:
            return 0, 0
        st, rest = self.halves.stage, f"{self.tag}_rest"
        weeks = ", ".join(lit(m.isoformat()) for m in mondays)
        cols = (f"{st.raw('person_id')} AS person, {st.raw('place_code')} AS place, "
                f"{st.raw('start')} AS vs, {st.raw('end')} AS ve, {st.raw('source')} AS src")
        self.cur.execute(GUARD)
        self.cur.execute(
            f"CREATE TEMP TABLE {rest} ON COMMIT DROP AS "
            f"SELECT p.id AS person_id, pl.id AS place_id, i.t AS start, e.t AS \"end\", "
            f"{source_sql('x.src', guard=True)} AS source "
            f"FROM ({self.halves.union(cols)}) x "
            f"JOIN {self.instants['start']} i ON i.v = x.vs AND i.wk IN ({weeks}) "
            f"LEFT JOIN {self.instants['end']} e ON e.v = x.ve "
            "LEFT JOIN registry_person p ON p.national_id = x.person "
            "LEFT JOIN places_place pl ON pl.code = x.place")
        rows = self.cur.rowcount
        self.cur.execute(f"SELECT count(*) FROM {rest} WHERE person_id IS NULL "
                         "OR place_id IS NULL OR \"end\" < start")
        if self.cur.fetchone()[0]:
            raise FastPathFailed("unknown references or end before start")
        self.cur.execute(f"ANALYZE {rest}")
        self.cur.execute(UPSERT.format(source=rest))
        changed = self.cur.rowcount
        self.cur.execute(f"DROP TABLE {rest}")
        return rows, changed


def _strict_instant(expr: str) -> str:
    """ISO 8601 with an offset, then a cast (the regex alone allows month 13)."""
    return (f"CASE WHEN {expr} ~ {lit(spec.INSTANT_RE)} AND pg_input_is_valid({expr}, "
            f"'timestamptz') THEN ({expr})::timestamptz END")


# ---- the checked path -------------------------------------------------------------

def load_checked(cur, stage: Staged, tag: str, progress: Progress) -> int:
    """Load rows that passed the row checks, from the typed twin (trimmed values).

    Runs in the import transaction: new weeks are plain tables filled through
    a scratch partitioned root, indexed in bulk and attached; rows of
    existing weeks go through INSERT ... ON CONFLICT.
    """
    t0 = time.monotonic()
    cur.execute(f"SELECT DISTINCT date_trunc('week', ts AT TIME ZONE 'UTC')::date "
                f"FROM {stage.typed}")
    fresh = new_weeks(cur, sorted(r[0] for r in cur.fetchall()))
    root, rest = f"{tag}_load", f"{tag}_load_rest"
    cur.execute(f"CREATE TABLE {root} {LIKE} PARTITION BY RANGE (start)")
    cur.execute(f"CREATE UNLOGGED TABLE {rest} PARTITION OF {root} DEFAULT")
    for monday in fresh:
        cur.execute(f"CREATE TABLE {partition_name(monday)} {LIKE}")
        cur.execute(f"ALTER TABLE {root} ATTACH PARTITION {partition_name(monday)} "
                    f"FOR VALUES FROM ({bound(monday)}) TO ({bound(monday, 7)})")
    cur.execute(
        f"INSERT INTO {root} SELECT p.id, pl.id, t.ts, t.te, {source_sql('t.source', False)} "
        f"FROM {stage.typed} t JOIN registry_person p ON p.national_id = t.person_id "
        "JOIN places_place pl ON pl.code = t.place_code")
    loaded = cur.rowcount
    for monday in fresh:
        _index_and_attach(cur, root, monday)
    _note_spans(cur, [partition_name(m) for m in fresh])
    cur.execute(f"ANALYZE {rest}")
    cur.execute(UPSERT.format(source=rest))
    upserted = cur.rowcount
    cur.execute(f"SELECT count(*) FROM {rest}")
    loaded -= cur.fetchone()[0]
    cur.execute(f"DROP TABLE {root}")
    progress(f"presence.csv: loaded {loaded + upserted:,} checked rows "
             f"in {time.monotonic() - t0:.1f} s")
    return loaded + upserted


def _note_spans(cur, tables: list[str]) -> None:
    if tables:
        rows = " UNION ALL ".join(f'SELECT place_id, "end" - start AS span FROM {t} '
                                  'WHERE "end" IS NOT NULL' for t in tables)
        cur.execute(SPANS.format(rows=rows))


def _index_and_attach(cur, root: str, monday: date) -> None:
    """Build the week's indexes in bulk and make it a partition of places_presence."""
    name = partition_name(monday)
    lo, hi = bound(monday), bound(monday, 7)
    cur.execute(f"ALTER TABLE {root} DETACH PARTITION {name}")
    cur.execute(f"ALTER TABLE {name} ADD PRIMARY KEY (person_id, place_id, start)")
    cur.execute(f"CREATE INDEX {name}_place_id_start_idx ON {name} (place_id, start)")
    cur.execute(f"ALTER TABLE {name} ADD CONSTRAINT {name}_range "
                f"CHECK (start >= {lo} AND start < {hi})")
    cur.execute(f"ALTER TABLE places_presence ATTACH PARTITION {name} "
                f"FOR VALUES FROM ({lo}) TO ({hi})")
    cur.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_range")

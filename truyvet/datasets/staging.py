"""Staging tables: where a dataset's files land, as text, before anything is checked.

Each file is COPYed as-is into an UNLOGGED table of text columns (one per
header field, extras included) plus `n`, its record number in COPY order.
Then a typed twin holds the trimmed values and the parsed dates, instants
and numbers (NULL where the text does not parse), so that checks and upserts
are plain set-based SQL. Tables are created inside the import transaction,
so a rejected import leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from truyvet.datasets import spec
from truyvet.datasets.spec import FileSpec


def lit(value: str) -> str:
    """A SQL string literal, for the module's own constants (never user input)."""
    return "'" + value.replace("'", "''") + "'"


@dataclass
class Staged:
    """One file's staging table and where each spec column landed in it."""

    spec: FileSpec
    table: str
    typed: str
    path: Path | None
    columns: dict[str, str] = field(default_factory=dict)  # spec column -> staging column
    rows: int = 0

    def raw(self, column: str, alias: str = "s") -> str:
        """The column's raw text (NULL when the file has no such column)."""
        col = self.columns.get(column)
        return f"{alias}.{col}" if col else "NULL::text"

    def text(self, column: str, alias: str = "s") -> str:
        """The column's trimmed text, NULL when empty."""
        return f"nullif(btrim({self.raw(column, alias)}), '')"


def create_staging(cur, staged: Staged, header: list[str]) -> None:
    """An UNLOGGED text table shaped like the file's header (or the spec if no file)."""
    names = header if staged.path else list(staged.spec.columns)
    cols = [f"c{i}" for i in range(len(names))]
    for i, name in enumerate(names):
        if name in staged.spec.columns and name not in staged.columns:
            staged.columns[name] = cols[i]
    body = ", ".join(f"{c} text" for c in cols)
    cur.execute(f"CREATE UNLOGGED TABLE {staged.table} "
                f"(n bigint GENERATED ALWAYS AS IDENTITY (CACHE 10000), {body})")


def copy_sql(staged: Staged, ncols: int, header: bool = True, freeze: bool = False) -> str:
    """COPY into the staging table; FREEZE only for a table new in this transaction."""
    cols = ", ".join(f"c{i}" for i in range(ncols))
    return (f"COPY {staged.table} ({cols}) FROM STDIN WITH (FORMAT csv, "
            f"HEADER {str(header).lower()}, FREEZE {str(freeze).lower()}, ENCODING 'UTF8')")


def _date(expr: str) -> str:
    return (f"CASE WHEN {expr} ~ {lit(spec.DATE_RE)} AND pg_input_is_valid({expr}, 'date') "
            f"THEN ({expr})::date END")


def _instant(expr: str) -> str:
    return (f"CASE WHEN {expr} ~ {lit(spec.INSTANT_RE)} "
            f"AND pg_input_is_valid({expr}, 'timestamptz') THEN ({expr})::timestamptz END")


def _decimal(expr: str) -> str:
    return (f"CASE WHEN {expr} ~ {lit(spec.DECIMAL_RE)} AND length({expr}) <= 30 "
            f"THEN round(({expr})::numeric, 6) END")


def _count(expr: str) -> str:
    return (f"CASE WHEN {expr} ~ {lit(spec.COUNT_RE)} AND ({expr})::bigint <= 2147483647 "
            f"THEN ({expr})::integer END")


# Typed columns beyond the trimmed text of every spec column: name -> builder.
PARSED = {
    "people.csv": {"dob": ("date_of_birth", _date)},
    "places.csv": {"lat": ("latitude", _decimal), "lon": ("longitude", _decimal),
                   "dwell": ("dwell_minutes", _count),
                   "overlap": ("min_overlap_minutes", _count), "cap": ("capacity", _count)},
    "memberships.csv": {"vf": ("valid_from", _date), "vt": ("valid_to", _date)},
    "presence.csv": {"ts": ("start", _instant), "te": ("end", _instant)},
}


def create_typed(cur, staged: Staged) -> None:
    """The typed twin: trimmed text of each spec column plus parsed values."""
    parts = ["s.n"]
    for column in staged.spec.columns:
        parts.append(f"{staged.text(column)} AS {_ident(column)}")
    for name, (column, build) in PARSED.get(staged.spec.name, {}).items():
        parts.append(f"{build(staged.text(column))} AS {name}")
    cur.execute(f"CREATE UNLOGGED TABLE {staged.typed} AS SELECT {', '.join(parts)} "
                f"FROM {staged.table} s")
    cur.execute(f"ANALYZE {staged.typed}")


def _ident(column: str) -> str:
    return '"end"' if column == "end" else column

"""`import_dataset`: load a dataset folder (spec/dataset-format.md) all or nothing.

The whole import is one transaction:
1. each file's header is read; each file is COPYed raw into a staging table;
2. the small files are typed and checked set-based in SQL against the folder
   plus the database;
3. enterprises, org units, places, people (with employment history) and
   memberships are upserted;
4. presence is loaded by the fast path of `presence.py` (both cores, through
   side connections; its COPY runs while steps 1-3 do); if that fails, its
   row checks run to say why, and a file they accept is loaded from them.
Any problem raises `DatasetRejected` listing every problem found, and the
transaction is rolled back: nothing is written. Scratch tables that side
connections committed are dropped when the import ends, either way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from truyvet.accounts import audit
from truyvet.datasets import checks, csvio, presence, sidecar, spec, upserts
from truyvet.datasets.csvio import MalformedFile, Problem
from truyvet.datasets.sidecar import Sidecar
from truyvet.datasets.staging import Staged, copy_sql, create_staging, create_typed

Progress = Callable[[str], None]
MAX_PROBLEMS = 100_000
AUDIT_ACTOR = "cli:import-dataset"  # the audit log's "who" of an import (no user)


class DatasetRejected(Exception):
    """The dataset breaks the contract; `problems` says where and why."""

    def __init__(self, problems: list[Problem], more: int = 0) -> None:
        self.problems = problems
        self.more = more
        super().__init__("\n".join(str(p) for p in problems[:20]))


class DatasetNotFound(Exception):
    """The folder does not exist (a usage error, not a rejection)."""


@dataclass
class ImportSummary:
    rows: dict[str, int] = field(default_factory=dict)  # data rows read per file
    written: dict[str, int] = field(default_factory=dict)  # rows inserted or changed
    seconds: dict[str, float] = field(default_factory=dict)
    total_seconds: float = 0.0


def import_dataset(path: str | Path, progress: Progress | None = None) -> ImportSummary:
    """Import the folder at `path`; raise DatasetRejected (nothing written) if invalid."""
    folder = Path(path)
    if not folder.is_dir():
        raise DatasetNotFound(_("%(path)s is not a folder") % {"path": folder})
    headers = read_headers(folder)
    started = time.monotonic()
    # Side connections cannot see an enclosing transaction's rows: inside one
    # (a caller's atomic block, a test case), everything runs on this connection.
    parallel = not connection.in_atomic_block
    run: _Run | None = None
    report = progress or (lambda _m: None)
    try:
        with transaction.atomic(), connection.cursor() as wrapper:
            run = _Run(wrapper.cursor, folder, headers, report, parallel)
            run.execute()
            t0 = time.monotonic()
        # Deferred foreign keys are checked at commit (people, employments, ...).
        report(f"committed in {time.monotonic() - t0:.1f} s")
    finally:
        if run is not None:
            run.close()
    run.summary.total_seconds = time.monotonic() - started
    return run.summary


def read_headers(folder: Path) -> dict[str, list[str]]:
    """Headers of the files present; DatasetRejected if people.csv or a column is missing."""
    if not (folder / spec.PEOPLE.name).is_file():
        raise DatasetRejected([Problem(spec.PEOPLE.name, 0, "", _(
            "the file is missing; every dataset must have people.csv"))])
    headers: dict[str, list[str]] = {}
    problems: list[Problem] = []
    for fs in spec.FILES:
        path = folder / fs.name
        if not path.is_file():
            continue
        try:
            header = csvio.read_header(path)
        except MalformedFile as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(Problem(fs.name, 1, c, _("required column is missing from the header"))
                        for c in fs.columns if c in fs.required and c not in header)
        problems.extend(Problem(fs.name, 1, c, _("the column appears twice in the header"))
                        for c in fs.columns if header.count(c) > 1)
        headers[fs.name] = header
    if problems:
        raise DatasetRejected(problems)
    return headers


class _Run:
    """One import inside its transaction; tables are named after the backend pid."""

    def __init__(self, cur, folder: Path, headers: dict[str, list[str]],
                 progress: Progress, parallel: bool) -> None:
        self.cur, self.folder, self.headers, self.progress = cur, folder, headers, progress
        self.summary = ImportSummary()
        cur.execute("SELECT pg_backend_pid()")
        self.tag = f"{sidecar.PREFIX}{cur.fetchone()[0]}"
        self.staged: dict[str, Staged] = {}
        self.names = checks.Names(*(f"{self.tag}_k_{x}" for x in
                                    ("ent", "org", "person", "place", "cycles")))
        self.side: Sidecar | None = None
        self.halves: presence.Halves | None = None
        if parallel and spec.PRESENCE.name in self.headers:
            sidecar.drop_stale(cur)
            self.side = Sidecar()

    def execute(self) -> None:
        self.cur.execute("SET LOCAL work_mem = '256MB'")
        self.cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
        self.stage_all()
        problems = self.check_small()
        if problems:
            self.reject(problems + self.explain_presence())
        self.upsert_small()
        self.load_presence()
        self.audit()
        for st in self.staged.values():
            self.cur.execute(f"DROP TABLE IF EXISTS {st.table}, {st.typed}")
        self.cur.execute("DROP TABLE " + ", ".join(vars(self.names).values()))

    def close(self) -> None:
        """After the transaction: close side connections, drop what they committed."""
        if self.side is None:
            return
        if self.halves is not None:  # a rejection may come before its COPYs ended
            try:
                self.halves.finish()
            except Exception:  # noqa: BLE001, S110 - the import failed already
                pass
        self.side.close()
        with connection.cursor() as wrapper:
            sidecar.drop_tables(sidecar.scratch_tables(wrapper.cursor, self.tag))

    # ---- staging ---------------------------------------------------------------
    def stage_all(self) -> None:
        problems: list[Problem] = []
        for fs in spec.FILES:
            path = self.folder / fs.name if fs.name in self.headers else None
            st = Staged(fs, f"{self.tag}_{fs.stem}", f"{self.tag}_{fs.stem}_t", path)
            self.staged[fs.name] = st
            if fs is spec.PRESENCE and self.side is not None:
                # Both halves COPY on the side connections while this one
                # checks and writes the small files.
                self._copy_started = time.monotonic()
                self.halves = presence.stage_halves(
                    self.side, st, self.headers[fs.name], self.tag, self.progress)
                continue
            try:
                self.stage(st)
            except MalformedFile as exc:
                problems.extend(exc.problems)
        if problems:
            self.reject(problems)

    def presence_staged(self) -> None:
        """Make sure presence.csv is staged whole in this transaction (for its checks).

        From the halves when they COPYed well (record numbers of the second
        half follow the first's); else by one COPY here, which explains a
        malformed file.
        """
        st = self.staged[spec.PRESENCE.name]
        if self.halves is None or st.rows:
            return
        halves, self.halves = self.halves, None
        try:
            halves.finish()
        except psycopg.Error:
            self.stage(st)  # raises MalformedFile with the reasons
            return
        cols = ", ".join(sorted(set(st.columns.values()), key=lambda c: int(c[1:])))
        first = halves.rows[0]
        self.cur.execute(
            f"CREATE UNLOGGED TABLE {st.table} AS SELECT s.n, {cols} FROM {halves.tables[0]} s "
            f"UNION ALL SELECT s.n + {first}, {cols} FROM {halves.tables[1]} s")
        st.rows = halves.total
        self.summary.rows[st.spec.name] = st.rows

    def stage(self, st: Staged) -> None:
        """COPY one file (inside a savepoint, so a malformed file can be explained)."""
        header = self.headers.get(st.spec.name, [])
        t0 = time.monotonic()
        self.cur.execute("SAVEPOINT tv_copy")
        create_staging(self.cur, st, header)
        if st.path is None:
            self.cur.execute("RELEASE SAVEPOINT tv_copy")
            return
        try:
            with self.cur.copy(copy_sql(st, len(header))) as cp:
                csvio.stream_into(cp.write, st.path, self._copy_progress(st))
        except psycopg.DataError as exc:
            self.cur.execute("ROLLBACK TO SAVEPOINT tv_copy")
            problems = csvio.diagnose(st.path, len(header)) or [
                Problem(st.spec.name, 0, "", str(exc).splitlines()[0])]
            raise MalformedFile(problems) from None
        st.rows = self.cur.rowcount
        self.cur.execute("RELEASE SAVEPOINT tv_copy")
        self.summary.rows[st.spec.name] = st.rows
        self._done(st.spec.name, "copied", st.rows, t0)

    def _copy_progress(self, st: Staged) -> Callable[[int, int], None]:
        t0 = time.monotonic()

        def report(sent: int, total: int) -> None:
            rate = sent / max(time.monotonic() - t0, 1e-6) / 1e6
            self.progress(f"{st.spec.name}: {100 * sent / max(total, 1):.0f}% "
                          f"({rate:.1f} MB/s)")
        return report

    def _done(self, name: str, what: str, rows: int, t0: float) -> None:
        dt = time.monotonic() - t0
        self.summary.seconds[name] = self.summary.seconds.get(name, 0.0) + dt
        self.progress(f"{name}: {what} {rows:,} rows in {dt:.1f} s "
                      f"({rows / max(dt, 1e-6):,.0f} rows/s)")

    # ---- checks ----------------------------------------------------------------
    def check_small(self) -> list[Problem]:
        for fs in spec.FILES:
            if fs is not spec.PRESENCE:
                create_typed(self.cur, self.staged[fs.name])
        self.build_known()
        problems: list[Problem] = []
        for fs in spec.FILES:
            if fs is not spec.PRESENCE:
                problems += self.check_file(self.staged[fs.name])
        return problems

    def build_known(self) -> None:
        """What will exist after the import: folder rows win over database rows."""
        n, st = self.names, self.staged
        ent, org = st[spec.ENTERPRISES.name].typed, st[spec.ORG_UNITS.name].typed
        ppl, pl = st[spec.PEOPLE.name].typed, st[spec.PLACES.name].typed
        sqls = [
            f"CREATE UNLOGGED TABLE {n.ent} AS SELECT code FROM {ent} WHERE code IS NOT NULL "
            "UNION SELECT code FROM registry_enterprise",
            f"CREATE UNLOGGED TABLE {n.org} AS SELECT DISTINCT ON (code) code, enterprise_code, "
            f"parent_code FROM {org} WHERE code IS NOT NULL UNION ALL "
            "SELECT o.code, e.code, p.code FROM registry_orgunit o "
            "JOIN registry_enterprise e ON e.id = o.enterprise_id "
            "LEFT JOIN registry_orgunit p ON p.id = o.parent_id "
            f"WHERE NOT EXISTS (SELECT 1 FROM {org} t WHERE t.code = o.code)",
            f"CREATE UNLOGGED TABLE {n.person} AS SELECT person_id AS code FROM {ppl} "
            "WHERE person_id IS NOT NULL UNION SELECT national_id FROM registry_person",
            f"CREATE UNLOGGED TABLE {n.place} AS SELECT DISTINCT ON (code) code, kind "
            f"FROM {pl} WHERE code IS NOT NULL UNION ALL SELECT code, kind FROM places_place p "
            f"WHERE NOT EXISTS (SELECT 1 FROM {pl} t WHERE t.code = p.code)",
            f"CREATE UNLOGGED TABLE {n.cycles} AS WITH RECURSIVE walk(origin, cur, depth) AS ("
            f"SELECT code, parent_code, 1 FROM {n.org} WHERE parent_code IS NOT NULL "
            f"AND code IN (SELECT code FROM {org}) UNION ALL "
            f"SELECT w.origin, k.parent_code, w.depth + 1 FROM walk w JOIN {n.org} k "
            "ON k.code = w.cur WHERE w.cur <> w.origin AND k.parent_code IS NOT NULL "
            "AND w.depth < 200) SELECT DISTINCT origin AS code FROM walk WHERE cur = origin",
        ]
        for sql in sqls:
            self.cur.execute(sql)
        for table in (n.ent, n.org, n.person, n.place):
            self.cur.execute(f"ANALYZE {table}")

    def check_file(self, st: Staged) -> list[Problem]:
        if st.path is None:
            return []
        t0 = time.monotonic()
        file_checks = checks.CHECKS[st.spec.name](self.names)
        self.cur.execute(checks.check_sql(st, file_checks, MAX_PROBLEMS))
        found = self.cur.fetchall()
        self._done(st.spec.name, "checked", st.rows, t0)
        if not found:
            return []
        records = {n for n, _i, _v in found}
        records |= {int(v) for _n, i, v in found if file_checks[i].value_is_record}
        lines = csvio.record_lines(st.path, records)
        problems = []
        for n, i, value in found:
            check = file_checks[i]
            shown = lines.get(int(value), value) if check.value_is_record else value
            problems.append(Problem(st.spec.name, lines.get(n, n + 1), check.column,
                                    check.message().replace("%(value)s", str(shown))))
        return problems

    def explain_presence(self) -> list[Problem]:
        st = self.staged[spec.PRESENCE.name]
        if st.path is None:
            return []
        try:
            self.presence_staged()
        except MalformedFile as exc:
            return exc.problems
        self.progress(_("presence.csv: checking every row to list the problems ..."))
        create_typed(self.cur, st)
        return self.check_file(st)

    def reject(self, problems: list[Problem]) -> None:
        order = {fs.name: i for i, fs in enumerate(spec.FILES)}
        problems.sort(key=lambda p: (order.get(p.file, -1), p.line))
        more = max(0, len(problems) - MAX_PROBLEMS)
        raise DatasetRejected(problems[:MAX_PROBLEMS], more)

    # ---- audit -----------------------------------------------------------------
    def audit(self) -> None:
        """Log the people whose records this import changed, in its transaction.

        People created or changed are those whose row now carries this
        transaction's timestamp (the upsert sets updated_at = now()); to them
        are added the people named in memberships.csv when memberships were
        written. Ids are bounded per entry (audit.record_bulk_change)."""
        self.cur.execute("SELECT id FROM registry_person WHERE updated_at = now()")
        ids = {r[0] for r in self.cur.fetchall()}
        mem = self.staged[spec.MEMBERSHIPS.name]
        if self.summary.written.get(mem.spec.name):
            self.cur.execute(f"SELECT p.id FROM {mem.typed} t "
                             "JOIN registry_person p ON p.national_id = t.person_id")
            ids.update(r[0] for r in self.cur.fetchall())
        written = ", ".join(f"{k} {v}" for k, v in self.summary.written.items())
        audit.record_bulk_change(None, f"dataset {self.folder.name!r}: {written or 'nothing'}",
                                 sorted(ids), actor=AUDIT_ACTOR)

    # ---- writing ---------------------------------------------------------------
    def upsert_small(self) -> None:
        st, cur = self.staged, self.cur
        today = timezone.localdate()
        steps = [
            (spec.ENTERPRISES, lambda s: (upserts.zones_and_districts(cur, s),
                                          upserts.enterprises(cur, s))[1]),
            (spec.ORG_UNITS, lambda s: upserts.org_units(cur, s)),
            (spec.PLACES, lambda s: upserts.places(cur, s)),
            (spec.PEOPLE, lambda s: upserts.people(cur, s, today)),
            (spec.MEMBERSHIPS, lambda s: upserts.memberships(cur, s)),
        ]
        for fs, step in steps:
            if st[fs.name].path is None:
                continue
            t0 = time.monotonic()
            self.summary.written[fs.name] = step(st[fs.name])
            self._done(fs.name, "imported", st[fs.name].rows, t0)

    def load_presence(self) -> None:
        st = self.staged[spec.PRESENCE.name]
        if st.path is None:
            return
        t0 = time.monotonic()
        if self.fast_presence():
            self._done(st.spec.name, "imported", st.rows, t0)
            return
        problems = self.explain_presence()
        if problems:
            self.reject(problems)
        self.summary.written[st.spec.name] = presence.load_checked(
            self.cur, st, self.tag, self.progress)
        self._done(st.spec.name, "imported", st.rows, t0)

    def fast_presence(self) -> bool:
        """The fast path (presence.FastLoad); False when it cannot vouch for the file."""
        if self.halves is None:
            return False
        try:
            halves = self.halves.finish()
        except psycopg.Error:
            return False  # malformed: the single COPY in explain_presence says where
        st = self.staged[spec.PRESENCE.name]
        st.rows = halves.total
        self.summary.rows[st.spec.name] = st.rows
        self._done(st.spec.name, "copied", st.rows, self._copy_started)
        self.cur.execute("SAVEPOINT tv_presence")
        try:
            self.summary.written[st.spec.name] = presence.FastLoad(
                self.cur, self.side, halves, self.tag, self.progress).run()
        except (presence.FastPathFailed, psycopg.Error) as exc:
            self.cur.execute("ROLLBACK TO SAVEPOINT tv_presence")
            self.progress(f"presence.csv: fast path stopped ({str(exc).splitlines()[0]})")
            st.rows = 0  # staged again whole, in this transaction, for the checks
            return False
        self.cur.execute("RELEASE SAVEPOINT tv_presence")
        self.halves = None
        return True

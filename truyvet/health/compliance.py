"""Who is behind: today's test report against the deadline, worker-list age,
and the share of workers with a residence, a QR badge and a scan today.

`compliance_rows(enterprise_ids_qs, now)` is one set-based query (GROUP BY
enterprise in CTEs), whatever the number of enterprises; sorting and filters
are plain Python over its result (a few thousand rows at most).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from truyvet.core.models import Policy
from truyvet.core.timeutil import local_midnight

ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"
REPORT_LABELS = {ON_TIME: _("On time"), LATE: _("Late"), MISSING: _("Not reported"),
                 PENDING: _("Not yet (before deadline)")}


@dataclass(frozen=True)
class Rules:
    deadline: time
    max_age_days: int

    @classmethod
    def current(cls) -> Rules:
        p = Policy.current()
        return cls(p.test_report_deadline, p.worklist_max_age_days)


@dataclass
class ComplianceRow:
    id: int
    code: str
    name: str
    zone: str
    workers: int
    with_room: int
    with_badge: int | None  # None: badges are not available in this installation
    scanned: int
    vaccinated: int
    reported_at: datetime | None
    tests: int
    positives: int
    list_applied_at: datetime | None
    report: str = PENDING
    list_age_days: int | None = None
    list_stale: bool = True

    def share(self, n: int | None) -> int | None:
        if n is None:
            return None
        return round(100 * n / self.workers) if self.workers else 0

    @property
    def room_share(self) -> int | None:
        return self.share(self.with_room)

    @property
    def badge_share(self) -> int | None:
        return self.share(self.with_badge)

    @property
    def scan_share(self) -> int | None:
        return self.share(self.scanned)

    @property
    def vaccinated_share(self) -> int | None:
        return self.share(self.vaccinated)

    @property
    def report_label(self) -> str:
        return str(REPORT_LABELS[self.report])

    @property
    def behind(self) -> bool:
        return self.report in (LATE, MISSING) or self.list_stale


@functools.cache
def _badge_table() -> str | None:
    """The active-badge table of `checkins.Badge` when that model exists and is migrated."""
    try:
        model = apps.get_model("checkins", "Badge")
    except LookupError:
        return None
    table = model._meta.db_table
    return table if table in connection.introspection.table_names() else None


def _sql(scope_sql: str, badge_table: str | None) -> str:
    badge_cte = (f""", badge AS (
  SELECT p.enterprise_id AS eid, count(DISTINCT b.person_id) AS n
  FROM {connection.ops.quote_name(badge_table)} b JOIN people p ON p.id = b.person_id
  WHERE b.revoked_at IS NULL GROUP BY 1)""" if badge_table else "")
    badge_col = "coalesce(badge.n, 0)" if badge_table else "NULL"
    badge_join = "LEFT JOIN badge ON badge.eid = e.id" if badge_table else ""
    return f"""
WITH scope AS ({scope_sql}),
people AS (
  SELECT id, enterprise_id FROM registry_person WHERE enterprise_id IN (SELECT id FROM scope)),
w AS (SELECT enterprise_id AS eid, count(*) AS n FROM people GROUP BY 1),
res AS (
  SELECT p.enterprise_id AS eid, count(DISTINCT m.person_id) AS n
  FROM places_membership m JOIN people p ON p.id = m.person_id
  WHERE m.group_kind = 'room' AND m.valid_from <= %s AND (m.valid_to IS NULL OR m.valid_to >= %s)
  GROUP BY 1),
scan AS (
  SELECT p.enterprise_id AS eid, count(DISTINCT pr.person_id) AS n
  FROM places_presence pr JOIN people p ON p.id = pr.person_id
  WHERE pr.start >= %s AND pr.start < %s GROUP BY 1),
vax AS (
  SELECT p.enterprise_id AS eid, count(DISTINCT v.person_id) AS n
  FROM health_vaccination v JOIN people p ON p.id = v.person_id GROUP BY 1),
rep AS (SELECT enterprise_id AS eid, reported_at, tests, positives
        FROM health_dailyreport WHERE day = %s AND enterprise_id IN (SELECT id FROM scope)),
lst AS (SELECT enterprise_id AS eid, max(applied_at) AS at FROM worklists_importjob
        WHERE status = 'applied' AND enterprise_id IN (SELECT id FROM scope) GROUP BY 1)
{badge_cte}
SELECT e.id, e.code, e.name, coalesce(z.name, ''), coalesce(w.n, 0), coalesce(res.n, 0),
       {badge_col}, coalesce(scan.n, 0), coalesce(vax.n, 0),
       rep.reported_at, coalesce(rep.tests, 0), coalesce(rep.positives, 0), lst.at
FROM registry_enterprise e
LEFT JOIN registry_zone z ON z.id = e.zone_id
LEFT JOIN w ON w.eid = e.id LEFT JOIN res ON res.eid = e.id LEFT JOIN scan ON scan.eid = e.id
LEFT JOIN vax ON vax.eid = e.id LEFT JOIN rep ON rep.eid = e.id LEFT JOIN lst ON lst.eid = e.id
{badge_join}
WHERE e.id IN (SELECT id FROM scope)
"""


def classify(row: ComplianceRow, now: datetime, rules: Rules) -> ComplianceRow:
    """Set the report status and the list age of one row at `now`."""
    local = timezone.localtime(now)
    today = local.date()
    deadline = timezone.make_aware(datetime.combine(today, rules.deadline))
    if row.reported_at is not None:
        row.report = ON_TIME if row.reported_at <= deadline else LATE
    else:
        row.report = MISSING if now > deadline else PENDING
    if row.list_applied_at is not None:
        row.list_age_days = (today - timezone.localdate(row.list_applied_at)).days
        row.list_stale = row.list_age_days > rules.max_age_days
    else:
        row.list_age_days, row.list_stale = None, True
    return row


def compliance_rows(enterprises: QuerySet, now: datetime | None = None,
                    rules: Rules | None = None) -> list[ComplianceRow]:
    """Compliance of every enterprise in `enterprises` (a scoped queryset) at `now`."""
    now = now or timezone.now()
    rules = rules or Rules.current()
    today: date = timezone.localdate(now)
    t0 = local_midnight(today)
    scope_sql, scope_params = enterprises.order_by().values("id").query.sql_with_params()
    sql = _sql(scope_sql, _badge_table())
    params = [*scope_params, today, today, t0, t0 + timedelta(days=1), today]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = [ComplianceRow(*r) for r in cur.fetchall()]
    return [classify(r, now, rules) for r in rows]


SORTS = {
    "name": lambda r: (r.name.lower(),),
    "workers": lambda r: (-r.workers, r.name.lower()),
    "report": lambda r: ({MISSING: 0, LATE: 1, PENDING: 2, ON_TIME: 3}[r.report], r.name.lower()),
    "list": lambda r: (-(r.list_age_days if r.list_age_days is not None else 10**6), r.name.lower()),
    "room": lambda r: (r.room_share, r.name.lower()),
    "badge": lambda r: (r.badge_share or 0, r.name.lower()),
    "scan": lambda r: (r.scan_share, r.name.lower()),
    "vaccinated": lambda r: (r.vaccinated_share, r.name.lower()),
}
FILTERS = {
    "behind": lambda r: r.behind,
    "report": lambda r: r.report in (LATE, MISSING),
    "list": lambda r: r.list_stale,
}


def sort_and_filter(rows: list[ComplianceRow], sort: str = "report", show: str = "") -> list[ComplianceRow]:
    """Unknown sort keys sort by report status; unknown filters show everything."""
    if show in FILTERS:
        rows = [r for r in rows if FILTERS[show](r)]
    return sorted(rows, key=SORTS.get(sort, SORTS["report"]))

"""Health endpoints of API v1: an enterprise's test results and vaccination
coverage, and compliance for authorities.

Scoping as on the pages: test results and coverage through
`scoping.health_entry_enterprises`, compliance through
`scoping.compliance_enterprises` (roles that have no compliance page get 404).
Test results name people: masked by `accounts.privacy`, audited.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime, timedelta
from typing import Literal
from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError

from truyvet.accounts import audit, scoping
from truyvet.accounts.privacy import people_views
from truyvet.api.auth import api_user
from truyvet.api.schemas import Paged, PageQuery
from truyvet.api.views import paginate
from truyvet.core.timeutil import local_midnight
from truyvet.health import compliance, services
from truyvet.health.models import TestResult
from truyvet.registry.models import Enterprise

router = Router(tags=["health"])


class TestResultQuery(PageQuery):
    __test__ = False

    date: dt.date | None = Field(None, description="sample date (Hanoi), YYYY-MM-DD; default: all")
    result: Literal["negative", "positive", "invalid"] | None = None


class TestResultOut(Schema):
    __test__ = False

    person_uuid: UUID
    full_name: str
    national_id: str
    masked: bool
    sampled_at: datetime
    test_type: str
    pool_id: str
    result: str


class CoverageOut(Schema):
    org_unit_id: int | None = Field(description="null: the whole enterprise (the first item)")
    name: str
    depth: int
    workers: int
    dose1: int
    dose2: int
    dose3: int
    share1: int = Field(description="% of workers with at least one dose")
    share2: int = Field(description="% of workers with at least two doses")


class ComplianceQuery(PageQuery):
    date: dt.date | None = Field(None, description="YYYY-MM-DD (Hanoi); a past day shows its end; "
                              "default: now")
    sort: Literal["report", "name", "workers", "list", "room", "badge", "scan", "vaccinated"] = "report"
    show: Literal["", "behind", "report", "list"] = ""


class ComplianceOut(Schema):
    id: int
    code: str
    name: str
    zone: str
    workers: int
    report: str = Field(description="on_time, late, missing or pending")
    reported_at: datetime | None
    tests: int
    positives: int
    list_applied_at: datetime | None
    list_age_days: int | None
    list_stale: bool
    room_share: int | None
    badge_share: int | None
    scan_share: int | None
    vaccinated_share: int | None
    behind: bool


def _enterprise(request: HttpRequest, enterprise_id: int) -> Enterprise:
    return scoping.get_visible_or_404(scoping.health_entry_enterprises(api_user(request)),
                                      pk=enterprise_id)


def _not_future(name: str, day: date | None) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError([{"loc": ["query", name], "msg": "must not be in the future"}])


@router.get("/enterprises/{int:enterprise_id}/test-results", response=Paged[TestResultOut])
def list_test_results(request: HttpRequest, enterprise_id: int, params: Query[TestResultQuery]) -> dict:
    """Test results of the enterprise's workers, newest sample first."""
    _not_future("date", params.date)
    enterprise = _enterprise(request, enterprise_id)
    qs = (TestResult.objects.filter(enterprise=enterprise)
          .select_related("person__enterprise", "person__org_unit").order_by("-sampled_at", "-pk"))
    if params.date is not None:
        qs = qs.filter(sampled_at__gte=local_midnight(params.date),
                       sampled_at__lt=local_midnight(params.date + timedelta(days=1)))
    if params.result is not None:
        qs = qs.filter(result=params.result)
    page = paginate(qs, params)
    user = api_user(request)
    views = people_views(user, [t.person for t in page["items"]])
    page["items"] = [TestResultOut(
        person_uuid=v.uuid, full_name=v.full_name, national_id=v.national_id, masked=v.masked,
        sampled_at=t.sampled_at, test_type=t.test_type, pool_id=t.pool_id, result=t.result,
    ) for t, v in zip(page["items"], views, strict=True)]
    audit.record_access(user, audit.API_PEOPLE, f"API GET {request.get_full_path()}",
                        person_ids=sorted({v.id for v in views}), request=request,
                        masked=any(v.masked for v in views))
    return page


@router.get("/enterprises/{int:enterprise_id}/vaccination-coverage", response=Paged[CoverageOut])
def vaccination_coverage(request: HttpRequest, enterprise_id: int, params: Query[PageQuery]) -> dict:
    """The enterprise (first item), then each workshop and team in tree order."""
    enterprise = _enterprise(request, enterprise_id)
    rows = services.coverage(enterprise.pk)
    rows[0].name = enterprise.name
    return paginate([CoverageOut(org_unit_id=r.unit_id, name=r.name, depth=r.depth, workers=r.workers,
                                 dose1=r.dose1, dose2=r.dose2, dose3=r.dose3, share1=r.share1,
                                 share2=r.share2) for r in rows], params)


@router.get("/compliance", response=Paged[ComplianceOut])
def list_compliance(request: HttpRequest, params: Query[ComplianceQuery]) -> dict:
    """Every enterprise in the caller's scope: daily test report, worker-list age,
    residence, badge, scan and vaccination shares (as on the compliance page)."""
    user = api_user(request)
    role = scoping.role_of(user)
    if role not in scoping.COMPLIANCE_AUTHORITIES and role not in scoping.DATA_KEEPERS:
        raise Http404
    _not_future("date", params.date)
    now = timezone.now()
    if params.date is not None and params.date < timezone.localdate(now):
        now = local_midnight(params.date + timedelta(days=1)) - timedelta(microseconds=1)
    rows = compliance.compliance_rows(scoping.compliance_enterprises(user), now)
    rows = compliance.sort_and_filter(rows, params.sort, params.show)
    return paginate([ComplianceOut(
        id=r.id, code=r.code, name=r.name, zone=r.zone, workers=r.workers, report=r.report,
        reported_at=r.reported_at, tests=r.tests, positives=r.positives,
        list_applied_at=r.list_applied_at, list_age_days=r.list_age_days, list_stale=r.list_stale,
        room_share=r.room_share, badge_share=r.badge_share, scan_share=r.scan_share,
        vaccinated_share=r.vaccinated_share, behind=r.behind) for r in rows], params)

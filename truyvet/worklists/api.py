"""Worker-list endpoints of API v1: an enterprise's import history.

Scoped like the worker-list page (`scoping.worklist_enterprises`); the rows
name files and staff accounts, not workers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from truyvet.accounts import scoping
from truyvet.api.auth import api_user
from truyvet.api.schemas import Paged, PageQuery
from truyvet.api.views import paginate
from truyvet.worklists.models import ImportJob

router = Router(tags=["worker lists"])


class ImportQuery(PageQuery):
    status: Literal["preview", "queued", "applying", "applied", "failed", "cancelled"] | None = None


class WorklistImportOut(Schema):
    uuid: UUID
    file_name: str
    file_size: int
    sheet_name: str
    status: str
    created_at: datetime
    applied_at: datetime | None
    created_by: str | None = Field(description="the uploading account's username")
    rows: int
    counts: dict[str, int]

    @staticmethod
    def resolve_created_by(obj: ImportJob) -> str | None:
        return obj.created_by.username if obj.created_by_id else None

    @staticmethod
    def resolve_rows(obj: ImportJob) -> int:
        return obj.total

    @staticmethod
    def resolve_counts(obj: ImportJob) -> dict[str, int]:
        return {k: v for k, v in (obj.counts or {}).items() if isinstance(v, int)}


@router.get("/enterprises/{int:enterprise_id}/worklist-imports", response=Paged[WorklistImportOut])
def list_worklist_imports(request: HttpRequest, enterprise_id: int, params: Query[ImportQuery]) -> dict:
    """Uploads of the enterprise's worker list, newest first (all statuses unless
    `status` is given)."""
    enterprise = scoping.get_visible_or_404(scoping.worklist_enterprises(api_user(request)),
                                            pk=enterprise_id)
    qs = (ImportJob.objects.filter(enterprise=enterprise).select_related("created_by")
          .defer("preview").order_by("-created_at", "-pk"))
    if params.status is not None:
        qs = qs.filter(status=params.status)
    return paginate(qs, params)

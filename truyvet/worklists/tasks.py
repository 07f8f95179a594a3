"""Background work of the worklists app (django-tasks; inline in tests)."""

from __future__ import annotations

from django_tasks import task

from truyvet.worklists.apply import apply_import


@task()
def apply_import_task(job_id: int, confirmed_by_id: int | None = None) -> dict:
    """Apply a confirmed worker-list import (see `apply.apply_import`);
    `confirmed_by_id` is the user who confirmed it (for the audit log)."""
    return apply_import(job_id, confirmed_by_id=confirmed_by_id)

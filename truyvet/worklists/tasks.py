"""Background work of the worklists app (django-tasks; inline in tests)."""

from __future__ import annotations

from django_tasks import task

from truyvet.worklists.apply import apply_import


@task()
def apply_import_task(job_id: int) -> dict:
    """Apply a confirmed worker-list import (see `apply.apply_import`)."""
    return apply_import(job_id)

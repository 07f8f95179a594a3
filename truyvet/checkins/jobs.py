"""Background jobs as database rows (badge sheets, posters).

`enqueue` adds a row (it carries progress, result and error for the page to
poll); `run_pending` claims rows one at a time with SELECT ... FOR UPDATE SKIP
LOCKED and runs them. `kick` puts `run_jobs_task` on the project's one task
queue (django-tasks on PostgreSQL, run by `truyvet worker`; inline in tests).
A job stuck in "running" (its process died) is requeued after STALE_AFTER.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from truyvet.checkins.models import Job

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=30)
Handler = Callable[[Job, Callable[[int], None]], tuple[bytes, str]]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn
    return register


def enqueue(kind: str, params: dict, *, user: object = None, enterprise_id: int | None = None,
            total: int = 0) -> Job:
    return Job.objects.create(kind=kind, params=params, created_by=user, enterprise_id=enterprise_id,
                              total=total)


def claim() -> Job | None:
    """The oldest queued job, marked running; None when there is none."""
    with transaction.atomic():
        Job.objects.filter(status=Job.Status.RUNNING, started__lt=timezone.now() - STALE_AFTER).update(
            status=Job.Status.QUEUED)
        job = (Job.objects.select_for_update(skip_locked=True)
               .filter(status=Job.Status.QUEUED).order_by("created").first())
        if job is None:
            return None
        job.status, job.started = Job.Status.RUNNING, timezone.now()
        job.save(update_fields=["status", "started"])
        return job


def run(job: Job) -> None:
    """Run one claimed job; its row ends done (with the result) or failed."""
    def progress(n: int) -> None:
        Job.objects.filter(pk=job.pk).update(progress=n)

    try:
        with translation.override(job.params.get("lang") or "vi"):
            data, name = HANDLERS[job.kind](job, progress)
    except Exception as e:  # a job's failure is data on its row, never a crash of the worker
        log.exception("job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=str(e)[:2000],
                                             finished=timezone.now())
        return
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, result=data, result_name=name,
                                         finished=timezone.now())


def run_pending(limit: int = 100) -> int:
    """Claim and run queued jobs until none is left (at most `limit`)."""
    from truyvet.checkins import job_kinds  # noqa: F401  (registers the handlers)

    done = 0
    while done < limit:
        job = claim()
        if job is None:
            break
        run(job)
        done += 1
    return done


@task()
def run_jobs_task() -> int:
    """The background task that drains the job rows (run by `truyvet worker`)."""
    return run_pending()


def kick() -> None:
    """Get queued jobs going on the project's task queue (inline in tests)."""
    run_jobs_task.enqueue()

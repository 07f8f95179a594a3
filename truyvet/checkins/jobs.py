"""Background jobs as database rows (badge sheets, posters).

`enqueue` adds a row; `run_pending` claims rows one at a time with
SELECT ... FOR UPDATE SKIP LOCKED and runs them. The web view starts a worker
thread that drains the queue (`start_worker`); `truyvet run-jobs` does the same
from a shell or a service; tests call `run_pending()` inline. One code path.
A job stuck in "running" (its process died) is requeued after STALE_AFTER.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from django.db import close_old_connections, connection, transaction
from django.utils import timezone, translation

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


def start_worker() -> threading.Thread:
    """A daemon thread that drains the queue and ends (its own DB connection)."""
    def work() -> None:
        try:
            run_pending()
        finally:
            close_old_connections()
            connection.close()

    t = threading.Thread(target=work, name="truyvet-jobs", daemon=True)
    t.start()
    return t


# Tests set this to True: `kick` then runs the queue in the request, inline.
RUN_INLINE = False


def kick() -> None:
    """Get queued jobs going: inline in tests, else in a worker thread."""
    if RUN_INLINE:
        run_pending()
    else:
        start_worker()

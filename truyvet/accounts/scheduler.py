"""A small daily scheduler run beside the task worker (`truyvet worker`).

Each minute it looks for daily jobs that are due (their hour, Hanoi time, has
come and they have not run today) and claims each with one UPDATE on
`accounts_scheduledjob`, so that with several workers only one enqueues it.
The job itself runs as a django-tasks task.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, time

from django.db import close_old_connections, connection
from django.db.models import Q
from django.utils import timezone

from truyvet.accounts.models import ScheduledJob

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DailyJob:
    name: str
    at: time  # local time (settings.TIME_ZONE)
    task_path: str  # "module.attribute" of a django-tasks task


DAILY_JOBS = (
    DailyJob("purge_presence", time(2, 0), "truyvet.accounts.tasks.purge_presence_task"),
    DailyJob("purge_security_counters", time(2, 30),
             "truyvet.accounts.tasks.purge_security_counters_task"),
)


def _due_since(job: DailyJob, now: datetime) -> datetime | None:
    """Today's run time if it has passed, else None."""
    local = timezone.localtime(now)
    run_at = local.replace(hour=job.at.hour, minute=job.at.minute, second=0, microsecond=0)
    return run_at if local >= run_at else None


def claim(job: DailyJob, now: datetime) -> bool:
    """Mark `job` as run today if it is due and nobody did; True when we did."""
    since = _due_since(job, now)
    if since is None:
        return False
    ScheduledJob.objects.get_or_create(name=job.name)
    not_yet = Q(last_run__isnull=True) | Q(last_run__lt=since)
    return bool(ScheduledJob.objects.filter(not_yet, name=job.name).update(last_run=now))


def run_due(now: datetime | None = None, jobs: tuple[DailyJob, ...] = DAILY_JOBS) -> list[str]:
    """Enqueue every due, unclaimed job; returns their names."""
    from django.utils.module_loading import import_string

    now = now or timezone.now()
    started = []
    for job in jobs:
        if claim(job, now):
            import_string(job.task_path).enqueue()
            started.append(job.name)
    return started


def loop(stop: threading.Event, interval: float = 60.0) -> None:
    """Check for due jobs every `interval` seconds until `stop` is set."""
    while not stop.is_set():
        try:
            close_old_connections()
            for name in run_due():
                log.warning("scheduled daily job %s", name)
        except Exception:  # keep the scheduler alive; the next minute retries
            log.exception("daily scheduler failed")
        finally:
            connection.close()
        stop.wait(interval)


def start_thread() -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=loop, args=(stop,), name="truyvet-scheduler", daemon=True)
    thread.start()
    return thread, stop

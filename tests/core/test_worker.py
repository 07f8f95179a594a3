"""Background work goes through the one PostgreSQL-backed task queue and the
`truyvet worker` command runs it."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from truyvet.checkins import jobs
from truyvet.checkins.models import Job


@pytest.mark.django_db(transaction=True)
def test_job_is_queued_in_postgresql_and_run_by_the_worker(settings, world):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = jobs.enqueue("posters", {"enterprise_id": world.e1.pk, "base_url": "http://x/"},
                       enterprise_id=world.e1.pk, total=2)
    jobs.kick()
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED  # nothing runs until the worker does

    call_command("worker", batch=True, verbosity=0)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE and bytes(job.result).startswith(b"%PDF")
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"

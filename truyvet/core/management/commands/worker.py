"""`truyvet worker`: run background tasks (django-tasks, PostgreSQL-backed).

A thin name over django-tasks-db's `db_worker`, which claims task rows with
SELECT ... FOR UPDATE SKIP LOCKED. `truyvet serve` starts one beside gunicorn.
Unless --no-scheduler or --batch is given, a scheduler thread enqueues the
daily jobs (presence retention, security counters) when due
(`truyvet.accounts.scheduler`).
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background task worker (all queues) and the daily scheduler."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", action="store_true",
                            help="run what is queued, then exit")
        parser.add_argument("--no-scheduler", action="store_true",
                            help="do not enqueue the daily jobs")

    def handle(self, *args, **options) -> None:
        stop = None
        if not options["batch"] and not options["no_scheduler"]:
            from truyvet.accounts.scheduler import start_thread

            _thread, stop = start_thread()
        try:
            call_command("db_worker", queue_name="*", batch=options["batch"], reload=False,
                         verbosity=options["verbosity"])
        finally:
            if stop is not None:
                stop.set()

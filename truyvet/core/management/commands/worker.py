"""`truyvet worker`: run background tasks (django-tasks, PostgreSQL-backed).

A thin name over django-tasks-db's `db_worker`, which claims task rows with
SELECT ... FOR UPDATE SKIP LOCKED. `truyvet serve` starts one beside gunicorn.
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background task worker (all queues)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", action="store_true",
                            help="run what is queued, then exit")

    def handle(self, *args, **options) -> None:
        call_command("db_worker", queue_name="*", batch=options["batch"], reload=False,
                     verbosity=options["verbosity"])

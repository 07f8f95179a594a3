"""`truyvet run-jobs`: run queued background jobs (badge sheets, posters)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from truyvet.checkins.jobs import run_pending


class Command(BaseCommand):
    help = "Run queued check-in jobs; with --loop, keep polling (Ctrl-C to stop)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=2.0)

    def handle(self, *args, **o) -> None:
        while True:
            n = run_pending()
            if n:
                self.stdout.write(f"ran {n} job(s)")
            if not o["loop"]:
                return
            time.sleep(max(0.2, o["interval"]))

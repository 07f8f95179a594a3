"""`truyvet generate-dataset DIR --people N --days D --seed S`: a synthetic province."""

from __future__ import annotations

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from truyvet.datasets.generator import generate_dataset


class Command(BaseCommand):
    help = "Write a synthetic province as a dataset folder (deterministic for a seed)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder")
        parser.add_argument("--people", type=int, default=25_000)
        parser.add_argument("--days", type=int, default=14)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--start", type=date.fromisoformat, default=None,
                            help="first day YYYY-MM-DD (default: the window ending yesterday)")
        parser.add_argument("--enterprises", type=int, default=None,
                            help="number of enterprises (default: one per 90 people)")

    def handle(self, *args, **options) -> None:
        if options["people"] < 1 or options["days"] < 1:
            raise CommandError(_("--people and --days must be at least 1"), returncode=2)
        summary = generate_dataset(
            options["folder"], people=options["people"], days=options["days"],
            seed=options["seed"], start=options["start"], enterprises=options["enterprises"],
            progress=lambda m: print(m, file=sys.stderr, flush=True))
        self.stdout.write(_("%(people)d people, %(enterprises)d enterprises, %(places)d places, "
                            "%(memberships)d memberships, %(presence)d presence rows")
                          % vars(summary))

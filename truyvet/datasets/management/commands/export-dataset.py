"""`truyvet export-dataset DIR`: write the whole database as a dataset folder."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from truyvet.datasets.exporter import export_dataset


class Command(BaseCommand):
    help = "Export the database as a dataset folder (spec/dataset-format.md)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder")
        parser.add_argument("--quiet", action="store_true", help="no progress on stderr")

    def handle(self, *args, **options) -> None:
        progress = None if options["quiet"] else (
            lambda m: print(m, file=sys.stderr, flush=True))
        counts = export_dataset(options["folder"], progress=progress)
        for name, rows in counts.items():
            self.stdout.write(_("%(file)s: %(rows)d rows") % {"file": name, "rows": rows})

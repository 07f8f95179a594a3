"""`truyvet import-dataset DIR`: load a dataset folder, all or nothing.

Exit status: 0 imported, 1 rejected (every problem on stderr as
`file:line: column: reason`), 2 usage error (e.g. no such folder).
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from truyvet.datasets.extras import apply_demo_extras
from truyvet.datasets.importer import DatasetNotFound, DatasetRejected, import_dataset


class Command(BaseCommand):
    help = "Import a dataset folder (spec/dataset-format.md); nothing is written if any row is invalid."

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder")
        parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
        parser.add_argument("--demo-extras", action="store_true",
                            help="also apply demo_extras.json (boarding houses, bus drivers)")

    def handle(self, *args, **options) -> None:
        progress = None if options["quiet"] else self._progress
        try:
            summary = import_dataset(options["folder"], progress=progress)
        except DatasetNotFound as exc:
            raise CommandError(str(exc), returncode=2) from None
        except DatasetRejected as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            if exc.more:
                self.stderr.write(_("... and %(count)d more problems") % {"count": exc.more})
            raise CommandError(_("dataset rejected: %(count)d problem(s), nothing was imported")
                               % {"count": len(exc.problems) + exc.more}, returncode=1) from None
        if options["demo_extras"]:
            apply_demo_extras(options["folder"])
        for name, rows in summary.rows.items():
            self.stdout.write(_("%(file)s: %(rows)d rows, %(written)d written")
                              % {"file": name, "rows": rows,
                                 "written": summary.written.get(name, 0)})
        self.stdout.write(_("imported in %(seconds).1f s") % {"seconds": summary.total_seconds})

    def _progress(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)

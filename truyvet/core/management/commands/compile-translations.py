"""Compile every app's locale/*/LC_MESSAGES/django.po into .mo, in pure Python
(no GNU gettext needed on a fresh machine)."""

from pathlib import Path

import polib
from django.core.management.base import BaseCommand

ROOT = Path(__file__).resolve().parents[3]


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po to .mo)."

    def handle(self, *args, **options) -> None:
        count = 0
        for po_path in sorted(ROOT.glob("**/locale/*/LC_MESSAGES/*.po")):
            po = polib.pofile(str(po_path))
            po.save_as_mofile(str(po_path.with_suffix(".mo")))
            count += 1
        if options["verbosity"] > 0:
            self.stdout.write(f"compiled {count} catalogue(s)")

"""`truyvet purge-presence [--dry-run]`: remove presence older than the retention period."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from truyvet.accounts.retention import purge_presence


class Command(BaseCommand):
    help = "Remove check-in presence older than Policy.retention_days (drops whole weeks)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="count what would be removed; change nothing")

    def handle(self, *args, **options) -> None:
        r = purge_presence(dry_run=options["dry_run"])
        verb = "would remove" if r.dry_run else "removed"
        self.stdout.write(
            f"presence before {r.cutoff:%Y-%m-%d %H:%M} UTC: {verb} {r.removed} row(s) "
            f"({len(r.dropped_partitions)} weekly partition(s): "
            f"{', '.join(r.dropped_partitions) or '-'}; {r.deleted_rows} row(s) deleted)"
        )

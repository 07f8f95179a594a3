"""`truyvet`: the one command-line entry point.

It runs every Django management command (`truyvet migrate`, `truyvet
createsuperuser`, ...) and the project's own (`truyvet serve`, `truyvet demo`,
`truyvet import-dataset`, `truyvet trace`, ...), after making sure the
database is there: with no DATABASE_URL, the embedded PostgreSQL under var/.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "truyvet"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truyvet.settings")
    if len(argv) > 1 and argv[1] == "db":
        _db(argv[2:])
        return
    if not os.environ.get("DATABASE_URL") and not os.environ.get("TRUYVET_EMBEDDED_URL"):
        from truyvet.core import embedded_pg

        os.environ["TRUYVET_EMBEDDED_URL"] = embedded_pg.ensure_running(verbose=True)
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def _db(args: list[str]) -> None:
    """`truyvet db start|stop|status|url`: manage the embedded PostgreSQL."""
    from truyvet.core import embedded_pg

    action = args[0] if args else "status"
    if action == "start":
        print(embedded_pg.ensure_running(verbose=True))
    elif action == "stop":
        embedded_pg.stop()
        print("stopped")
    elif action == "url":
        print(embedded_pg.database_url())
    elif action == "status":
        print("running" if embedded_pg.is_running() else "stopped")
    else:
        print("usage: truyvet db start|stop|status|url", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()

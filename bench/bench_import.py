"""Benchmark: `import-dataset` against a raw PostgreSQL COPY of the same presence rows.

    .venv/bin/python bench/bench_import.py --people 300000 --days 14

1. generates the province into bench/out/ (reused when already there);
2. creates a fresh database `bench_import` on the same server (the demo's
   `truyvet` database is never touched), migrates it, and imports the folder in
   a child process (so its peak RSS is the import's alone), timing each file;
3. in the same run, COPYs presence.csv into a bare table (no indexes, no
   constraints, typed columns: text, text, timestamptz, timestamptz, text,
   created in an earlier transaction so the COPY is WAL-logged as any normal
   load would be), streamed from Python in 1 MiB chunks like the importer;
4. prints rows, seconds and rows/s for both, the ratio, the peak RSS and the
   load average (the import uses both cores; the raw COPY is one connection,
   one core: the baseline is "what one plain COPY of the file costs");
5. drops the `bench_import` database (unless --keep).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_DB = "bench_import"

import benchdb  # noqa: E402


def fresh_database() -> str:
    return benchdb.fresh_database(BENCH_DB)


def drop_database() -> None:
    benchdb.drop_database(BENCH_DB)


def ensure_dataset(people: int, days: int, seed: int) -> Path:
    from datetime import date

    from truyvet.datasets.generator import generate_dataset

    out = ROOT / "bench" / "out" / f"p{people}_d{days}_s{seed}"
    done = out / ".complete"
    if not done.exists():
        t0 = time.monotonic()
        summary = generate_dataset(out, people=people, days=days, seed=seed,
                                   start=date(2021, 5, 17))
        done.write_text(json.dumps({"presence": summary.presence}))
        print(f"generated {out} in {time.monotonic() - t0:.0f} s", flush=True)
    else:
        print(f"reusing {out}", flush=True)
    return out


def child_import(folder: str) -> None:
    """Run in a child process: import, then print the summary and own peak RSS as JSON."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truyvet.settings")
    django.setup()
    from truyvet.datasets.importer import import_dataset

    summary = import_dataset(folder, progress=lambda m: print(m, file=sys.stderr, flush=True))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": summary.rows, "seconds": summary.seconds,
                      "total": summary.total_seconds, "maxrss_kib": rss}))


def run_import(url: str, folder: Path) -> dict:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "truyvet.cli", "migrate", "-v", "0"], env=env,
                   check=True, cwd=ROOT)
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, __file__, "--child-import", str(folder)], env=env,
                         check=True, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall"] = time.monotonic() - t0
    return result


def raw_copy(url: str, presence: Path) -> tuple[int, float]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw_presence")
        conn.execute('CREATE TABLE bench_raw_presence (person_id text, place_code text, '
                     'start timestamptz, "end" timestamptz, source text)')
        t0 = time.monotonic()
        with conn.cursor() as cur:
            with cur.copy("COPY bench_raw_presence FROM STDIN WITH (FORMAT csv, HEADER true)") as cp:
                with open(presence, "rb") as fh:
                    while chunk := fh.read(1 << 20):
                        cp.write(chunk)
            rows = cur.rowcount
        seconds = time.monotonic() - t0
        conn.execute("DROP TABLE bench_raw_presence")
    return rows, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the bench_import database")
    parser.add_argument("--child-import", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_import:
        child_import(args.child_import)
        return
    folder = ensure_dataset(args.people, args.days, args.seed)
    load_before = os.getloadavg()
    url = fresh_database()
    result = run_import(url, folder)
    p_rows = result["rows"]["presence.csv"]
    raw_rows, raw_s = raw_copy(url, folder / "presence.csv")
    imp_rate = p_rows / result["total"]
    raw_rate = raw_rows / raw_s
    print("\nper file (seconds: copy + check + write):")
    for name, secs in result["seconds"].items():
        print(f"  {name:18} {result['rows'].get(name, 0):>12,} rows {secs:8.1f} s")
    print(f"import (all files):     {p_rows:>12,} presence rows {result['total']:8.1f} s "
          f"{imp_rate:>12,.0f} presence rows/s")
    print(f"raw COPY presence.csv:  {raw_rows:>12,} rows          {raw_s:8.1f} s "
          f"{raw_rate:>12,.0f} rows/s")
    print(f"ratio import/raw:       {imp_rate / raw_rate:.0%}")
    print(f"import peak RSS:        {result['maxrss_kib'] / 1024:.0f} MiB")
    # Both timings share the machine with whatever else runs: say how busy it was.
    print("load average 1/5/15 min: before {:.2f} {:.2f} {:.2f}, after {:.2f} {:.2f} {:.2f} "
          "({} cores)".format(*load_before, *os.getloadavg(), os.cpu_count()))
    if not args.keep:
        drop_database()


if __name__ == "__main__":
    main()

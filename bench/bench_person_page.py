"""Benchmark of the person page's "everyone related" fragment (run by hand).

    .venv/bin/python bench/bench_person_page.py [--db bench_trace_100000] [--people 20]

Times `truyvet.cases.person_contacts.person_contacts` (current team, room and
roommates, bus, recent places, and a depth-1 trace over the last 14 days) and
the rendering of its template, for random people of an existing database on
the running server (by default the one `bench/bench_trace.py` builds). "Now"
is the end of the data's presence, so the 14-day window is full. Read-only:
nothing is written to the database. Prints median, p95 and max wall time,
queries per call and contacts found.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRUYVET = str(ROOT / ".venv" / "bin" / "truyvet")


from benchdb import server_url  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="bench_trace_100000")
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = server_url(args.db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truyvet.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    from truyvet.accounts.models import Role, User
    from truyvet.cases.person_contacts import person_contacts
    from truyvet.registry.models import Person

    with connection.cursor() as cur:
        cur.execute("SELECT max(start) FROM places_presence")
        end = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM registry_person")
        population = cur.fetchone()[0]
    now = end + timedelta(hours=1)
    user = User(username="bench", role=Role.HEALTH_AUTHORITY, is_active=True)  # province CDC
    ids = list(Person.objects.values_list("pk", flat=True))
    rng = random.Random(args.seed)
    sample = rng.sample(ids, min(args.people, len(ids)))
    print(f"database {args.db}: {population} people; now = {now:%Y-%m-%d %H:%M} UTC; "
          f"{len(sample)} random people", file=sys.stderr)
    warm = Person.objects.select_related("enterprise", "org_unit").get(pk=sample[0])
    render_to_string("cases/_person_contacts.html",  # warm up: caches, template compile
                     {"person": warm, "info": person_contacts(user, warm, now)})
    times, render_times, contacts, queries = [], [], [], []
    for pk in sample:
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            person = Person.objects.select_related("enterprise", "org_unit").get(pk=pk)
            info = person_contacts(user, person, now)
            t1 = time.perf_counter()
            render_to_string("cases/_person_contacts.html", {"person": person, "info": info})
            t2 = time.perf_counter()
        times.append((t1 - t0) * 1000)
        render_times.append((t2 - t0) * 1000)
        contacts.append(info.total)
        queries.append(len(ctx.captured_queries))

    def p95(xs: list[float]) -> float:
        return sorted(xs)[max(0, int(round(0.95 * len(xs))) - 1)]

    print(f"function     median {statistics.median(times):7.1f} ms  p95 {p95(times):7.1f} ms  "
          f"max {max(times):7.1f} ms")
    print(f"with render  median {statistics.median(render_times):7.1f} ms  "
          f"p95 {p95(render_times):7.1f} ms  max {max(render_times):7.1f} ms")
    print(f"contacts     median {statistics.median(contacts):7.0f}  max {max(contacts)}  "
          f"queries per call {min(queries)}-{max(queries)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

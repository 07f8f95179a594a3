"""Benchmark: preview and apply of a 10,000-row worker list.

    .venv/bin/python bench/bench_worklist.py [--rows 10000]

Creates a fresh database `bench_worklist` on the app's PostgreSQL server (the
`truyvet` database is never touched), migrates it, registers one enterprise
with 300 boarding-house rooms and 20 buses, generates a realistic workbook
(a title row, Vietnamese headers, IDs as numbers that lost their leading 0,
dates as text, phones with dots), then times, through the real services:
1. preview of the new list (read + parse + plan) and apply (all new workers);
2. preview and apply of the same list three days later with 10% of the
   workers moved to another team and room, and 2% gone (employment ended).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_DB = "bench_worklist"

import benchdb  # noqa: E402


def fresh_database() -> str:
    return benchdb.fresh_database(BENCH_DB)


def workbook(rows: list[list]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Danh sach")
    ws.append(["DANH SÁCH NGƯỜI LAO ĐỘNG - CÔNG TY TNHH BENCH"])
    ws.append([])
    ws.append(["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD/CMND", "Số điện thoại",
               "Quê quán", "Nơi ở hiện tại", "Bộ phận / Phân xưởng", "Tổ", "Tuyến xe",
               "Số mũi vắc xin"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def make_rows(n: int, rng: random.Random, moved: float = 0.0, gone: float = 0.0) -> list[list]:
    rows = []
    for i in range(n):
        if gone and i % int(1 / gone) == 0:
            continue
        shift = 1 if moved and i % int(1 / moved) == 1 else 0
        team = (i // 40 + shift) % 240
        ws = team % 12
        rows.append([
            i + 1, f"Nguyễn Văn Thử {i}", f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1975 + i % 30}",
            "Nam" if i % 2 else "Nữ", 24000000000 + (1900 + i % 100) * 10**6 % 10**9 + i,  # number, no 0
            f"091.{i % 1000:03d}.{i % 10000:04d}", "Lục Nam, Bắc Giang",
            f"Phòng {1 + (i + shift) % 10} - Nhà trọ Bench {((i + shift) // 10) % 30}",
            f"Phân xưởng {ws}", f"Tổ {team}", f"Tuyến {i % 20}", 2,
        ])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    url = fresh_database()
    os.environ["DATABASE_URL"] = url
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truyvet.settings")
    subprocess.run([sys.executable, "-m", "truyvet.cli", "migrate", "-v", "0"], check=True,
                   env=os.environ)
    import django

    django.setup()
    from truyvet.accounts.models import Role, User
    from truyvet.places.models import BoardingHouse, Place
    from truyvet.registry.models import Enterprise, Person
    from truyvet.worklists import services
    from truyvet.worklists.apply import apply_import
    from truyvet.worklists.models import ImportJob

    ent = Enterprise.objects.create(code="BENCH", name="Công ty TNHH Bench")
    user = User.objects.create_user("bench", role=Role.ENTERPRISE_ADMIN, enterprise=ent)
    for h in range(30):
        house = BoardingHouse.objects.create(code=f"NTB{h}", name=f"Nhà trọ Bench {h}")
        Place.objects.bulk_create([Place(code=f"NTB{h}-P{r}", kind="room", name=f"Phòng {r}",
                                         boarding_house=house) for r in range(1, 11)])
    Place.objects.bulk_create([Place(code=f"BENCH-BUS{b}", kind="bus", name=f"Tuyến {b}", enterprise=ent,
                                     vehicle_plate=f"98B-{10000 + b}") for b in range(20)])
    rng = random.Random(1)

    def round_trip(label: str, rows: list[list], end_missing: bool) -> None:
        data = workbook(rows)
        t0 = time.perf_counter()
        job = services.create_preview(ent, user, data, f"{label}.xlsx")
        t1 = time.perf_counter()
        assert services.can_confirm(job), job.preview["errors"][:3] or job.preview["conflicts"][:3]
        ImportJob.objects.filter(pk=job.pk).update(status="queued", end_missing=end_missing)
        apply_import(job.pk)
        t2 = time.perf_counter()
        job.refresh_from_db()
        assert job.status == "applied", job.error
        c = job.counts
        print(f"{label:>8}: {len(rows):>6} rows, {len(data) / 2**20:.1f} MiB | preview {t1 - t0:5.2f} s"
              f" | apply {t2 - t1:5.2f} s | new {c['new']}, changed {c['changed']}, "
              f"missing {c['missing']}, ended {c['ended']}, units {c['units_to_create']}, "
              f"rooms unmatched {c['residence_unmatched']}")

    round_trip("first", make_rows(args.rows, rng), False)
    round_trip("update", make_rows(args.rows, rng, moved=0.1, gone=0.02), True)
    print(f"workers now: {Person.objects.filter(enterprise=ent).count()}")


if __name__ == "__main__":
    main()

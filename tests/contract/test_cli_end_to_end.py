"""The two contracts end to end, as an outside checker would use them: write a
dataset folder, `truyvet import-dataset` it, `truyvet trace --json`, compare
with what `spec/tracing.md` says by hand; then a bad folder is refused whole."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

TRUYVET = str(Path(sys.executable).with_name("truyvet"))

F0, BUS_MATE, GATE_ONLY, F2, ROOMMATE, SHORT = (
    "079201001234", "079201005678", "079201000001", "079201000002", "079201000003", "P-5")


def write(folder: Path, name: str, header: list[str], rows: list[list[str]]) -> None:
    with open(folder / name, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def dataset(folder: Path) -> Path:
    folder.mkdir()
    write(folder, "enterprises.csv", ["code", "name", "zone"], [["DN1", "Công ty Một", "KCN-QC"]])
    write(folder, "org_units.csv", ["code", "enterprise_code", "kind", "name", "parent_code"],
          [["DN1-W", "DN1", "workshop", "Xưởng 1", ""]])
    write(folder, "people.csv", ["person_id", "full_name", "enterprise_code", "org_unit_code"],
          [[p, f"Người {p}", "DN1", "DN1-W"] for p in (F0, BUS_MATE, GATE_ONLY, F2, ROOMMATE, SHORT)])
    write(folder, "places.csv", ["code", "kind", "name", "enterprise_code"],
          [["BUS-98B-12345", "bus", "Xe 98B-123.45", "DN1"], ["GATE1", "gate", "Cổng", "DN1"],
           ["WS1", "workshop", "Xưởng", "DN1"], ["R1", "room", "Phòng 1", ""]])
    write(folder, "presence.csv", ["person_id", "place_code", "start", "end", "source"], [
        [F0, "BUS-98B-12345", "2021-06-08T07:05:00+07:00", "2021-06-08T07:40:00+07:00", "qr_self"],
        [BUS_MATE, "BUS-98B-12345", "2021-06-08T07:00:00+07:00", "2021-06-08T07:45:00+07:00", ""],
        [F0, "GATE1", "2021-06-08T07:50:00+07:00", "", "qr_guard"],
        [GATE_ONLY, "GATE1", "2021-06-08T07:50:00+07:00", "", "qr_guard"],  # gates never count
        [F0, "WS1", "2021-06-09T08:00:00+07:00", "2021-06-09T08:14:00+07:00", ""],
        [SHORT, "WS1", "2021-06-09T08:00:00+07:00", "2021-06-09T09:00:00+07:00", ""],  # 14 < 15
        [BUS_MATE, "BUS-98B-12345", "2021-06-10T17:00:00+07:00", "", ""],  # default dwell 60
        [F2, "BUS-98B-12345", "2021-06-10T17:30:00+07:00", "2021-06-10T17:35:00+07:00", ""],
    ])
    write(folder, "memberships.csv", ["person_id", "group_kind", "group_code", "valid_from",
                                      "valid_to"],
          [[F0, "room", "R1", "2021-06-01", ""], [ROOMMATE, "room", "R1", "2021-05-01", ""]])
    return folder


def run(*args: str) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    url = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([TRUYVET, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.django_db(transaction=True)
def test_import_then_trace_gives_the_spec_answer(tmp_path):
    folder = dataset(tmp_path / "ds")
    imported = run("import-dataset", str(folder))
    assert imported.returncode == 0, imported.stderr
    again = run("import-dataset", str(folder))  # idempotent
    assert again.returncode == 0, again.stderr

    out = run("trace", F0, "--onset", "2021-06-10", "--as-of", "2021-06-12T09:30:00+07:00",
              "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["index"] == {"person_id": F0, "window_start": "2021-06-08T00:00:00+07:00",
                               "window_end": "2021-06-12T09:30:00+07:00"}
    assert result["as_of"] == "2021-06-12T09:30:00+07:00" and result["depth"] == 2
    assert result["contacts"] == [
        {"person_id": ROOMMATE, "level": 1, "exposed_at": "2021-06-08T00:00:00+07:00",
         "via": {"person_id": F0, "context": "room", "code": "R1",
                 "start": "2021-06-08T00:00:00+07:00", "end": "2021-06-12T09:30:00+07:00"}},
        {"person_id": BUS_MATE, "level": 1, "exposed_at": "2021-06-08T07:05:00+07:00",
         "via": {"person_id": F0, "context": "place", "code": "BUS-98B-12345",
                 "start": "2021-06-08T07:05:00+07:00", "end": "2021-06-08T07:40:00+07:00"}},
        {"person_id": F2, "level": 2, "exposed_at": "2021-06-10T17:30:00+07:00",
         "via": {"person_id": BUS_MATE, "context": "place", "code": "BUS-98B-12345",
                 "start": "2021-06-10T17:30:00+07:00", "end": "2021-06-10T17:35:00+07:00"}},
    ]

    exported = run("export-dataset", str(tmp_path / "out"))
    assert exported.returncode == 0, exported.stderr
    presence = (tmp_path / "out" / "presence.csv").read_text(encoding="utf-8").splitlines()
    assert len(presence) == 1 + 8
    assert f"{GATE_ONLY},GATE1,2021-06-08T07:50:00+07:00,,qr_guard" in presence


@pytest.mark.django_db(transaction=True)
def test_a_bad_folder_is_refused_whole_with_every_problem(tmp_path):
    folder = dataset(tmp_path / "ds")
    with open(folder / "presence.csv", "a", newline="", encoding="utf-8") as fh:
        fh.write(f"{F0},WS1,2021-06-09T10:00:00+07:00,2021-06-09T09:00:00+07:00,\n")  # line 10
        fh.write(f"{F0},NOWHERE,2021-06-09 10:00,,\n")  # line 11: unknown place, no offset
    out = run("import-dataset", str(folder))
    assert out.returncode == 1
    assert "presence.csv:10: end:" in out.stderr
    assert "presence.csv:11: place_code:" in out.stderr
    assert "presence.csv:11: start:" in out.stderr
    from truyvet.registry.models import Person

    assert Person.objects.count() == 0  # nothing from the rejected folder


def test_crlf_split_across_chunks_becomes_one_line_feed():
    from truyvet.datasets.csvio import _LineFeeds

    out: list[bytes] = []
    feed = _LineFeeds(out.append)
    for chunk in (b"a,b\r", b"\nc,d\r\n", b"e,f\n", b"g\r"):
        feed(chunk)
    feed.flush()
    assert b"".join(out) == b"a,b\nc,d\ne,f\ng\r"

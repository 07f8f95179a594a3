"""Export: complete, deterministic, and exactly re-importable."""

from __future__ import annotations

import csv

import pytest

from tests.datasets.helpers import counts, empty_database
from truyvet.datasets import spec
from truyvet.datasets.exporter import export_dataset
from truyvet.datasets.importer import import_dataset

pytestmark = pytest.mark.django_db(transaction=True)


def read(folder) -> dict[str, bytes]:
    return {fs.name: (folder / fs.name).read_bytes() for fs in spec.FILES}


def test_round_trip_is_exact(small_province, tmp_path):
    import_dataset(small_province)
    first = tmp_path / "first"
    export_dataset(first)
    again = tmp_path / "again"
    export_dataset(again)
    assert read(first) == read(again)  # exporting twice gives identical files
    imported = counts()
    empty_database()
    import_dataset(first)
    assert counts() == imported
    second = tmp_path / "second"
    export_dataset(second)
    assert read(first) == read(second)


def test_export_has_every_column_in_spec_order(base_folder, tmp_path):
    import_dataset(base_folder)
    out = tmp_path / "out"
    export_dataset(out)
    for fs in spec.FILES:
        with open(out / fs.name, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert tuple(rows[0]) == fs.columns
        assert all(len(r) == len(fs.columns) for r in rows)
    presence = (out / "presence.csv").read_text().splitlines()
    assert "024301000001,W1,2021-06-08T07:00:00+07:00,2021-06-08T15:00:00+07:00,attendance" \
        in presence
    assert "024201000002,G1,2021-06-08T06:55:00+07:00,2021-06-08T06:55:00+07:00,import" \
        in presence
    places = (out / "places.csv").read_text()
    assert "G1,gate,Cổng,E1,,21.2,106.1,,," in places
    enterprises = (out / "enterprises.csv").read_text()
    assert "E1,Công ty A,,KCN-QC,BG-222,,," in enterprises


def test_utc_and_fractional_instants_export_with_local_offset(tmp_path):
    (tmp_path / "people.csv").write_text("person_id,full_name\nA,Một\n")
    (tmp_path / "places.csv").write_text("code,kind,name\nG,gate,Gate\n")
    (tmp_path / "presence.csv").write_text(
        "person_id,place_code,start,end\nA,G,2021-06-08T00:00:00.25Z,2021-06-08T01:00:00Z\n")
    import_dataset(tmp_path)
    out = tmp_path / "out"
    export_dataset(out)
    assert (out / "presence.csv").read_text().splitlines()[1] == (
        "A,G,2021-06-08T07:00:00.250000+07:00,2021-06-08T08:00:00+07:00,import")

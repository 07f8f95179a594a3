"""Fixtures for the dataset tests: small generated provinces and hand-written folders."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from truyvet.datasets.generator import generate_dataset


def write(folder: Path, name: str, text: str) -> Path:
    """Write one CSV file (the text is dedented line by line, stripped of indentation)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [line.strip() for line in text.strip().splitlines()]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def small_province(tmp_path_factory) -> Path:
    """60 workers over 3 days, generated once per test session."""
    folder = tmp_path_factory.mktemp("province")
    generate_dataset(folder, people=60, days=3, seed=7, start=date(2021, 6, 7))
    return folder


BASE = {
    "enterprises.csv": """
        code,name,zone,district
        E1,Công ty A,KCN-QC,BG-222
        E2,Công ty B,,
    """,
    "org_units.csv": """
        code,enterprise_code,parent_code,kind,name
        E1-S,E1,,site,Site
        E1-T1,E1,E1-S,team,Tổ 1
        E2-S,E2,,site,Site B
    """,
    "places.csv": """
        code,kind,name,enterprise_code,latitude,longitude,dwell_minutes
        G1,gate,Cổng,E1,21.2,106.1,
        W1,workshop,Xưởng,E1,,,
        R1,room,Phòng 1,,,,
        B1,bus,Xe 98B-123.45,E1,,,30
    """,
    "people.csv": """
        person_id,full_name,date_of_birth,sex,phone,hometown,enterprise_code,org_unit_code
        024301000001,Nguyễn Thị Lan,2001-02-03,F,0912345678,Bắc Giang,E1,E1-T1
        024201000002,Trần Văn Nam,2001-05-06,M,,,E1,E1-T1
        X-1,Ngô Văn X,,,,,,
    """,
    "memberships.csv": """
        person_id,group_kind,group_code,valid_from,valid_to
        024301000001,team,E1-T1,2021-01-01,
        024301000001,room,R1,2021-01-01,2021-06-07
        024201000002,bus_route,B1,2021-01-01,
        X-1,household,HK-1,2020-01-01,
    """,
    "presence.csv": """
        person_id,place_code,start,end,source
        024301000001,W1,2021-06-08T07:00:00+07:00,2021-06-08T15:00:00+07:00,attendance
        024201000002,W1,2021-06-08T07:10:00+07:00,,qr_self
        024201000002,G1,2021-06-08T06:55:00+07:00,2021-06-08T06:55:00+07:00,
    """,
}


@pytest.fixture
def base_folder(tmp_path) -> Path:
    """A hand-written valid dataset (every file) that tests copy and break."""
    folder = tmp_path / "base"
    for name, text in BASE.items():
        write(folder, name, text)
    return folder


@pytest.fixture(autouse=True)
def _english():
    """Assertions read the English msgids; the deployment default is Vietnamese."""
    from django.utils import translation

    with translation.override("en"):
        yield

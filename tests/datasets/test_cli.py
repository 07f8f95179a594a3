"""The commands: exit codes (0 imported, 1 rejected, 2 usage) and what they print."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.datasets.conftest import write

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    s = connection.settings_dict
    url = f"postgresql://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "truyvet.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_exit_codes_and_messages(base_folder, tmp_path):
    missing = run_cli("import-dataset", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "nowhere" in missing.stderr
    bad = tmp_path / "bad"
    write(bad, "people.csv", "person_id,full_name\nA,\n")
    rejected = run_cli("import-dataset", "--quiet", str(bad))
    assert rejected.returncode == 1
    assert "people.csv:2: full_name: " in rejected.stderr  # reason in the deployment language
    ok = run_cli("import-dataset", str(base_folder))
    assert ok.returncode == 0, ok.stderr
    assert "presence.csv: 3 " in ok.stdout
    assert "rows/s" in ok.stderr  # progress goes to stderr


def test_call_command_reports_rejection(tmp_path):
    write(tmp_path, "people.csv", "person_id,full_name\nbad id,X\n")
    with pytest.raises(CommandError) as info:
        call_command("import-dataset", str(tmp_path), "--quiet")
    assert info.value.returncode == 1


def test_generate_then_export_commands(tmp_path):
    call_command("generate-dataset", str(tmp_path / "g"), "--people", "30", "--days", "2",
                 "--seed", "1", "--start", "2021-06-07")
    assert (tmp_path / "g" / "presence.csv").stat().st_size > 0
    call_command("import-dataset", str(tmp_path / "g"), "--quiet")
    call_command("export-dataset", str(tmp_path / "e"), "--quiet")
    assert (tmp_path / "e" / "people.csv").read_text().count("\n") == 31

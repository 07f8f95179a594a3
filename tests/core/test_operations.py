"""The operational side: settings helpers, the embedded database, `truyvet serve`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from truyvet.core.env import envbool, envint, envlist

TRUYVET = str(Path(sys.executable).with_name("truyvet"))


def test_env_helpers_parse_and_fail_loudly(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", " a, b ,,c")
    assert envbool("X_BOOL", False) is True
    assert envint("X_INT", 1) == 42
    assert envlist("X_LIST", []) == ["a", "b", "c"]
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        envbool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "forty")
    with pytest.raises(ImproperlyConfigured, match="X_INT"):
        envint("X_INT", 1)


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="uses the embedded server")
def test_embedded_server_is_reused_and_reports_status():
    out = subprocess.run([TRUYVET, "db", "status"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "running"  # the test session itself started it
    url = subprocess.run([TRUYVET, "db", "url"], capture_output=True, text=True, check=True)
    assert url.stdout.startswith("postgresql://postgres@127.0.0.1:")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_http_and_stops_on_sigterm():
    port = _free_port()
    proc = subprocess.Popen(
        [TRUYVET, "serve", "--port", str(port), "--workers", "1", "--keep-db"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/") as resp:
                    body = resp.read().decode()
                    status = resp.status
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None, "server did not answer"
        assert status == 200
        assert "csrfmiddlewaretoken" in body
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert proc.returncode == 0

"""No inline script (or inline style) in any template; uploads judged by content."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from truyvet.core.uploads import UploadRejected, check_upload

ROOT = Path(__file__).resolve().parents[2] / "truyvet"
TEMPLATES = sorted(p for p in ROOT.glob("**/templates/**/*.html"))
# <script> with a body (a src-less script that is not JSON data), on*= handlers,
# javascript: URLs and htmx's hx-on (it evaluates code).
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>"
    r"|\son[a-z]+\s*=|javascript:|\bhx-on",
    re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle\s*=|<style", re.IGNORECASE)
# Templates of other apps whose inline styles their owners have been asked to
# move to CSS (the CSP's style-src 'self' ignores them). Remove each entry when
# fixed: the test fails for a listed template that no longer needs it.
STYLE_PENDING: set[str] = set()


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", TEMPLATES, ids=_rel)
def test_no_inline_script(path):
    hits = [m.group(0) for m in INLINE_SCRIPT.finditer(path.read_text())]
    assert not hits, f"{_rel(path)}: move {hits} to a static .js file (CSP: script-src 'self')"


@pytest.mark.parametrize("path", TEMPLATES, ids=_rel)
def test_no_inline_style(path):
    hits = [m.group(0) for m in INLINE_STYLE.finditer(path.read_text())]
    if _rel(path) in STYLE_PENDING:
        assert hits, f"{_rel(path)} has no inline style now: remove it from STYLE_PENDING"
        return
    assert not hits, f"{_rel(path)}: move style attributes to a CSS class (CSP: style-src 'self')"


def _xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("list.xlsx", _xlsx(), "xlsx"),
    ("list.csv", "Họ tên,CCCD\nAn,024195000001\n".encode(), "csv"),
    ("list.csv", "\ufeffHọ tên\n".encode(), "csv"),
    ("doc.pdf", b"%PDF-1.7\n...", "pdf"),
    ("photo.jpg", b"\xff\xd8\xff\xe0rest", "jpeg"),
])
def test_accepted_by_content(name, content, kind, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    f = SimpleUploadedFile(name, content)
    assert check_upload(f, kinds=("xlsx", "csv", "pdf", "jpeg")) == kind
    assert f.tell() == 0  # left ready to read


@pytest.mark.parametrize(("name", "content"), [
    ("list.xlsx", b"MZ\x90\x00 an executable renamed"),
    ("list.csv", b"\x00\x01\x02binary"),
    ("list.xlsx", b"PK\x03\x04 a zip that is not a workbook"),
    ("doc.pdf", b"\x89PNG\r\n\x1a\n a picture renamed"),
    ("empty.csv", b""),
])
def test_rejected_by_content(name, content):
    with pytest.raises(UploadRejected):
        check_upload(SimpleUploadedFile(name, content), kinds=("xlsx", "csv", "pdf"))


def test_kind_must_be_asked_for_and_size_bounded():
    with pytest.raises(UploadRejected):
        check_upload(SimpleUploadedFile("a.pdf", b"%PDF-1.4"), kinds=("xlsx",))
    with pytest.raises(UploadRejected):
        check_upload(SimpleUploadedFile("a.csv", b"a,b\n" * 100), kinds=("csv",), max_bytes=10)

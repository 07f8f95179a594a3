"""Uploaded files are judged by their content, never by their name or the
browser's content type: `check_upload(file, kinds=(...), max_bytes=...)`.

Use it in every form and endpoint that accepts a file, before reading it:

    from truyvet.core.uploads import check_upload, UploadRejected
    kind = check_upload(request.FILES["file"], kinds=("xlsx", "csv"))

It returns the detected kind or raises `UploadRejected` (a ValidationError,
so forms show it as a field error).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SNIFF_BYTES = 8192
KINDS = ("xlsx", "csv", "pdf", "png", "jpeg", "webp")


class UploadRejected(ValidationError):
    pass


def _size(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return int(size)
    pos = file.tell()
    file.seek(0, 2)
    end = file.tell()
    file.seek(pos)
    return end


def _is_xlsx(file: IO[bytes]) -> bool:
    try:
        with zipfile.ZipFile(file) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def _is_text(head: bytes) -> bool:
    """CSV: text in UTF-8 (with or without BOM), no NUL and no control bytes."""
    if b"\x00" in head:
        return False
    text = head[:-4] if len(head) == SNIFF_BYTES else head  # a cut multi-byte character
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch in "\t\r\n" or ch >= " " for ch in decoded.lstrip("\ufeff"))


def detect(file: IO[bytes]) -> str | None:
    """The kind of `file` from its first bytes (and, for xlsx, its zip directory)."""
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = "webp"
    elif head.startswith(b"PK\x03\x04"):
        kind = "xlsx" if _is_xlsx(file) else None
    elif head and _is_text(head):
        kind = "csv"
    file.seek(0)
    return kind


def check_upload(file: IO[bytes], kinds: Iterable[str] = ("xlsx", "csv", "pdf"),
                 max_bytes: int | None = None) -> str:
    """The kind of `file` if it is one of `kinds` and not larger than `max_bytes`
    (settings.UPLOAD_MAX_BYTES by default); else UploadRejected."""
    allowed = tuple(kinds)
    limit = max_bytes if max_bytes is not None else settings.UPLOAD_MAX_BYTES
    size = _size(file)
    if size == 0:
        raise UploadRejected(_("The uploaded file is empty."), code="empty")
    if size > limit:
        raise UploadRejected(_("The file is too large (at most %(mb)s MB).")
                             % {"mb": round(limit / 1024 / 1024, 1)}, code="too_large")
    kind = detect(file)
    if kind not in allowed:
        raise UploadRejected(_("This file is not of an accepted kind (%(kinds)s).")
                             % {"kinds": ", ".join(allowed)}, code="kind")
    return kind

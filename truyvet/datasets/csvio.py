"""Reading dataset CSV files: headers, streaming into COPY, and locating problems.

The importer never parses data rows in Python on the happy path: it streams
the raw bytes into PostgreSQL's COPY. Python reads a file row by row only
when something went wrong, to give a physical line number (a quoted field
may contain newlines, so "record n is on line n + 1" is not always true).
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

CHUNK = 1 << 20
BOM = b"\xef\xbb\xbf"

csv.field_size_limit(1 << 24)


@dataclass(frozen=True, order=True)
class Problem:
    """One reason a dataset is rejected: `file:line: column: reason`."""

    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"


class MalformedFile(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def read_header(path: Path) -> list[str]:
    """The header row's column names (trimmed, lower-cased); MalformedFile if unreadable."""
    name = path.name
    with open(path, "rb") as fh:
        head = fh.read(CHUNK)
    if not head.strip():
        raise MalformedFile([Problem(name, 1, "", _("the file is empty; a header row is required"))])
    first_line = head.split(b"\n", 1)[0]  # a header has no quoted newlines
    text_io = io.TextIOWrapper(io.BytesIO(first_line), encoding="utf-8-sig", newline="")
    try:
        row = next(csv.reader(text_io, strict=True))
    except UnicodeDecodeError:
        raise MalformedFile([Problem(name, 1, "", _("the file is not valid UTF-8"))]) from None
    except (csv.Error, StopIteration) as exc:
        raise MalformedFile([Problem(name, 1, "", _("unreadable header row: %(error)s")
                                     % {"error": exc})]) from None
    return [c.strip().lower() for c in row]


class _LineFeeds:
    """Passes chunks on with CRLF turned into LF. PostgreSQL's COPY refuses a
    file that mixes the two (an edited export often does); line numbers are
    unchanged. A CR at a chunk's end waits for the next chunk."""

    def __init__(self, write: Callable[[bytes], None]) -> None:
        self.write = write
        self.held = b""

    def __call__(self, chunk: bytes) -> None:
        chunk = self.held + chunk
        self.held = b"\r" if chunk.endswith(b"\r") else b""
        self.write(chunk[: len(chunk) - len(self.held)].replace(b"\r\n", b"\n"))

    def flush(self) -> None:
        if self.held:
            self.write(self.held)
            self.held = b""


def stream_into(write: Callable[[bytes], None], path: Path,
                progress: Callable[[int, int], None] | None = None) -> int:
    """Send the file's bytes to `write` in 1 MiB chunks; returns the byte count."""
    total = path.stat().st_size
    sent = 0
    last = time.monotonic()
    feed = _LineFeeds(write)
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            feed(chunk)
            sent += len(chunk)
            if progress and time.monotonic() - last > 1.0:
                progress(sent, total)
                last = time.monotonic()
    feed.flush()
    return sent


def stream_range(write: Callable[[bytes], None], path: Path, start: int, stop: int,
                 progress: Callable[[int, int], None] | None = None) -> int:
    """Send bytes [start, stop) of the file to `write` in 1 MiB chunks."""
    sent, total = 0, stop - start
    last = time.monotonic()
    feed = _LineFeeds(write)
    with open(path, "rb") as fh:
        fh.seek(start)
        while sent < total and (chunk := fh.read(min(CHUNK, total - sent))):
            feed(chunk)
            sent += len(chunk)
            if progress and time.monotonic() - last > 1.0:
                progress(sent, total)
                last = time.monotonic()
    feed.flush()
    return sent


def diagnose(path: Path, ncols: int, limit: int = 1000) -> list[Problem]:
    """Find the structural problems COPY stumbled on: bad UTF-8, bad quoting, field counts."""
    name = path.name
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return [Problem(name, lineno, "", _("the file is not valid UTF-8 here"))]
    problems: list[Problem] = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, strict=True)
        start = 1
        try:
            for row in reader:
                if len(row) != ncols:
                    problems.append(Problem(name, start, "", _(
                        "expected %(expected)d fields as in the header, found %(found)d")
                        % {"expected": ncols, "found": len(row)}))
                    if len(problems) >= limit:
                        break
                start = reader.line_num + 1
        except csv.Error as exc:
            problems.append(Problem(name, start, "", _("malformed CSV: %(error)s")
                                    % {"error": exc}))
    return problems


def record_lines(path: Path, records: Iterable[int]) -> dict[int, int]:
    """Physical line (1-based, header is line 1) where each data record starts.

    `records` are 1-based data record numbers, as COPY numbers them.
    """
    wanted = set(records)
    if not wanted:
        return {}
    last_wanted = max(wanted)
    found: dict[int, int] = {}
    with open(path, encoding="utf-8-sig", newline="", errors="replace") as fh:
        reader = csv.reader(fh)
        start = 1
        for index, _row in enumerate(reader):
            if index in wanted:
                found[index] = start
            if index >= last_wanted:
                break
            start = reader.line_num + 1
    return found

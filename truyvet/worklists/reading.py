"""Reading spreadsheets as enterprises keep them: plain functions, no Django models.

`read_table(data, file_name, fields)` takes the uploaded bytes and a map of
field -> header synonyms and returns the sheet whose header it recognises,
with each data row as {field: raw value}. It checks the content, not the
name: .xlsx is a ZIP, an encrypted workbook (or an old .xls) is an OLE2
container, anything else must be text to be read as CSV.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
HEADER_SCAN_ROWS = 30  # title rows and merged cells above the header
EMPTY_RUN_LIMIT = 500  # a run of empty rows this long ends a sheet (bad sheet dimensions)
MAX_ROWS = 60_000

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnreadableFile(Exception):
    """The upload cannot be read as a worker list; the message says why, for the user."""


@dataclass
class Table:
    sheet: str
    header_row: int  # 1-based
    columns: dict[str, int]  # field -> 0-based column index
    headers: dict[str, str]  # field -> the header text as written
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)  # (row number, values)
    ignored_headers: list[str] = field(default_factory=list)


def fold(text: object) -> str:
    """Lower case, no diacritics (đ -> d), only letters and digits separated by one space."""
    s = str(text or "").replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"\(.*?\)", " ", s)  # "(12 số)", "(dd/mm/yyyy)"
    return " ".join(re.findall(r"[a-z0-9]+", s))


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def match_header(text: object, fields: Mapping[str, Sequence[str]]) -> str | None:
    """The field a header cell names, or None. Exact synonym first, then a
    synonym of 4+ characters that begins the header ("so cccd cmnd 12 so")."""
    key = fold(text)
    if not key:
        return None
    for name, synonyms in fields.items():
        if key in synonyms:
            return name
    best: tuple[int, str] | None = None
    for name, synonyms in fields.items():
        for syn in synonyms:
            if len(syn) >= 4 and key.startswith(syn + " ") and (best is None or len(syn) > best[0]):
                best = (len(syn), name)
    return best[1] if best else None


def _header_in(row: Sequence[object], fields: Mapping[str, Sequence[str]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(row):
        name = match_header(cell, fields)
        if name and name not in found:
            found[name] = i
    return found


def _find_table(sheet: str, rows: Iterator[Sequence[object]], fields: Mapping[str, Sequence[str]],
                required: Sequence[str]) -> Table | None:
    """The header within the first rows of a sheet, then every data row under it."""
    table: Table | None = None
    empty_run = 0
    for number, row in enumerate(rows, start=1):
        if table is None:
            if number > HEADER_SCAN_ROWS:
                return None
            found = _header_in(row, fields)
            if all(r in found for r in required):
                table = Table(sheet=sheet, header_row=number, columns=found,
                              headers={f: str(row[i]).strip() for f, i in found.items()})
                used = set(found.values())
                table.ignored_headers = [str(c).strip() for i, c in enumerate(row)
                                         if i not in used and str(c or "").strip()]
            continue
        values = {f: (row[i] if i < len(row) else None) for f, i in table.columns.items()}
        if all(v is None or str(v).strip() == "" for f, v in values.items() if f != "stt"):
            empty_run += 1
            if empty_run >= EMPTY_RUN_LIMIT:
                break
            continue
        empty_run = 0
        table.rows.append((number, values))
        if len(table.rows) > MAX_ROWS:
            raise UnreadableFile(_("The file has more than %(n)s rows; split it.") % {"n": MAX_ROWS})
    return table


def _xlsx_sheets(data: bytes) -> Iterator[tuple[str, Iterator[Sequence[object]]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise UnreadableFile(_("The workbook is damaged and cannot be read.")) from exc
    except Exception as exc:  # openpyxl raises assorted errors on broken XML
        raise UnreadableFile(_("The workbook is damaged and cannot be read.")) from exc
    try:
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            yield ws.title, ws.iter_rows(values_only=True)
    finally:
        wb.close()


def _decode_text(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise UnreadableFile(_("The file is not a spreadsheet (.xlsx) or a CSV text file."))
    for encoding in ("utf-8-sig", "cp1258", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("The file is not a spreadsheet (.xlsx) or a CSV text file."))


def _csv_rows(text: str) -> Iterator[Sequence[object]]:
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    yield from csv.reader(io.StringIO(text), delimiter=delimiter)


def read_table(data: bytes, file_name: str, fields: Mapping[str, Sequence[str]],
               required: Mapping[str, str]) -> Table:
    """The first sheet (in workbook order) with a recognisable header.

    Raises `UnreadableFile` with a message for the user when the content is not
    a spreadsheet, is encrypted or damaged, is too large, or has no sheet whose
    header names every `required` field (field -> label shown in the message).
    """
    if not data:
        raise UnreadableFile(_("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise UnreadableFile(_("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20})
    if data.startswith(OLE2_MAGIC):
        raise UnreadableFile(_("The workbook is password-protected or in the old .xls format. "
                               "Remove the password and save it as .xlsx."))
    if data.startswith(ZIP_MAGIC):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile as exc:
            raise UnreadableFile(_("The workbook is damaged and cannot be read.")) from exc
        if "xl/workbook.xml" not in names:
            raise UnreadableFile(_("The file is a ZIP archive, not an Excel workbook (.xlsx)."))
        sheets: Iterator[tuple[str, Iterator[Sequence[object]]]] = _xlsx_sheets(data)
    else:
        text = _decode_text(data)
        if not text.strip():
            raise UnreadableFile(_("The file is empty."))
        if re.match(r"\s*<(!doctype|html|\?xml)", text[:200], re.IGNORECASE):
            raise UnreadableFile(_("The file is not a spreadsheet (.xlsx) or a CSV text file."))
        sheets = iter([(file_name or "CSV", _csv_rows(text))])
    seen = []
    try:
        for title, rows in sheets:
            seen.append(title)
            table = _find_table(title, rows, fields, required)
            if table is not None:
                return table
    except UnreadableFile:
        raise
    except Exception as exc:  # a broken sheet part inside an otherwise valid ZIP
        raise UnreadableFile(_("The workbook is damaged and cannot be read.")) from exc
    raise UnreadableFile(
        _("No sheet has a recognisable header row (looked at: %(sheets)s). The header must "
          "name at least these columns: %(columns)s.")
        % {"sheets": ", ".join(seen) or "—", "columns": ", ".join(str(v) for v in required.values())}
    )

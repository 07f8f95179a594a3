"""A daily sheet of test results (Excel or CSV) -> plain rows, with every problem.

Reads with the worker list's tolerant reader (`worklists.reading.read_table`:
title rows, header synonyms without diacritics, CSV or .xlsx by content) and
its cell parsers (`worklists.values`: dates as text or serials, ID numbers
stored as numbers). Nothing here touches the database.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from truyvet.worklists import values
from truyvet.worklists.parsing import WORKLIST_FIELDS, ParsedList, Problem, RowReader
from truyvet.worklists.reading import read_table

# field -> header synonyms, folded (see reading.fold; "(...)" in a header is ignored).
TEST_FIELDS: dict[str, tuple[str, ...]] = {
    "stt": WORKLIST_FIELDS["stt"],
    "full_name": WORKLIST_FIELDS["full_name"],
    "national_id": WORKLIST_FIELDS["national_id"],
    "sample_date": ("ngay lay mau", "ngay xet nghiem", "ngay xn", "ngay test", "ngay lay mau xet nghiem",
                    "sample date", "date"),
    "sample_time": ("gio lay mau", "gio xet nghiem", "gio xn", "thoi gian lay mau", "gio",
                    "sample time", "time"),
    "test_type": WORKLIST_FIELDS["test_type"] + ("loai test", "test type"),
    "pool_id": ("ma mau gop", "ma gop", "so mau gop", "mau gop", "ma mau", "ma ong gop", "pool id",
                "pooled sample"),
    "result": ("ket qua", "ket qua xet nghiem", "ket qua xn", "result"),
}

FIELD_LABELS = {
    "full_name": gettext_lazy("Full name"),
    "national_id": gettext_lazy("ID number (CCCD/CMND)"),
    "sample_date": gettext_lazy("Sample date"),
    "sample_time": gettext_lazy("Sample time"),
    "test_type": gettext_lazy("Test type"),
    "pool_id": gettext_lazy("Pooled sample"),
    "result": gettext_lazy("Result"),
}
REQUIRED = ("national_id", "sample_date", "test_type", "result")

# The Vietnamese headers of the blank template, in order.
TEMPLATE_HEADERS: list[tuple[str, str]] = [
    ("stt", "STT"), ("full_name", "Họ và tên"), ("national_id", "Số CCCD/CMND"),
    ("sample_date", "Ngày lấy mẫu"), ("sample_time", "Giờ lấy mẫu"),
    ("test_type", "Loại xét nghiệm (RT-PCR / test nhanh kháng nguyên)"),
    ("pool_id", "Mã mẫu gộp"), ("result", "Kết quả (Âm tính / Dương tính / Không xác định)"),
]


def _sample_at(r: RowReader, raw: dict, today: date) -> datetime | None:
    """The sample's date and time (Hanoi); a date cell may carry the time itself."""
    cell = raw.get("sample_date")
    if not values.text(cell):
        r.problem("sample_date", _("sample date is missing"))
        return None
    day = r.take("sample_date", values.any_date(cell, today))
    at = r.take("sample_time", values.clock_time(raw.get("sample_time")))
    if at is None and isinstance(cell, datetime) and cell.time() != time(0, 0):
        at = cell.time().replace(second=0, microsecond=0)
    elif at is None and not values.text(raw.get("sample_time")):
        r.problem("sample_time", _("no sample time: 00:00 is used"), warning=True)
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, at or time(0, 0)))


def _required(r: RowReader, name: str, parsed: tuple[str, str | None], missing: str) -> str:
    value = r.take(name, parsed)
    if not value and not parsed[1]:
        r.problem(name, missing)
    return value


def _parse_row(table, number: int, raw: dict, now: datetime, out: ParsedList) -> dict:
    r = RowReader(table, number, raw, out)
    errors_before = len(out.errors)
    nid = _required(r, "national_id", values.national_id(raw.get("national_id")),
                    _("ID number is missing"))
    sampled_at = _sample_at(r, raw, timezone.localdate(now))
    if sampled_at is not None and sampled_at > now:
        r.problem("sample_time", _("The sample time is in the future."))
    test_type = _required(r, "test_type", values.test_type(raw.get("test_type")),
                          _("test type is missing"))
    result = _required(r, "result", values.test_result(raw.get("result")), _("result is missing"))
    return {"row": number, "nid": nid, "name": values.text(raw.get("full_name"))[:200],
            "sampled_at": sampled_at.isoformat() if sampled_at else None, "test_type": test_type,
            "pool_id": values.text(raw.get("pool_id"))[:40], "result": result,
            "ok": len(out.errors) == errors_before}


def parse_test_sheet(data: bytes, file_name: str, now: datetime | None = None) -> ParsedList:
    """Every row of a daily test sheet, normalised, with its problems.

    Raises `reading.UnreadableFile` when the file as a whole cannot be used.
    Only rows without errors are kept in `rows`. A row repeated as it is
    (same person, time, test and result) is kept once, with a warning; the
    same person, time and test with another result is an error.
    """
    now = now or timezone.now()
    table = read_table(data, file_name, TEST_FIELDS, {f: FIELD_LABELS[f] for f in REQUIRED})
    out = ParsedList(sheet=table.sheet, header_row=table.header_row, columns=table.headers,
                     ignored_headers=table.ignored_headers)
    seen: dict[tuple, dict] = {}
    for number, raw in table.rows:
        if not values.text(raw.get("national_id")) and not values.text(raw.get("full_name")):
            continue  # a total line, a signature line, a numbered blank line
        row = _parse_row(table, number, raw, now, out)
        if not row.pop("ok"):
            continue
        key = (row["nid"], row["sampled_at"], row["test_type"])
        first = seen.get(key)
        if first is None:
            seen[key] = row
            out.rows.append(row)
        elif (first["result"], first["pool_id"]) == (row["result"], row["pool_id"]):
            RowReader(table, number, raw, out).problem(
                "national_id", _("same as row %(row)s: counted once") % {"row": first["row"]},
                warning=True)
        else:
            RowReader(table, number, raw, out).problem(
                "result", _("row %(row)s has the same person, sample time and test with another "
                            "result") % {"row": first["row"]})
    if not out.rows and not out.errors:
        out.errors.append(Problem(table.sheet, table.header_row, "", "", "",
                                  _("There are no test results under the header row.")))
    return out

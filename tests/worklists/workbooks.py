"""Realistic worker-list workbooks, built with openpyxl in the tests (no binary fixtures)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD/CMND", "Số điện thoại",
          "Quê quán", "Nơi ở hiện tại", "Bộ phận / Phân xưởng", "Tổ", "Tuyến xe"]


def workbook(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER, *,
             title_rows: int = 2, sheet: str = "Danh sách", extra_sheets: Sequence[str] = (),
             trailing_empty: int = 0) -> bytes:
    """A workbook as an HR clerk keeps it: a merged title above the header,
    maybe an instructions sheet first, maybe trailing blank rows."""
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = extra_sheets[0] if extra_sheets else sheet
    if extra_sheets:
        first["A1"] = "Hướng dẫn điền biểu mẫu"
        first["A2"] = "Điền mỗi người lao động một dòng."
        for name in extra_sheets[1:]:
            wb.create_sheet(name)["A1"] = "ghi chú"
        ws = wb.create_sheet(sheet)
    else:
        ws = first
    if title_rows:
        ws.append(["CÔNG TY TNHH ÁNH DƯƠNG"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        for _ in range(title_rows - 1):
            ws.append([])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    for _ in range(trailing_empty):
        ws.append([None] * len(header))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER, sep: str = ";") -> bytes:
    lines = [sep.join(header)] + [sep.join("" if v is None else str(v) for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def login(client, user) -> None:
    """Log in as `user`, with the second factor given (authorities must give one)."""
    client.force_login(user)
    session = client.session
    session["_tv_2fa"] = "test"  # accounts.twofactor.SESSION_KEY
    session.save()

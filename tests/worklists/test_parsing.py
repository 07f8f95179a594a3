"""Reading real-world worker lists: every quirk from the issue, no database."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import openpyxl
import pytest

from tests.worklists.workbooks import HEADER, csv_bytes, workbook
from truyvet.worklists.parsing import parse_worklist
from truyvet.worklists.reading import UnreadableFile

TODAY = date(2026, 6, 1)


def parse(data: bytes, name: str = "ds.xlsx"):
    return parse_worklist(data, name, TODAY)


def test_title_rows_merged_cells_second_sheet_and_trailing_rows():
    data = workbook([[1, "Nguyễn Thị An", "04/03/1995", "Nữ", "024195000001", "0912 345 601",
                      "Lục Nam", "Phòng 1 Nhà trọ Hoa Mai", "Phân xưởng May", "Tổ 1", "Tuyến 1"]],
                    title_rows=3, extra_sheets=["Hướng dẫn", "Ghi chú"], trailing_empty=50)
    p = parse(data)
    assert p.sheet == "Danh sách" and p.header_row == 4
    assert not p.errors
    [row] = p.rows
    assert row["nid"] == "024195000001" and row["dob"] == "1995-03-04" and row["sex"] == "F"
    assert row["phone"] == "0912345601" and row["team"] == "Tổ 1" and row["workshop"] == "Phân xưởng May"


def test_header_synonyms_without_diacritics():
    header = ["So TT", "Ho ten", "Nam sinh", "Gioi tinh", "So CMND/CCCD", "SDT", "Que quan",
              "Cho o hien nay", "Phan xuong", "To san xuat", "Xe dua don"]
    p = parse(workbook([[1, "Tran Van Binh", 1990, "nam", "024090000002", "", "", "", "", "", ""]],
                       header))
    assert not p.errors
    assert p.rows[0]["dob"] == "1990-01-01" and p.rows[0]["dob_year_only"] is True
    assert p.rows[0]["sex"] == "M"


@pytest.mark.parametrize(("cell", "expected"), [
    (24195000001, "024195000001"),  # CCCD stored as a number: lost its leading 0
    (24195000001.0, "024195000001"),
    (12345678, "012345678"),  # CMND that lost its 0
    ("024 195 000 001", "024195000001"),
    ("123456789", "123456789"),
])
def test_id_numbers_as_numbers_lose_leading_zeros(cell, expected):
    p = parse(workbook([[1, "A", None, "", cell, "", "", "", "", "", ""]]))
    assert not p.errors, p.errors
    assert p.rows[0]["nid"] == expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("04/03/1995", "1995-03-04"), ("4-3-1995", "1995-03-04"), ("04.03.1995", "1995-03-04"),
    ("1995-03-04", "1995-03-04"), (34762, "1995-03-04"), ("1995", "1995-01-01"),
    (date(1995, 3, 4), "1995-03-04"),
])
def test_dates_as_text_serials_years(cell, expected):
    p = parse(workbook([[1, "A", cell, "", "024195000001", "", "", "", "", "", ""]]))
    assert not p.errors, p.errors
    assert p.rows[0]["dob"] == expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("091 234 5601", "0912345601"), ("091.234.5601", "0912345601"), ("+84 912 345 601", "0912345601"),
    (912345601, "0912345601"), ("84912345601", "0912345601"),
])
def test_phones_with_spaces_dots_prefix(cell, expected):
    p = parse(workbook([[1, "A", None, "", "024195000001", cell, "", "", "", "", ""]]))
    assert p.rows[0]["phone"] == expected


def test_invalid_rows_are_listed_with_sheet_row_column():
    p = parse(workbook([
        [1, "", "04/03/1995", "Nữ", "024195000001", "", "", "", "", "", ""],
        [2, "B", "31/02/1995", "Nữ", "024195000002", "xyz", "", "", "", "", ""],
        [3, "C", None, "X", "12AB", "", "", "", "", "", ""],
        [4, "D", None, "", "999195000004", "", "", "", "", "", ""],
    ]))
    where = {(e.row, e.field) for e in p.errors}
    # rows 1-2: title and a blank line, 3: header, 4-7: data
    assert where == {(4, "full_name"), (5, "dob"), (6, "sex"), (6, "national_id"), (7, "national_id")}
    assert all(e.sheet == "Danh sách" for e in p.errors)
    dob = next(e for e in p.errors if e.field == "dob")
    assert dob.column.startswith("C (") and dob.value == "31/02/1995"
    assert [w.field for w in p.warnings] == ["phone"]  # a bad phone drops the phone only


def test_duplicate_id_within_file_is_an_error():
    p = parse(workbook([[1, "A", None, "", "024195000001"], [2, "B", None, "", 24195000001]],
                       HEADER[:5]))
    [err] = p.errors
    assert err.row == 5 and "row 4" in err.message


def test_csv_with_semicolons():
    p = parse(csv_bytes([[1, "Nguyễn Thị An", "04/03/1995", "Nữ", "024195000001", "0912345601",
                          "", "", "", "", ""]]), "ds.csv")
    assert not p.errors and p.rows[0]["name"] == "Nguyễn Thị An"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"%PDF-1.4 binary\x00\x01", "not a spreadsheet"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "password"),
    (b"PK\x03\x04garbage", "damaged"),
    (b"<html><body>hi</body></html>", "not a spreadsheet"),
])
def test_not_a_spreadsheet(data, message):
    with pytest.raises(UnreadableFile, match=message):
        parse(data, "ds.xlsx")


def test_zip_that_is_not_a_workbook():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hi")
    with pytest.raises(UnreadableFile, match="ZIP"):
        parse(buf.getvalue())


def test_no_recognisable_header():
    wb = openpyxl.Workbook()
    wb.active.append(["Mã", "Tên hàng", "Số lượng"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(UnreadableFile, match="header"):
        parse(buf.getvalue())

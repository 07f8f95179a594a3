"""A worker list (the labour-ministry template as enterprises keep it) -> plain rows.

`parse_worklist` reads the upload with `reading.read_table`, normalises every
cell with `values`, and returns JSON-ready data: the rows, and every problem
with its sheet, row and column. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from truyvet.worklists import values
from truyvet.worklists.reading import Table, column_letter, read_table

# field -> header synonyms, folded (no diacritics, lower case, see reading.fold).
WORKLIST_FIELDS: dict[str, tuple[str, ...]] = {
    "stt": ("stt", "so tt", "so thu tu", "tt", "no"),
    "full_name": ("ho va ten", "ho ten", "ho va ten nguoi lao dong", "ho ten nguoi lao dong",
                  "ten nguoi lao dong", "ho va ten nld", "full name", "name"),
    "dob": ("ngay sinh", "ngay thang nam sinh", "nam sinh", "ngay sinh nam sinh", "sinh ngay",
            "date of birth", "dob", "birth date", "year of birth"),
    "sex": ("gioi tinh", "gioi", "nam nu", "sex", "gender"),
    "national_id": ("so cccd cmnd", "cccd cmnd", "so cccd", "so cmnd", "cccd", "cmnd",
                    "so cmnd cccd", "cmnd cccd", "so dinh danh", "so dinh danh ca nhan",
                    "so cccd cmnd ho chieu", "so cmnd cccd ho chieu", "id number", "national id"),
    "phone": ("so dien thoai", "dien thoai", "sdt", "so dt", "dt", "dien thoai lien he", "phone"),
    "hometown": ("que quan", "nguyen quan", "dia chi thuong tru", "thuong tru", "noi thuong tru",
                 "hometown"),
    "residence": ("noi o hien tai", "noi o hien nay", "cho o hien tai", "cho o hien nay", "noi o",
                  "dia chi tam tru", "tam tru", "noi tam tru", "noi luu tru", "phong tro",
                  "residence"),
    "workshop": ("bo phan", "phan xuong", "bo phan phan xuong", "phan xuong bo phan", "xuong",
                 "phong ban", "workshop", "department"),
    "team": ("to", "to san xuat", "to nhom", "nhom", "chuyen", "team"),
    "bus": ("tuyen xe", "tuyen xe dua don", "xe dua don", "xe", "bus", "bus route"),
    "doses": ("so mui tiem", "so mui vac xin", "so mui da tiem", "so mui vac xin da tiem",
              "so mui", "vaccine doses"),
    "vaccine": ("loai vac xin", "ten vac xin", "vac xin", "loai vaccine", "vaccine"),
    "vaccine_date": ("ngay tiem", "ngay tiem gan nhat", "ngay tiem mui cuoi", "ngay tiem mui gan nhat"),
    "test_date": ("ngay xet nghiem", "ngay lay mau", "ngay xn", "ngay xet nghiem gan nhat"),
    "test_result": ("ket qua xet nghiem", "ket qua xn", "ket qua"),
    "test_type": ("loai xet nghiem", "hinh thuc xet nghiem", "phuong phap xet nghiem", "loai xn"),
}

FIELD_LABELS = {
    "stt": gettext_lazy("No."),
    "full_name": gettext_lazy("Full name"),
    "dob": gettext_lazy("Date of birth"),
    "sex": gettext_lazy("Sex"),
    "national_id": gettext_lazy("ID number (CCCD/CMND)"),
    "phone": gettext_lazy("Phone"),
    "hometown": gettext_lazy("Hometown"),
    "residence": gettext_lazy("Current residence"),
    "workshop": gettext_lazy("Workshop"),
    "team": gettext_lazy("Team"),
    "bus": gettext_lazy("Bus route"),
    "doses": gettext_lazy("Vaccine doses"),
    "vaccine": gettext_lazy("Vaccine"),
    "vaccine_date": gettext_lazy("Date of last dose"),
    "test_date": gettext_lazy("Test date"),
    "test_result": gettext_lazy("Test result"),
    "test_type": gettext_lazy("Test type"),
    "unit": gettext_lazy("Workshop / team"),
}

# The Vietnamese headers of the blank template and of the export, in order.
TEMPLATE_HEADERS: list[tuple[str, str]] = [
    ("stt", "STT"), ("full_name", "Họ và tên"), ("dob", "Ngày sinh"), ("sex", "Giới tính"),
    ("national_id", "Số CCCD/CMND"), ("phone", "Số điện thoại"), ("hometown", "Quê quán"),
    ("residence", "Nơi ở hiện tại"), ("workshop", "Bộ phận / Phân xưởng"), ("team", "Tổ"),
    ("bus", "Tuyến xe"), ("doses", "Số mũi vắc xin"), ("vaccine", "Loại vắc xin"),
    ("vaccine_date", "Ngày tiêm gần nhất"), ("test_date", "Ngày xét nghiệm"),
    ("test_type", "Loại xét nghiệm"), ("test_result", "Kết quả xét nghiệm"),
]


@dataclass
class Problem:
    sheet: str
    row: int
    column: str  # "E (Số CCCD/CMND)"
    field: str
    value: str
    message: str


@dataclass
class ParsedList:
    sheet: str
    header_row: int
    columns: dict[str, str]  # field -> header as written
    ignored_headers: list[str]
    rows: list[dict] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


class RowReader:
    """Collects one row's values and problems."""

    def __init__(self, table: Table, number: int, raw: dict[str, object], out: ParsedList):
        self.table, self.number, self.raw, self.out = table, number, raw, out

    def problem(self, name: str, message: str, *, warning: bool = False) -> None:
        col = self.table.columns.get(name)
        where = f"{column_letter(col)} ({self.table.headers[name]})" if col is not None else ""
        p = Problem(self.table.sheet, self.number, where, name, values.text(self.raw.get(name))[:80],
                    message)
        (self.out.warnings if warning else self.out.errors).append(p)

    def take(self, name: str, parsed: tuple, *, warning: bool = False):
        *value, problem = parsed
        if problem:
            self.problem(name, problem, warning=warning)
        return value[0] if len(value) == 1 else value


def _parse_row(table: Table, number: int, raw: dict[str, object], today: date,
               out: ParsedList) -> dict | None:
    r = RowReader(table, number, raw, out)
    nid = r.take("national_id", values.national_id(raw.get("national_id")))
    name = values.text(raw.get("full_name"))
    if not name:
        r.problem("full_name", _("full name is missing"))
    dob, year_only = r.take("dob", values.birth_date(raw.get("dob"), today))
    doses = r.take("doses", values.positive_int(raw.get("doses"), 10), warning=True)
    vdate = r.take("vaccine_date", values.any_date(raw.get("vaccine_date"), today), warning=True)
    tdate = r.take("test_date", values.any_date(raw.get("test_date"), today), warning=True)
    return {
        "row": number,
        "nid": nid,
        "name": name[:200],
        "dob": _iso(dob),
        "dob_year_only": year_only,
        "sex": r.take("sex", values.sex(raw.get("sex"))),
        "phone": r.take("phone", values.phone(raw.get("phone")), warning=True),
        "hometown": values.text(raw.get("hometown"))[:300],
        "residence": values.text(raw.get("residence"))[:300],
        "workshop": values.text(raw.get("workshop"))[:200],
        "team": values.text(raw.get("team"))[:200],
        "bus": values.text(raw.get("bus"))[:200],
        "doses": doses,
        "vaccine": values.text(raw.get("vaccine"))[:100],
        "vaccine_date": _iso(vdate),
        "test_date": _iso(tdate),
        "test_type": r.take("test_type", values.test_type(raw.get("test_type")), warning=True),
        "test_result": r.take("test_result", values.test_result(raw.get("test_result")), warning=True),
    }


def parse_worklist(data: bytes, file_name: str, today: date) -> ParsedList:
    """Every row of the worker list in `data`, normalised, with its problems.

    Raises `reading.UnreadableFile` when the file as a whole cannot be used.
    Errors block applying; warnings drop one value (a bad phone, a bad test
    date) and keep the row. A duplicated ID number is an error on every row
    that carries it.
    """
    required = {"full_name": FIELD_LABELS["full_name"], "national_id": FIELD_LABELS["national_id"]}
    table = read_table(data, file_name, WORKLIST_FIELDS, required)
    out = ParsedList(sheet=table.sheet, header_row=table.header_row, columns=table.headers,
                     ignored_headers=table.ignored_headers)
    seen: dict[str, int] = {}
    for number, raw in table.rows:
        if not values.text(raw.get("full_name")) and not values.text(raw.get("national_id")):
            continue  # a total line, a signature line, a numbered blank line
        row = _parse_row(table, number, raw, date.fromordinal(today.toordinal()), out)
        if row is None:
            continue
        if row["nid"] and row["nid"] in seen:
            first = seen[row["nid"]]
            RowReader(table, number, raw, out).problem(
                "national_id", _("ID number %(id)s is also on row %(row)s") % {
                    "id": row["nid"], "row": first})
        elif row["nid"]:
            seen[row["nid"]] = number
        out.rows.append(row)
    if not out.rows:
        out.errors.append(Problem(table.sheet, table.header_row, "", "", "",
                                  _("There are no workers under the header row.")))
    return out

"""Vietnamese for the cases catalogue, kept as data so that after
`makemessages` one command refills the .po file:

    cd truyvet/cases && django-admin makemessages -l vi --no-wrap && cd ../..
    .venv/bin/python -m truyvet.cases.i18n_vi && .venv/bin/truyvet compile-translations

EXTRA holds msgids this app adds to other apps' files (the navigation entry,
the person page's placeholder); Django merges every catalogue, so they are
translated here too.
"""

from __future__ import annotations

import sys
from pathlib import Path

VI: dict[str, str] = {
    "Level": "Cấp",
    "Full name": "Họ và tên",
    "Birth year": "Năm sinh",
    "Sex": "Giới tính",
    "ID number": "Số định danh",
    "Phone": "Điện thoại",
    "Enterprise": "Doanh nghiệp",
    "Workshop": "Phân xưởng",
    "Team": "Tổ",
    "Residence": "Nơi ở",
    "Exposed at": "Thời điểm tiếp xúc",
    "Reason": "Lý do",
    "%(reason)s (with %(name)s)": "%(reason)s (với %(name)s)",
    "Contacts": "Người tiếp xúc",
    "Person (F0)": "Người bệnh (F0)",
    "Pick a person from the search results.": "Hãy chọn một người trong kết quả tìm kiếm.",
    "Onset date": "Ngày khởi phát",
    "Onset time (optional)": "Giờ khởi phát (không bắt buộc)",
    "Isolated at (optional)": "Thời điểm cách ly (không bắt buộc)",
    "Depth (F1, F2, ...)": "Số cấp (F1, F2, ...)",
    "The onset cannot be in the future.": "Ngày khởi phát không thể ở tương lai.",
    "Isolation cannot be before the start of the window (onset minus the lookback).":
        "Thời điểm cách ly không thể trước đầu khoảng truy vết (ngày khởi phát trừ thời gian truy ngược).",
    "Isolation cannot be in the future.": "Thời điểm cách ly không thể ở tương lai.",
    "other groups": "các nhóm khác",
    "index person (F0)": "người bệnh (F0)",
    "onset": "khởi phát",
    "onset given as a date": "khởi phát tính theo ngày",
    "isolated at": "cách ly lúc",
    "as of": "dữ liệu đến",
    "depth": "số cấp",
    "lookback (hours)": "truy ngược (giờ)",
    "window start": "đầu khoảng",
    "window end": "cuối khoảng",
    "run by": "người chạy",
    "run at": "chạy lúc",
    "contacts per level": "số người mỗi cấp",
    "trace": "truy vết",
    "traces": "truy vết",
    "person": "người",
    "level": "cấp",
    "exposed at": "tiếp xúc lúc",
    "through": "qua",
    "context": "bối cảnh",
    "code": "mã",
    "contact from": "tiếp xúc từ",
    "contact until": "tiếp xúc đến",
    "contact place": "nơi tiếp xúc",
    "contact team": "tổ tiếp xúc",
    "enterprise": "doanh nghiệp",
    "workshop": "phân xưởng",
    "team": "tổ",
    "room": "phòng",
    "bus": "xe",
    "trace contact": "người tiếp xúc",
    "trace contacts": "người tiếp xúc",
    "Enterprise › workshop › team": "Doanh nghiệp › phân xưởng › tổ",
    "Boarding-house room": "Phòng trọ",
    "Bus": "Xe đưa đón",
    "No enterprise": "Không có doanh nghiệp",
    "No workshop": "Không có phân xưởng",
    "No team": "Không có tổ",
    "No room declared": "Chưa khai báo phòng trọ",
    "No bus": "Không đi xe đưa đón",
    "%(start)s–%(end)s on %(day)s": "%(start)s–%(end)s ngày %(day)s",
    "same bus %(name)s, %(when)s": "cùng xe %(name)s, %(when)s",
    "same boarding-house room %(name)s, %(when)s": "cùng phòng trọ %(name)s, %(when)s",
    "same workshop %(name)s, %(when)s": "cùng xưởng %(name)s, %(when)s",
    "same canteen %(name)s, %(when)s": "cùng nhà ăn %(name)s, %(when)s",
    "same rest area %(name)s, %(when)s": "cùng khu nghỉ %(name)s, %(when)s",
    "same place %(name)s, %(when)s": "cùng địa điểm %(name)s, %(when)s",
    "same team %(name)s": "cùng tổ %(name)s",
    "same boarding-house room %(name)s": "cùng phòng trọ %(name)s",
    "same bus route %(name)s": "cùng tuyến xe %(name)s",
    "same household %(name)s": "cùng hộ %(name)s",
    "Household %(name)s": "Hộ %(name)s",
    "Bus %(name)s": "Xe %(name)s",
    "Group by": "Nhóm theo",
    "Show": "Xem",
    "%(n)s group": "%(n)s nhóm",
    "Show all groups": "Xem tất cả các nhóm",
    "%(n)s person": "%(n)s người",
    "People outside your scope are shown with masked ID numbers and phones.":
        "Người ngoài phạm vi của bạn được hiển thị với số định danh và điện thoại đã che.",
    "with %(name)s (F%(k)s)": "với %(name)s (F%(k)s)",
    "Nobody at this level.": "Không có ai ở cấp này.",
    "Pages": "Trang",
    "Previous": "Trước",
    "Page %(n)s of %(total)s": "Trang %(n)s / %(total)s",
    "Next": "Sau",
    "Nobody matches.": "Không có ai phù hợp.",
    "Type at least two characters.": "Nhập ít nhất hai ký tự.",
    "Everyone related": "Những người liên quan",
    "Enterprise and team": "Doanh nghiệp và tổ",
    "Roommates": "Người ở cùng phòng",
    "Recent places": "Nơi đã đến gần đây",
    "%(n)s contact in the last 14 days": "%(n)s người tiếp xúc trong 14 ngày qua",
    "and %(n)s more": "và %(n)s người khác",
    "No contacts in this period.": "Không có tiếp xúc trong khoảng này.",
    "Declare a case": "Khai báo ca bệnh",
    "Pick the confirmed case (F0), give the onset and, if known, the time of isolation. "
    "The trace runs at once and is saved.":
        "Chọn ca bệnh (F0), nhập ngày khởi phát và thời điểm cách ly nếu biết. "
        "Hệ thống truy vết ngay và lưu kết quả.",
    "Name, ID number or phone": "Họ tên, số định danh hoặc điện thoại",
    "Search a person": "Tìm người",
    "Trace contacts": "Truy vết",
    "Trace of %(name)s": "Truy vết của %(name)s",
    "Traces": "Truy vết",
    "Window": "Khoảng truy vết",
    "Onset": "Khởi phát",
    "isolated": "cách ly",
    "Run": "Đã chạy",
    "data as of %(t)s": "dữ liệu đến %(t)s",
    "Excel": "Excel",
    "Transmission graph": "Sơ đồ lây nhiễm",
    "Levels": "Các cấp",
    "One circle per bus, room, team or place shared with the upstream person, sized by head "
    "count. Click a circle to list its people.":
        "Mỗi vòng tròn là một xe, phòng, tổ hoặc địa điểm chung với người lây, kích thước theo "
        "số người. Bấm vào vòng tròn để xem danh sách.",
    "Run at": "Thời điểm chạy",
    "Index person (F0)": "Người bệnh (F0)",
    "Run by": "Người chạy",
    "No traces yet.": "Chưa có lần truy vết nào.",
}

EXTRA: dict[str, str] = {
    "Loading everyone related…": "Đang tải những người liên quan…",
}

PO = Path(__file__).resolve().parent / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def fill(path: Path = PO) -> list[str]:
    import polib

    po = polib.pofile(str(path))
    known = {e.msgid for e in po if not e.obsolete}
    po[:] = [e for e in po if not (e.obsolete and e.msgid in EXTRA)]
    for msgid, text in EXTRA.items():
        if msgid not in known:
            po.append(polib.POEntry(msgid=msgid, msgstr=text))
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        text = VI.get(entry.msgid) or EXTRA.get(entry.msgid)
        if entry.msgid_plural:
            entry.msgstr_plural = {0: text} if text else entry.msgstr_plural
            if not entry.msgstr_plural.get(0):
                missing.append(entry.msgid)
        elif text:
            entry.msgstr = text
        elif not entry.msgstr:
            missing.append(entry.msgid)
    po.metadata.update({"Project-Id-Version": "TruyVết", "Language": "vi",
                        "Language-Team": "Vietnamese", "Plural-Forms": "nplurals=1; plural=0;",
                        "Content-Type": "text/plain; charset=UTF-8"})
    po.metadata_is_fuzzy = False
    po.header = "Vietnamese translations of TruyVết: declared cases and traces."
    po.save()
    return missing


if __name__ == "__main__":
    gaps = fill()
    for m in gaps:
        print("untranslated:", m)
    sys.exit(1 if gaps else 0)

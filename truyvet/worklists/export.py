"""The blank template and the export of the current list, in the same layout
(the Vietnamese headers of `parsing.TEMPLATE_HEADERS`), as .xlsx bytes."""

from __future__ import annotations

import io
from collections.abc import Iterable

import xlsxwriter
from django.db.models import Max
from django.utils import timezone

from truyvet.accounts.privacy import PersonView
from truyvet.places.kinds import GroupKind
from truyvet.places.models import Membership
from truyvet.registry.models import Enterprise, Person
from truyvet.worklists.parsing import TEMPLATE_HEADERS


def book(title: str, rows: Iterable[list], headers: list[tuple[str, str]] = TEMPLATE_HEADERS,
         sheet: str = "Danh sách") -> bytes:
    """A sheet with a title row, `headers` (field, Vietnamese header) on row 3 and
    `rows` under it; every column but the first is text."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet(sheet)
    bold = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
    title_fmt = wb.add_format({"bold": True, "font_size": 13})
    text = wb.add_format({"num_format": "@"})
    ws.merge_range(0, 0, 0, len(headers) - 1, title, title_fmt)
    for col, (_f, header) in enumerate(headers):
        ws.write_string(2, col, header, bold)
        ws.set_column(col, col, 6 if col == 0 else 18, text if col else None)
    ws.freeze_panes(3, 2)
    for r, values in enumerate(rows, start=3):
        for c, v in enumerate(values):
            ws.write_string(r, c, "" if v is None else str(v))
    wb.close()
    return buf.getvalue()


def template_xlsx(enterprise: Enterprise) -> bytes:
    """An empty list with the headers; every column is text, so that ID numbers
    and phones keep their leading zeros."""
    return book(f"DANH SÁCH NGƯỜI LAO ĐỘNG - {enterprise.name.upper()}", [])


def worker_rows(enterprise: Enterprise, views: dict[int, PersonView]) -> list[list]:
    """The enterprise's workers in the template's columns (a few queries, no N+1)."""
    today = timezone.localdate()
    ids = list(views)
    current = Membership.objects.filter(person_id__in=ids).valid_on(today)
    rooms = {m.person_id: m.place for m in current.filter(group_kind=GroupKind.ROOM)
             .select_related("place__boarding_house")}
    buses = {m.person_id: m.place for m in current.filter(group_kind=GroupKind.BUS_ROUTE)
             .select_related("place")}
    people = Person.objects.filter(pk__in=ids).select_related("org_unit__parent").annotate(
        doses=Max("vaccinations__dose")).order_by("org_unit__name", "full_name", "pk")
    out = []
    for n, p in enumerate(people, start=1):
        v = views[p.pk]
        unit = p.org_unit
        team = unit.name if unit and unit.kind == "team" else ""
        workshop = (unit.parent.name if unit.parent_id else "") if team else (unit.name if unit else "")
        room = rooms.get(p.pk)
        bus = buses.get(p.pk)
        dob = v.date_of_birth.strftime("%d/%m/%Y") if v.date_of_birth else (v.birth_year or "")
        out.append([n, v.full_name, dob, {"M": "Nam", "F": "Nữ"}.get(v.sex, ""), v.national_id,
                    v.phone, v.hometown,
                    (f"{room.code} - {room.name} - {room.boarding_house.name}"
                     if room and room.boarding_house_id else (room.code if room else "")),
                    workshop, team, bus.name if bus else "", p.doses or "", "", "", "", "", ""])
    return out


def export_xlsx(enterprise: Enterprise, rows: list[list]) -> bytes:
    stamp = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    return book(f"DANH SÁCH NGƯỜI LAO ĐỘNG - {enterprise.name.upper()} ({stamp})", rows)

"""CSV and Excel exports of a trace's contacts, streamed in chunks.

Rows come from a server-side cursor (`QuerySet.iterator`), so neither format
holds the list in memory: CSV lines are yielded as they are made, the .xlsx is
written by xlsxwriter in constant-memory mode to a temporary file, then
streamed from it.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from typing import IO

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from truyvet.accounts.models import User
from truyvet.cases.models import Trace
from truyvet.cases.queries import ContactRow, contact_row, contacts_of

CHUNK = 2000


def headers() -> list[str]:
    return [_("Level"), _("Full name"), _("Birth year"), _("Sex"), _("ID number"), _("Phone"),
            _("Enterprise"), _("Workshop"), _("Team"), _("Residence"), _("Exposed at"),
            _("Reason")]


def values(r: ContactRow) -> list[str | int]:
    reason = _("%(reason)s (with %(name)s)") % {"reason": r.reason, "name": r.via_name}
    return [f"F{r.level}", r.person.full_name, r.person.birth_year or "", r.person.sex_label,
            r.person.national_id, r.person.phone, r.enterprise or r.person.enterprise_name,
            r.workshop, r.team, r.residence,
            timezone.localtime(r.exposed_at).strftime("%d/%m/%Y %H:%M"), reason]


def rows(user: User, trace: Trace) -> Iterator[ContactRow]:
    qs = contacts_of(user, trace).order_by("level", "exposed_at", "id")
    for c in qs.iterator(chunk_size=CHUNK):
        yield contact_row(user, c)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(user: User, trace: Trace) -> Iterator[str]:
    out = csv.writer(_Echo())
    yield "\ufeff"  # so that spreadsheet programs read UTF-8
    yield out.writerow(headers())
    for r in rows(user, trace):
        yield out.writerow(values(r))


def write_xlsx(user: User, trace: Trace) -> IO[bytes]:
    """The .xlsx in a temporary file (rewound), written row by row."""
    tmp = tempfile.TemporaryFile(suffix=".xlsx")
    book = xlsxwriter.Workbook(tmp, {"constant_memory": True, "in_memory": False})
    sheet = book.add_worksheet(_("Contacts")[:31])
    bold = book.add_format({"bold": True})
    widths = [6, 28, 10, 8, 16, 14, 28, 20, 16, 28, 17, 60]
    for i, w in enumerate(widths):
        sheet.set_column(i, i, w)
    sheet.write_row(0, 0, headers(), bold)
    sheet.freeze_panes(1, 0)
    for n, r in enumerate(rows(user, trace), start=1):
        sheet.write_row(n, 0, values(r))
    book.close()
    tmp.seek(0)
    return tmp

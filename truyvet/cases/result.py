"""What the result page shows for one level: group counts and one page of
contacts with their group headings. A fixed number of queries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator

from truyvet.accounts.models import User
from truyvet.cases.models import Trace
from truyvet.cases.queries import (
    GROUPINGS,
    ContactRow,
    Group,
    contact_row,
    contacts_of,
    filter_group,
    groups,
    ordered,
)
from truyvet.web.queries import to_int

PER_PAGE = 50
GROUPS_PER_PAGE = 30


@dataclass
class Section:
    group: Group | None
    rows: list[ContactRow] = field(default_factory=list)


@dataclass
class ResultView:
    level: int
    mode: str
    key: str
    via: str
    groups: Page
    page: Page
    sections: list[Section]
    masked: bool
    person_ids: list[int]


def _level(trace: Trace, raw: object) -> int:
    level = to_int(raw) or 1
    return level if level <= trace.depth else 1


def result_view(user: User, trace: Trace, params: Mapping[str, str]) -> ResultView:
    level = _level(trace, params.get("level"))
    mode = params.get("g") if params.get("g") in GROUPINGS else "org"
    key = (params.get("k") or "")[:100]
    via = (params.get("via") or "")[:100]
    all_groups = groups(trace, level, mode)
    group_page = Paginator(all_groups, GROUPS_PER_PAGE).get_page(params.get("gpage"))
    qs = contacts_of(user, trace).filter(level=level)
    if key:
        qs = filter_group(qs, mode, key)
    if via:
        ctx, _, code = via.partition(":")
        qs = qs.filter(via_context=ctx, via_code=code)
    page = Paginator(ordered(qs, mode), PER_PAGE).get_page(params.get("page"))
    by_key = {g.key: g for g in all_groups}
    sections: list[Section] = []
    for c in page.object_list:
        row = contact_row(user, c, mode)
        if not sections or sections[-1].group is None or sections[-1].group.key != row.group_key:
            sections.append(Section(by_key.get(row.group_key)))
        sections[-1].rows.append(row)
    rows = [r for s in sections for r in s.rows]
    return ResultView(level=level, mode=mode, key=key, via=via, groups=group_page, page=page,
                      sections=sections, masked=any(r.person.masked for r in rows),
                      person_ids=[r.person.id for r in rows])

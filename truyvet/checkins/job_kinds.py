"""The job kinds: badge sheets and posters (see `jobs`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db.models import QuerySet
from django.urls import reverse

from truyvet.checkins import pdf, tokens
from truyvet.checkins.jobs import handler
from truyvet.checkins.models import Job
from truyvet.places.models import Place
from truyvet.registry.models import OrgUnit, Person

CHUNK = 2000


def subtree_ids(enterprise_id: int, root_id: int) -> list[int]:
    """An org unit and all units below it."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in OrgUnit.objects.filter(enterprise_id=enterprise_id).values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    out, stack = [], [root_id]
    while stack:
        u = stack.pop()
        out.append(u)
        stack.extend(children.get(u, []))
    return out


def badge_people(enterprise_id: int, org_unit_id: int | None = None) -> QuerySet[Person]:
    qs = Person.objects.filter(enterprise_id=enterprise_id)
    if org_unit_id:
        qs = qs.filter(org_unit_id__in=subtree_ids(enterprise_id, org_unit_id))
    return qs.order_by("org_unit__name", "full_name", "pk")


def badge_cards(people: QuerySet[Person]) -> Iterator[pdf.BadgeCard]:
    rows = list(people.values_list("pk", "full_name", "enterprise__name", "org_unit__name"))
    for i in range(0, len(rows), CHUNK):
        chunk = rows[i:i + CHUNK]
        badges = tokens.ensure_badges([r[0] for r in chunk])
        for pk, name, ent, team in chunk:
            b = badges[pk]
            yield pdf.BadgeCard(name=name, enterprise=ent or "", team=team or "",
                                token=tokens.badge_token(b), serial=b.serial)


@handler("badges")
def make_badges(job: Job, progress: Callable[[int], None]) -> tuple[bytes, str]:
    p = job.params
    people = badge_people(p["enterprise_id"], p.get("org_unit_id"))
    data = pdf.badge_sheets(badge_cards(people), progress)
    return data, f"badges-{p.get('label', p['enterprise_id'])}.pdf"


def poster_places(places: QuerySet[Place], base_url: str) -> Iterator[pdf.PosterPlace]:
    for pl in places.select_related("enterprise", "boarding_house").order_by("kind", "name"):
        owner = pl.enterprise.name if pl.enterprise else (pl.boarding_house.name if pl.boarding_house else "")
        url = base_url.rstrip("/") + reverse("checkins:checkin", args=[tokens.place_token(pl.pk)])
        yield pdf.PosterPlace(name=pl.name, kind=str(pl.get_kind_display()), enterprise=owner, url=url)


@handler("posters")
def make_posters(job: Job, progress: Callable[[int], None]) -> tuple[bytes, str]:
    p = job.params
    places = Place.objects.filter(enterprise_id=p["enterprise_id"])
    return pdf.posters(poster_places(places, p["base_url"]), progress), f"posters-{p['enterprise_id']}.pdf"

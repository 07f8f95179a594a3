"""The one place where a Person becomes something shown to a user.

Pages, exports and the API all call `person_view` (or `people_views` for
lists), so masking is decided in exactly one spot, by
`accounts.scoping.person_access`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from uuid import UUID

from truyvet.accounts.models import User
from truyvet.accounts.scoping import PersonAccess, person_access
from truyvet.registry.models import Person
from truyvet.registry.validation import mask_id, mask_phone


@dataclass(frozen=True)
class PersonView:
    id: int
    uuid: UUID
    full_name: str
    national_id: str
    phone: str
    date_of_birth: date | None
    birth_year: int | None
    sex: str
    sex_label: str
    hometown: str
    enterprise_id: int | None
    enterprise_name: str
    org_unit_id: int | None
    org_unit_name: str
    masked: bool

    def as_dict(self) -> dict:
        return asdict(self)


def person_view(user: User, person: Person, access: PersonAccess | None = None) -> PersonView:
    """`person` as `user` may see it. The caller has already checked visibility.

    For lists, pass `access` (from `person_access(user)`) and select_related
    `enterprise` and `org_unit` on the queryset.
    """
    access = access or person_access(user, person)
    full = access.unmasked
    dob = person.date_of_birth
    enterprise = person.enterprise if person.enterprise_id else None
    org_unit = person.org_unit if person.org_unit_id else None
    return PersonView(
        id=person.pk,
        uuid=person.uuid,
        full_name=person.full_name,
        national_id=person.national_id if full else mask_id(person.national_id),
        phone=(person.phone if full else mask_phone(person.phone)) if not access.minimal else "",
        date_of_birth=dob if full else None,
        birth_year=dob.year if dob and not access.minimal else None,
        sex=person.sex,
        sex_label=person.get_sex_display() if person.sex else "",
        hometown=person.hometown if full else "",
        enterprise_id=person.enterprise_id,
        enterprise_name=enterprise.name if enterprise else "",
        org_unit_id=person.org_unit_id,
        org_unit_name=org_unit.name if org_unit else "",
        masked=not full,
    )


def people_views(user: User, people: Iterable[Person]) -> list[PersonView]:
    """A page of people for `user`: each masked per the user's role (a worker's own
    record, or an official's own record, is shown in full)."""
    base = person_access(user)
    return [
        person_view(user, p, base if p.pk != user.person_id else None) for p in people
    ]

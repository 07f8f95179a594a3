"""The one function that writes the audit log of access to personal data."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest

from truyvet.accounts.models import AuditEntry, User

# Actions written to AuditEntry.action.
VIEW_PERSON = "view_person"
LIST_PEOPLE = "list_people"
EXPORT_PEOPLE = "export_people"
API_PERSON = "api_person"
API_PEOPLE = "api_people"


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_access(
    user: User,
    action: str,
    what: str,
    *,
    person_ids: Sequence[int] = (),
    request: HttpRequest | None = None,
    masked: bool = False,
) -> AuditEntry | None:
    """Log that `user` saw the people `person_ids` on `what` (a page path, export
    or API call). One person: `person` is set; a list: `count` and `person_ids`.

    Nothing is written for a worker looking at their own record (not an
    official access), nor for an empty list.
    """
    ids = list(person_ids)
    if not ids or not user.is_authenticated:
        return None
    if len(ids) == 1 and ids[0] == user.person_id:
        return None  # anyone looking at their own record
    return AuditEntry.objects.create(
        user=user,
        username=user.get_username(),
        role=user.role,
        action=action,
        what=what[:500],
        person_id=ids[0] if len(ids) == 1 else None,
        count=len(ids),
        person_ids=ids if len(ids) > 1 else [],
        masked=masked,
        ip=client_ip(request),
    )

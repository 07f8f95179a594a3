"""The functions that write the audit log: who, when, what, from where.

- `record_access`: an official saw personal data (a page, a list, an export,
  an API call, a trace).
- `record_change`: someone changed a person's record. Call it from every edit
  path (pages, admin, API) in the same transaction as the change.
- `record_event`: any other audited act (role changes, invitations, account
  reviews, two-factor, retention). `user` may be None for the system.

The log is append-only: the database refuses UPDATE and DELETE on it
(trigger `accounts_auditentry_immutable`, migration 0004).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.http import HttpRequest

from truyvet.accounts.models import AuditEntry, User

# Actions written to AuditEntry.action.
VIEW_PERSON = "view_person"
LIST_PEOPLE = "list_people"
EXPORT_PEOPLE = "export_people"
API_PERSON = "api_person"
API_PEOPLE = "api_people"
TRACE_RUN = "trace_run"  # a trace was run (cases): the index person and the contacts listed
CHANGE_PERSON = "change_person"
ROLE_CHANGE = "role_change"  # a user's role, scope or active flag changed
INVITE_USER = "invite_user"
DISABLE_USER = "disable_user"
LOGOUT_EVERYWHERE = "logout_everywhere"
TWO_FACTOR_ENROLLED = "2fa_enrolled"
TWO_FACTOR_RESET = "2fa_reset"
RECOVERY_CODE_USED = "2fa_recovery_used"
ACCOUNT_LOCKED = "account_locked"
APPLICATION_APPROVED = "application_approved"
APPLICATION_REJECTED = "application_rejected"
PURGE_PRESENCE = "purge_presence"
EXPORT_AUDIT = "export_audit"

SYSTEM = "system"


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or the address the n-th trusted proxy
    saw (settings.TRUSTED_PROXY_COUNT) from X-Forwarded-For."""
    if request is None:
        return None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        chain = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if p.strip()]
        if len(chain) >= proxies:
            return chain[-proxies]
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


def record_change(user: User | None, person_id: int, what: str, *,
                  request: HttpRequest | None = None) -> AuditEntry:
    """Log that `user` (None: the system, e.g. an import) changed person
    `person_id`'s record; `what` says which fields or which operation."""
    return record_event(user, CHANGE_PERSON, what, request=request, person_id=person_id)


def record_event(user: User | None, action: str, what: str, *,
                 request: HttpRequest | None = None, person_id: int | None = None,
                 count: int = 1) -> AuditEntry:
    """Log any other audited act by `user` (None: the system)."""
    real = user is not None and user.is_authenticated
    return AuditEntry.objects.create(
        user=user if real else None,
        username=user.get_username() if real else SYSTEM,
        role=user.role if real else SYSTEM,
        action=action,
        what=what[:500],
        person_id=person_id,
        count=count,
        ip=client_ip(request),
    )

"""The functions that write the audit log: who, when, what, from where.

- `record_access`: an official saw personal data (a page, a list, an export,
  an API call, a trace).
- `record_change`: someone changed a person's record. Call it from every edit
  path (pages, admin, API) in the same transaction as the change.
- `record_event`: any other audited act (role changes, invitations, account
  reviews, two-factor, retention). `user` may be None for the system; `actor`
  then names it (e.g. "cli:import-dataset", "self-scan").
- `record_bulk_change`: one bulk change of many people's records (a worker
  list applied, a dataset imported): their ids in `person_ids`, at most
  `MAX_PERSON_IDS` per entry (more people: several entries, "part i/n").

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
CHANGE_PERSON = "change_person"  # one person's record changed (person set)
CHANGE_PEOPLE = "change_people"  # a bulk change: person_ids (bounded, see record_bulk_change)
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
# Ids kept in one entry's person_ids: the row stays small (~40 kB) and the GIN
# index entries cheap; a bigger change is written as several entries.
MAX_PERSON_IDS = 10_000


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
                  request: HttpRequest | None = None, actor: str | None = None,
                  actor_role: str | None = None) -> AuditEntry:
    """Log that `user` (None: the system, e.g. an import, named by `actor`)
    changed person `person_id`'s record; `what` says which fields or which operation."""
    return record_event(user, CHANGE_PERSON, what, request=request, person_id=person_id,
                        actor=actor, actor_role=actor_role)


def record_bulk_change(user: User | None, what: str, person_ids: Sequence[int], *,
                       request: HttpRequest | None = None,
                       actor: str | None = None) -> list[AuditEntry]:
    """Log one bulk change by `user` (None: the system named by `actor`) of the
    records of `person_ids`. Always at least one entry (an import that changed
    nobody is still logged); ids are split into entries of MAX_PERSON_IDS."""
    ids = sorted(set(person_ids))
    chunks = [ids[i:i + MAX_PERSON_IDS] for i in range(0, len(ids), MAX_PERSON_IDS)] or [[]]
    entries = []
    for n, chunk in enumerate(chunks, 1):
        label = what if len(chunks) == 1 else f"{what} (part {n}/{len(chunks)})"
        entries.append(record_event(
            user, CHANGE_PEOPLE, label, request=request, actor=actor, count=len(chunk),
            person_id=chunk[0] if len(chunk) == 1 else None,
            person_ids=chunk if len(chunk) > 1 else ()))
    return entries


def record_event(user: User | None, action: str, what: str, *,
                 request: HttpRequest | None = None, person_id: int | None = None,
                 count: int = 1, person_ids: Sequence[int] = (), actor: str | None = None,
                 actor_role: str | None = None) -> AuditEntry:
    """Log any other audited act by `user`. Without a user, `actor` (default
    "system") is written as the username and `actor_role` (default "system") as
    the role: e.g. "cli:import-dataset", or "self-scan" with role "worker"."""
    real = user is not None and user.is_authenticated
    return AuditEntry.objects.create(
        user=user if real else None,
        username=user.get_username() if real else (actor or SYSTEM)[:150],
        role=user.role if real else (actor_role or SYSTEM),
        action=action,
        what=what[:500],
        person_id=person_id,
        count=count,
        person_ids=list(person_ids),
        ip=client_ip(request),
    )

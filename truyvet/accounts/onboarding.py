"""Enterprise self-registration, its review, and enterprise staff accounts.

An application goes to the industrial-zone board that covers its zone, or to
the department of industry and trade when it names no zone. Approval creates
the enterprise and its administrator's account, which gets an activation link
(a signed set-password token, `accounts.activation`). Enterprise
administrators invite their health officers and gate operators the same way,
and disable them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from truyvet.accounts import audit, sessions
from truyvet.accounts.activation import send_activation
from truyvet.accounts.models import EnterpriseApplication, Role, User
from truyvet.accounts.scoping import role_of
from truyvet.registry.models import Enterprise

TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")
INVITABLE_ROLES = (Role.ENTERPRISE_HEALTH, Role.GATE_OPERATOR)
Status = EnterpriseApplication.Status


def normalise_tax_code(raw: str) -> str:
    return "".join(raw.split())


def validate_tax_code(tax_code: str) -> None:
    """10 digits, or 10 digits, a dash and 3 digits (a branch)."""
    if not TAX_CODE.match(tax_code):
        raise ValidationError(_("A tax code is 10 digits, or 10 digits, a dash and 3 digits."),
                              code="tax_code_format")


def tax_code_taken(tax_code: str, exclude_application: int | None = None) -> bool:
    """Is the code already an enterprise's, or in another pending application?"""
    pending = EnterpriseApplication.objects.filter(tax_code=tax_code, status=Status.PENDING)
    if exclude_application is not None:
        pending = pending.exclude(pk=exclude_application)
    return Enterprise.objects.filter(tax_code=tax_code).exists() or pending.exists()


def submit_application(fields: dict) -> EnterpriseApplication:
    """Store a (validated) registration as pending. Raises ValidationError for a
    duplicate tax code."""
    tax_code = normalise_tax_code(fields["tax_code"])
    validate_tax_code(tax_code)
    with transaction.atomic():
        if tax_code_taken(tax_code):
            raise ValidationError(_("This tax code is already registered or awaiting review."),
                                  code="tax_code_taken")
        return EnterpriseApplication.objects.create(**{**fields, "tax_code": tax_code})


# --- review ---------------------------------------------------------------------------


def reviewable_applications(user: User) -> QuerySet[EnterpriseApplication]:
    """Applications `user` reviews: the zone board for its zones, industry and
    trade for enterprises outside zones, the province administrator all."""
    role = role_of(user)
    qs = EnterpriseApplication.objects.select_related("zone", "district")
    if role == Role.PROVINCE_ADMIN:
        return qs
    if role == Role.ZONE_BOARD:
        return qs.filter(zone__in=user.zones.all())
    if role == Role.INDUSTRY_TRADE:
        return qs.filter(zone__isnull=True)
    return qs.none()


def can_review(user: User) -> bool:
    return role_of(user) in (Role.PROVINCE_ADMIN, Role.ZONE_BOARD, Role.INDUSTRY_TRADE)


@dataclass(frozen=True)
class Approval:
    enterprise: Enterprise
    admin: User


def _admin_username(application: EnterpriseApplication) -> str:
    base = application.tax_code
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}.{n}"
    return name


def approve(application: EnterpriseApplication, reviewer: User,
            request: HttpRequest | None = None) -> Approval:
    """Create the enterprise and its administrator (no password yet) and send
    the activation link. Raises ValidationError when no longer possible."""
    with transaction.atomic():
        app = EnterpriseApplication.objects.select_for_update().get(pk=application.pk)
        if app.status != Status.PENDING:
            raise ValidationError(_("This application was already reviewed."), code="reviewed")
        if Enterprise.objects.filter(tax_code=app.tax_code).exists():
            raise ValidationError(_("An enterprise with this tax code already exists."),
                                  code="tax_code_taken")
        enterprise = Enterprise.objects.create(
            code=f"DN-{app.tax_code}", name=app.name, tax_code=app.tax_code, zone=app.zone,
            district=app.district, address=app.address, legal_rep_name=app.legal_rep_name,
            legal_rep_phone=app.legal_rep_phone,
        )
        admin = User.objects.create(
            username=_admin_username(app), email=app.email, first_name=app.contact_name[:150],
            role=Role.ENTERPRISE_ADMIN, enterprise=enterprise, password=make_password(None),
        )
        _close(app, reviewer, Status.APPROVED, enterprise=enterprise)
        audit.record_event(reviewer, audit.APPLICATION_APPROVED,
                           f"application {app.pk}: {app.name} ({app.tax_code})", request=request)
        audit.record_event(reviewer, audit.ROLE_CHANGE,
                           f"user {admin.username}: role {Role.ENTERPRISE_ADMIN}, "
                           f"enterprise {enterprise.pk}", request=request)
        transaction.on_commit(lambda: send_activation(admin, request))
    return Approval(enterprise, admin)


def reject(application: EnterpriseApplication, reviewer: User, reason: str,
           request: HttpRequest | None = None) -> EnterpriseApplication:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for the rejection."), code="reason")
    with transaction.atomic():
        app = EnterpriseApplication.objects.select_for_update().get(pk=application.pk)
        if app.status != Status.PENDING:
            raise ValidationError(_("This application was already reviewed."), code="reviewed")
        _close(app, reviewer, Status.REJECTED, reason=reason)
        audit.record_event(reviewer, audit.APPLICATION_REJECTED,
                           f"application {app.pk}: {app.name} ({app.tax_code}): {reason}",
                           request=request)
    return app


def _close(app: EnterpriseApplication, reviewer: User, status: str, **fields: object) -> None:
    app.status = status
    app.reviewed = timezone.now()
    app.reviewed_by = reviewer
    for name, value in fields.items():
        setattr(app, name, value)
    app.save()


# --- enterprise staff -----------------------------------------------------------------


def can_manage_staff(user: User) -> bool:
    return role_of(user) == Role.ENTERPRISE_ADMIN and user.enterprise_id is not None


def staff_of(admin: User) -> QuerySet[User]:
    """The health officers and gate operators an enterprise administrator manages."""
    if not can_manage_staff(admin):
        return User.objects.none()
    return User.objects.filter(enterprise_id=admin.enterprise_id, role__in=INVITABLE_ROLES)


def invite(admin: User, email: str, full_name: str, role: str,
           request: HttpRequest | None = None) -> User:
    """Make an account (no password yet) in the admin's enterprise and e-mail
    its activation link."""
    if not can_manage_staff(admin) or role not in INVITABLE_ROLES:
        raise ValidationError(_("You cannot invite this kind of account."), code="role")
    username = email.strip().lower()
    with transaction.atomic():
        if User.objects.filter(Q(username=username) | Q(email__iexact=username)).exists():
            raise ValidationError(_("An account with this e-mail already exists."),
                                  code="email_taken")
        user = User.objects.create(
            username=username, email=username, first_name=full_name.strip()[:150], role=role,
            enterprise_id=admin.enterprise_id, password=make_password(None),
        )
        audit.record_event(admin, audit.INVITE_USER, f"user {username}: role {role}, "
                           f"enterprise {admin.enterprise_id}", request=request)
        transaction.on_commit(lambda: send_activation(user, request))
    return user


def disable(admin: User, user: User, request: HttpRequest | None = None) -> None:
    """Disable a staff account and end its sessions. `user` must come from `staff_of`."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        sessions.end_all_sessions(user)
        audit.record_event(admin, audit.DISABLE_USER, f"user {user.username}: disabled",
                           request=request)

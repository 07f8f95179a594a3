"""Two-factor login for authority accounts: devices, recovery codes, and the
session mark that says the second factor was given.

Like django-otp, the password logs the user in and the second factor is
recorded in the session (`SESSION_KEY`) when given. The middleware
(`web.middleware.SessionSecurityMiddleware`) sends an authority whose session
lacks the mark to verification (a confirmed device) or enrolment (none yet),
when `needs_second_factor` says so.

Tests: `django.test.Client.force_login` stands for a complete login with both
factors; tests/conftest.py marks such sessions verified (see there). Logging
in with `client.login(username=..., password=...)` gives the password only.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone

from truyvet.accounts.models import RecoveryCode, Role, TOTPDevice, User
from truyvet.accounts.scoping import role_of
from truyvet.accounts.totp import matching_counter, new_secret

SESSION_KEY = "_tv_2fa"  # how the second factor was given: "totp", "recovery", "test"
AUTHORITY_ROLES = frozenset({
    Role.PROVINCE_ADMIN, Role.HEALTH_AUTHORITY, Role.ZONE_BOARD, Role.INDUSTRY_TRADE,
    Role.DISTRICT_COMMITTEE,
})
RECOVERY_CODE_COUNT = 10


def is_authority(user: User) -> bool:
    return role_of(user) in AUTHORITY_ROLES


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def needs_second_factor(user: User) -> bool:
    """Must this (authenticated) user give a second factor before anything else?
    Authorities do when they have a confirmed device, or when the province's
    policy requires two-factor login for authorities (the default)."""
    if not is_authority(user):
        return False
    from truyvet.core.models import Policy

    return confirmed_device(user) is not None or Policy.current().require_2fa_for_authorities


def is_verified(session: SessionBase) -> bool:
    return bool(session.get(SESSION_KEY))


def mark_verified(session: SessionBase, how: str) -> None:
    session[SESSION_KEY] = how


# --- enrolment -------------------------------------------------------------------------


def pending_device(user: User) -> TOTPDevice:
    """The device being enrolled (created with a fresh secret when needed)."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, defaults={"secret": new_secret()})
    return device


def _accept(device: TOTPDevice, code: str) -> bool:
    """Is `code` valid now and not used before? Consumes it (locks the row)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        counter = matching_counter(device.secret, code)
        if counter is None or counter <= device.last_counter:
            return False
        device.last_counter = counter
        device.save(update_fields=["last_counter"])
        return True


def confirm_device(user: User, code: str) -> list[str] | None:
    """Confirm the pending device with a code from it; returns fresh recovery
    codes (shown once), or None when the code is wrong."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not _accept(device, code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user)


def reset(user: User) -> None:
    """Forget the user's device and recovery codes (the admin's reset)."""
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()


# --- verification ---------------------------------------------------------------------


def verify_code(user: User, code: str) -> str | None:
    """Check a code from the app or a recovery code; returns how ("totp",
    "recovery") or None. A recovery code works once."""
    device = confirmed_device(user)
    if device is None:
        return None
    cleaned = "".join(code.split())
    if cleaned.isdigit() and _accept(device, cleaned):
        return "totp"
    if use_recovery_code(user, cleaned):
        return "recovery"
    return None


def _hash_code(code: str) -> str:
    normal = code.replace("-", "").lower()
    return hmac.new(settings.SECRET_KEY.encode(), normal.encode(), hashlib.sha256).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; returns the new ones in clear (shown once)."""
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=_hash_code(c)) for c in codes])
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one unused recovery code of `user`; False when none matches."""
    if not code or len(code) > 40:
        return False
    return bool(RecoveryCode.objects.filter(
        user=user, code_hash=_hash_code(code), used_at__isnull=True,
    ).update(used_at=timezone.now()))


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()

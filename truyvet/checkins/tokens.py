"""Badge tokens, place tokens and device tokens. Plain functions.

Badge token: ``TV1.<kid>.<serial>.<mac>``, all upper-case base32 and dots, so a
QR code holds it in alphanumeric mode. ``serial`` is 80 random bits (the badge
row's key, no personal data); ``mac`` is HMAC-SHA256 over ``TV1.<kid>.<serial>``
with the key's own secret (`SigningKey`), truncated to 128 bits. A token
verifies only if its key is known and not retired and its MAC matches; the
badge row then says whether it was revoked.

Place token: ``P<id>-<mac>`` (HMAC of the place id with a key derived from
SECRET_KEY), used in poster URLs ``/c/<token>/`` so that check-in pages
cannot be guessed by walking place codes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from truyvet.checkins.models import Badge, ScanDevice, SigningKey
from truyvet.registry.models import Person

VERSION = "TV1"
TOKEN_RE = re.compile(r"^TV1\.([A-Z0-9]{1,8})\.([A-Z2-7]{16})\.([A-Z2-7]{26})$")
PLACE_TOKEN_RE = re.compile(r"^P(\d{1,10})-([a-z2-7]{16})$")
DEVICE_TOKEN_PREFIX = "tvd_"
KEY_CACHE_SECONDS = 30.0
DEVICE_CACHE_SECONDS = 30.0


def b32(data: bytes) -> str:
    return base64.b32encode(data).decode().rstrip("=")


# --- signing keys ---------------------------------------------------------------------

_keys: dict[str, bytes] = {}
_keys_loaded_at = 0.0
_lock = threading.Lock()


def clear_caches() -> None:
    global _keys_loaded_at
    with _lock:
        _keys.clear()
        _keys_loaded_at = 0.0
        _devices.clear()


def _verification_keys() -> dict[str, bytes]:
    """kid -> secret for every unretired key, cached for KEY_CACHE_SECONDS."""
    global _keys_loaded_at
    now = time.monotonic()
    if now - _keys_loaded_at > KEY_CACHE_SECONDS:
        rows = SigningKey.objects.filter(retired__isnull=True).values_list("kid", "secret")
        fresh = {kid: bytes.fromhex(secret) for kid, secret in rows}
        with _lock:
            _keys.clear()
            _keys.update(fresh)
            _keys_loaded_at = now
    return _keys


def current_key() -> SigningKey:
    """The newest unretired key, made on first use."""
    key = SigningKey.objects.filter(retired__isnull=True).order_by("-created", "-id").first()
    return key or rotate_key()


def rotate_key(retire_old: bool = False) -> SigningKey:
    """A new signing key for new badges. With `retire_old`, tokens of older
    keys stop verifying at once (after a leak); otherwise they keep working."""
    with transaction.atomic():
        n = SigningKey.objects.count() + 1
        kid = f"K{n}"
        while SigningKey.objects.filter(kid=kid).exists():
            n += 1
            kid = f"K{n}"
        if retire_old:
            SigningKey.objects.filter(retired__isnull=True).update(retired=timezone.now())
        key = SigningKey.objects.create(kid=kid, secret=secrets.token_hex(32))
    clear_caches()
    return key


def _mac(secret: bytes, kid: str, serial: str) -> str:
    msg = f"{VERSION}.{kid}.{serial}".encode()
    return b32(hmac.new(secret, msg, hashlib.sha256).digest()[:16])


def badge_token(badge: Badge, key: SigningKey | None = None) -> str:
    secret = bytes.fromhex(key.secret) if key else _verification_keys().get(badge.kid)
    if secret is None:
        key = SigningKey.objects.get(kid=badge.kid)
        secret = bytes.fromhex(key.secret)
    return f"{VERSION}.{badge.kid}.{badge.serial}.{_mac(secret, badge.kid, badge.serial)}"


def verify_token(token: str) -> str | None:
    """The badge serial of a well-formed token with a valid MAC, else None.
    Says nothing about revocation (that needs the badge row)."""
    m = TOKEN_RE.match(token.strip().upper()) if token and len(token) < 100 else None
    if not m:
        return None
    kid, serial, mac = m.groups()
    secret = _verification_keys().get(kid)
    if secret is None or not hmac.compare_digest(_mac(secret, kid, serial), mac):
        return None
    return serial


def looks_like_token(text: str) -> bool:
    return text.strip().upper().startswith(VERSION + ".")


# --- badges ---------------------------------------------------------------------------


def issue_badge(person: Person, key: SigningKey | None = None) -> Badge:
    """A new active badge for `person`, revoking any active one (reissue)."""
    from truyvet.checkins.scans import forget_badge

    key = key or current_key()
    with transaction.atomic():
        old = Badge.objects.filter(person=person, revoked_at__isnull=True)
        for serial in old.values_list("serial", flat=True):
            forget_badge(serial)
        old.update(revoked_at=timezone.now(), revoke_reason="reissued")
        return Badge.objects.create(serial=b32(secrets.token_bytes(10)), kid=key.kid,
                                    person=person, enterprise_id=person.enterprise_id)


def active_badge(person: Person) -> Badge | None:
    return Badge.objects.filter(person=person, revoked_at__isnull=True).first()


def ensure_badge(person: Person) -> Badge:
    return active_badge(person) or issue_badge(person)


def ensure_badges(people_ids: list[int]) -> dict[int, Badge]:
    """Active badges for many people at once, issuing the missing ones in bulk."""
    key = current_key()
    have = {b.person_id: b for b in Badge.objects.filter(person_id__in=people_ids,
                                                         revoked_at__isnull=True)}
    missing = [pid for pid in people_ids if pid not in have]
    if missing:
        ent = dict(Person.objects.filter(pk__in=missing).values_list("pk", "enterprise_id"))
        new = [Badge(serial=b32(secrets.token_bytes(10)), kid=key.kid, person_id=pid,
                     enterprise_id=ent.get(pid)) for pid in missing]
        Badge.objects.bulk_create(new, ignore_conflicts=True)
        for b in Badge.objects.filter(person_id__in=missing, revoked_at__isnull=True):
            have[b.person_id] = b
    return have


def revoke_badge(badge: Badge, reason: str = "lost") -> None:
    from truyvet.checkins.scans import forget_badge

    forget_badge(badge.serial)
    if badge.revoked_at is None:
        badge.revoked_at = timezone.now()
        badge.revoke_reason = reason[:100]
        badge.save(update_fields=["revoked_at", "revoke_reason"])


# --- place tokens ---------------------------------------------------------------------


def _place_mac(place_id: int) -> str:
    key = hashlib.sha256(f"truyvet.place-poster:{settings.SECRET_KEY}".encode()).digest()
    return b32(hmac.new(key, str(place_id).encode(), hashlib.sha256).digest()[:10]).lower()


def place_token(place_id: int) -> str:
    return f"P{place_id}-{_place_mac(place_id)}"


def place_id_from_token(token: str) -> int | None:
    m = PLACE_TOKEN_RE.match(token or "")
    if not m or not hmac.compare_digest(_place_mac(int(m.group(1))), m.group(2)):
        return None
    return int(m.group(1))


# --- device tokens --------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceAuth:
    device_id: int
    enterprise_id: int
    kind: str


_devices: dict[str, tuple[float, DeviceAuth | None]] = {}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_device(enterprise_id: int, name: str, kind: str = ScanDevice.Kind.DEVICE,
                  created_by: object = None) -> tuple[ScanDevice, str]:
    """A new device token; returns the row and the token text (shown once)."""
    token = DEVICE_TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ScanDevice.objects.create(enterprise_id=enterprise_id, name=name[:100], kind=kind,
                                    prefix=token[:12], token_hash=_hash(token),
                                    created_by=created_by)
    return row, token


def revoke_device(device: ScanDevice) -> None:
    if device.revoked is None:
        device.revoked = timezone.now()
        device.save(update_fields=["revoked"])
    clear_caches()


def device_for_token(token: str) -> DeviceAuth | None:
    """The device of a valid, unrevoked token. Cached per process for
    DEVICE_CACHE_SECONDS, so a revocation takes effect within that time."""
    if not token or not token.startswith(DEVICE_TOKEN_PREFIX) or len(token) > 100:
        return None
    h = _hash(token)
    now = time.monotonic()
    hit = _devices.get(h)
    if hit and now - hit[0] < DEVICE_CACHE_SECONDS:
        return hit[1]
    row = (ScanDevice.objects.filter(token_hash=h, revoked__isnull=True)
           .values_list("pk", "enterprise_id", "kind").first())
    auth = DeviceAuth(*row) if row else None
    if len(_devices) > 10_000:
        _devices.clear()
    _devices[h] = (now, auth)
    return auth

"""Small secrets sealed at rest (the TOTP secrets), standard library only.

Design: `cryptography` is not a dependency of this project, so instead of
AES-GCM this is an encrypt-then-MAC construction from HMAC-SHA256 alone:

- two keys per purpose, derived from settings.SECRET_KEY with HKDF
  (RFC 5869, HMAC-SHA256): one for the keystream, one for the tag;
- a random 16-byte nonce per value; the keystream is HMAC(k_enc, nonce ||
  block counter), i.e. HMAC-SHA256 used as a PRF in counter mode, XORed with
  the plaintext;
- a 32-byte tag HMAC(k_mac, version || nonce || ciphertext), checked in
  constant time before anything is decrypted.

Stored as "v1$" + base64url(nonce || ciphertext || tag). Reading tries
SECRET_KEY, then each of SECRET_KEY_FALLBACKS, so the key can be rotated as
Django's own signing allows; a value sealed under a key no longer listed can
not be opened (the device must be enrolled again). Anyone with SECRET_KEY
and the database can open the values: this protects a database dump or
backup, not a compromised server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models

VERSION = "v1"
PREFIX = VERSION + "$"
NONCE = 16
TAG = 32


class SealError(ValueError):
    """The value is not sealed, was altered, or was sealed under another key."""


def _hkdf(secret_key: str, info: bytes) -> bytes:
    prk = hmac.new(b"truyvet.sealing", secret_key.encode(), hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def _keys(secret_key: str, purpose: str) -> tuple[bytes, bytes]:
    return (_hkdf(secret_key, f"{purpose}:enc".encode()),
            _hkdf(secret_key, f"{purpose}:mac".encode()))


def _stream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (hmac.new(key, nonce + i.to_bytes(4, "big"), hashlib.sha256).digest()
              for i in range(-(-length // 32)))
    return b"".join(blocks)[:length]


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def seal(plain: str, purpose: str, secret_key: str | None = None) -> str:
    """Encrypt and authenticate `plain` for `purpose` (a fixed label)."""
    k_enc, k_mac = _keys(secret_key or settings.SECRET_KEY, purpose)
    nonce = secrets.token_bytes(NONCE)
    data = plain.encode()
    body = nonce + _xor(data, _stream(k_enc, nonce, len(data)))
    tag = hmac.new(k_mac, VERSION.encode() + body, hashlib.sha256).digest()
    return PREFIX + base64.urlsafe_b64encode(body + tag).decode().rstrip("=")


def unseal(sealed: str, purpose: str) -> str:
    """The plaintext of a `seal`ed value; SealError if it cannot be opened."""
    if not sealed.startswith(PREFIX):
        raise SealError("not a sealed value")
    raw_b64 = sealed[len(PREFIX):]
    try:
        raw = base64.urlsafe_b64decode(raw_b64 + "=" * (-len(raw_b64) % 4))
    except ValueError as exc:
        raise SealError("not a sealed value") from exc
    if len(raw) < NONCE + TAG:
        raise SealError("too short")
    body, tag = raw[:-TAG], raw[-TAG:]
    for key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        k_enc, k_mac = _keys(key, purpose)
        if hmac.compare_digest(hmac.new(k_mac, VERSION.encode() + body, hashlib.sha256).digest(), tag):
            nonce, data = body[:NONCE], body[NONCE:]
            return _xor(data, _stream(k_enc, nonce, len(data))).decode()
    raise SealError("altered, or sealed under another key")


def sealed_length(plain_length: int) -> int:
    """Characters needed to store a sealed value of `plain_length` ASCII characters."""
    return len(PREFIX) + -(-(NONCE + plain_length + TAG) * 4 // 3)


class SealedCharField(models.CharField):
    """A CharField whose value is sealed in the database and plain in Python.

    Not for lookups (every seal differs). `purpose` separates the keys of
    different fields."""

    def __init__(self, *args, purpose: str = "", **kwargs) -> None:
        self.purpose = purpose
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return value if value in (None, "") else unseal(value, self.purpose)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if value in (None, "") else seal(value, self.purpose)

"""API bearer tokens: made once, stored hashed, looked up by hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from truyvet.accounts.models import ApiToken, User

TOKEN_PREFIX = "tv_"
# Do not write last_used more than once per this interval per token.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the token text (shown once)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name, prefix=token[:10],
                                  token_hash=hash_token(token))
    return row, token


def user_for_token(token: str) -> User | None:
    """The active owner of a valid, unrevoked token, or None."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = (ApiToken.objects.select_related("user")
           .filter(token_hash=hash_token(token), revoked__isnull=True).first())
    if row is None or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used is None or now - row.last_used > LAST_USED_RESOLUTION:
        row.last_used = now
        row.save(update_fields=["last_used"])
    return row.user


def revoke(token_row: ApiToken) -> None:
    token_row.revoked = timezone.now()
    token_row.save(update_fields=["revoked"])

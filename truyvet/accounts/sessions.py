"""Session rules: the session version ("log out everywhere"), the idle timeout.

A session records the user's `session_version` when it is made (the
`user_logged_in` receiver in accounts.apps); bumping the version ends every
older session at its next request. Sessions idle longer than
settings.SESSION_IDLE_SECONDS end too. Both are checked by
`web.middleware.SessionSecurityMiddleware`, with no extra query.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import F
from django.http import HttpRequest

from truyvet.accounts.models import User

VERSION_KEY = "_tv_sv"
SEEN_KEY = "_tv_seen"
# Write the "last seen" time at most this often (a session save is a query).
SEEN_RESOLUTION = 60


def start(session: SessionBase, user: User) -> None:
    """Stamp a new login's session with the user's version and the time."""
    session[VERSION_KEY] = user.session_version
    session[SEEN_KEY] = int(time.time())


def is_current(session: SessionBase, user: User) -> bool:
    """Was this session made under the user's current version?"""
    return session.get(VERSION_KEY, 0) == user.session_version


def is_idle(session: SessionBase, now: float | None = None) -> bool:
    limit = getattr(settings, "SESSION_IDLE_SECONDS", 0)
    seen = session.get(SEEN_KEY)
    if not limit or seen is None:
        return False
    return (now or time.time()) - seen > limit


def touch(session: SessionBase, now: float | None = None) -> None:
    """Note activity, writing the session only when the stamp is stale."""
    now = int(now or time.time())
    if now - session.get(SEEN_KEY, 0) >= SEEN_RESOLUTION:
        session[SEEN_KEY] = now


def end_all_sessions(user: User) -> None:
    """Log `user` out everywhere: every session made before now stops working."""
    User.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)
    user.refresh_from_db(fields=["session_version"])


def logout_everywhere(request: HttpRequest, user: User) -> None:
    """End all of `user`'s sessions; the current one (if it is theirs) is kept,
    re-stamped with the new version."""
    end_all_sessions(user)
    if getattr(request, "user", None) is not None and request.user.pk == user.pk:
        request.session[VERSION_KEY] = user.session_version
        request.session.cycle_key()

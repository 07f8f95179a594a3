"""API authentication: a bearer token (`Authorization: Bearer tv_...`) or the
browser's Django session. Both resolve to a `User`, scoped like on the pages."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from truyvet.accounts.models import User
from truyvet.accounts.tokens import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return user_for_token(token)


class ActiveSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        return user if user.is_authenticated and user.is_active else None


def api_user(request: HttpRequest) -> User:
    """The authenticated user of an API request (set by either scheme)."""
    return request.auth

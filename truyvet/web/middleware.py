"""Middleware: the chosen language, security headers, rate limits, and the
session rules (log out everywhere, idle timeout, two-factor for authorities).
The decisions live in plain functions of `truyvet.accounts`."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language:
    the language is the one picked with the switch (its cookie), else
    settings.LANGUAGE_CODE (Vietnamese). A clerk whose phone is set to English
    still sees the province's language until they ask for English."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SecurityHeadersMiddleware:
    """Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) and a
    restrictive Permissions-Policy on every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy:
            response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy",
                                    "camera=(self), geolocation=(), microphone=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """429: JSON for the API, a short page for people."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": "Too many requests", "retry_after": retry_after}, status=429)
    else:
        translation.activate(_chosen_language(request))
        response = render(request, "web/too_many_requests.html",
                          {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _chosen_language(request: HttpRequest) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


class RateLimitMiddleware:
    """Fixed-window limits per client on the prefixes of settings.RATE_LIMITS
    (login, public check-in pages /c/, the scan API, registration). The scan
    API's hits are counted in batches (see truyvet.accounts.ratelimit)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from truyvet.accounts import ratelimit

        allowed, retry_after = ratelimit.check(request)
        if not allowed:
            return too_many_requests(request, retry_after)
        return self.get_response(request)


# Paths an authority may reach before giving the second factor.
_TWO_FACTOR_OPEN = ("/account/2fa/", "/logout/", "/i18n/", "/static/")


class SessionSecurityMiddleware:
    """After authentication: end sessions from before "log out everywhere" and
    idle ones, and hold authorities at the second factor until it is given
    (see accounts.twofactor). Adds no query for a verified session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from truyvet.accounts import sessions, twofactor

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        api = request.path.startswith("/api/")
        if not sessions.is_current(request.session, user) or sessions.is_idle(request.session):
            logout(request)
            # The API goes on anonymously: a bearer token may still authenticate it.
            return self.get_response(request) if api else self._to_login(request)
        sessions.touch(request.session)
        if (not twofactor.is_verified(request.session)
                and not request.path.startswith(_TWO_FACTOR_OPEN)
                and twofactor.needs_second_factor(user)):
            if api:
                request.user = AnonymousUser()  # the half-logged-in session counts for nothing
                return self.get_response(request)
            return redirect(reverse("accounts:2fa") + "?next=" + _safe_next(request))
        return self.get_response(request)

    def _to_login(self, request: HttpRequest) -> HttpResponse:
        return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))


def _safe_next(request: HttpRequest) -> str:
    from urllib.parse import quote

    return quote(request.get_full_path() if request.method == "GET" else "/", safe="/")

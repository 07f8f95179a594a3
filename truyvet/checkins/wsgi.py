"""The lean route for the scan API: ``POST /api/v1/scans`` and
``POST /api/v1/scans/batch``, dispatched at the WSGI level (`truyvet.wsgi`)
before Django's full stack.

These are the hot paths of device and badge-system traffic (thousands of
scans a second), authenticated by a device token only. They do not need what
the full stack spends most of a request on: sessions, CSRF (no cookie
authenticates them), messages, the chosen language, user authentication and
the session rules, URL resolution and django-ninja's machinery. This handler
is Django's own `WSGIHandler` (request objects, `request_started` /
`request_finished` signals, so database connections are managed as usual,
exception-to-response conversion, 4xx/5xx logging) with:

* the middleware of settings.MIDDLEWARE *minus* `SKIPPED` below, in the same
  order, so the security headers (SecurityMiddleware, SecurityHeadersMiddleware,
  XFrameOptionsMiddleware) and the rate limit (RateLimitMiddleware) apply
  exactly as on the full stack, and any middleware added later applies too;
* `ALLOWED_HOSTS` checked and ``Content-Length`` set (CommonMiddleware's
  jobs on the full stack);
* the view: the device token checked as the ninja operation's `DeviceBearer`
  does (401 ``{"detail": "Unauthorized"}`` otherwise), then the same
  functions as the ninja operations, `checkins.api.scan` / `checkins.api.batch`.

The ninja operations stay (the OpenAPI schema documents them, and tests and
any other method go through them). Responses differ from the full stack's
only by lacking ``Content-Language`` and ``Vary: Accept-Language, Cookie``,
which these JSON answers do not depend on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.module_loading import import_string

from truyvet.checkins import api
from truyvet.checkins.tokens import device_for_token

# Middleware the scan API does not need (see the module docstring).
SKIPPED = frozenset({
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "truyvet.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "truyvet.web.middleware.SessionSecurityMiddleware",
})

VIEWS: dict[str, Callable] = {
    "/api/v1/scans": api.scan,
    "/api/v1/scans/batch": api.batch,
}


def lean_middleware() -> list[str]:
    return [m for m in settings.MIDDLEWARE if m not in SKIPPED]


def bearer_device(request: HttpRequest) -> api.DeviceAuth | None:
    """The device of ``Authorization: Bearer tvd_...``, parsed as ninja's HttpBearer does."""
    value = request.META.get("HTTP_AUTHORIZATION")
    if not value:
        return None
    parts = value.split(" ")
    if parts[0].lower() != "bearer":
        return None
    return device_for_token(" ".join(parts[1:]))


def scan_view(request: HttpRequest) -> HttpResponse:
    request.get_host()  # ALLOWED_HOSTS: DisallowedHost answers 400, as on the full stack
    device = bearer_device(request)
    if device is None:
        return JsonResponse({"detail": "Unauthorized"}, status=401)
    return VIEWS[request.path_info](device, request)


class ScanHandler(WSGIHandler):
    """Django's WSGI handler with the lean middleware chain around `scan_view`."""

    def load_middleware(self, is_async: bool = False) -> None:
        handler = convert_exception_to_response(scan_view)
        for path in reversed(lean_middleware()):
            try:
                instance = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            handler = convert_exception_to_response(instance)
        self._view_middleware, self._template_response_middleware = [], []
        self._exception_middleware = []
        self._middleware_chain = handler

    def get_response(self, request: HttpRequest) -> HttpResponse:
        response = super().get_response(request)
        if not response.streaming and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))  # as CommonMiddleware
        return response


class ScanRoute:
    """WSGI app: POSTs to the scan API go to `ScanHandler`, the rest to `app`."""

    def __init__(self, app: Callable) -> None:
        self.app = app
        self.scans = ScanHandler()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO") in VIEWS:
            return self.scans(environ, start_response)
        return self.app(environ, start_response)

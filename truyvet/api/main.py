"""The HTTP API, version 1, mounted at /api/v1/ (OpenAPI at /api/v1/openapi.json,
docs at /api/v1/docs). Other packages may add routers to `api`."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI

from truyvet.api.auth import ActiveSession, BearerToken
from truyvet.api.views import router as registry_router
from truyvet.cases.api import router as cases_router
from truyvet.checkins.api import router as checkins_router
from truyvet.health.api import router as health_router
from truyvet.worklists.api import router as worklists_router

api = NinjaAPI(
    title="TruyVết API",
    version="1",
    description="Registry reads: enterprises, org units, people, places, memberships and "
    "presence. Authenticate with `Authorization: Bearer <token>` (see `truyvet "
    "create-api-token`) or a browser session. Everything is scoped to the caller's role; "
    "objects outside it answer 404.",
    urls_namespace="api-v1",
    auth=[BearerToken(), ActiveSession()],
)
api.add_router("/", registry_router)
api.add_router("/", cases_router)
api.add_router("/", checkins_router)
api.add_router("/", health_router)
api.add_router("/", worklists_router)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found"}, status=404)

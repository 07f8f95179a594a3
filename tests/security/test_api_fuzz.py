"""Schemathesis against the OpenAPI schema, through the WSGI app, as a province
administrator with a bearer token: no request may end in a server error.
Bounded (a few examples per operation) to run in well under a minute."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")  # in the test extras

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from truyvet.wsgi import application  # noqa: E402

# The schema document itself needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def admin_token(world, settings):
    """A province administrator's token; requests keep the test's database
    connection open (as Django's test client does); no rate limit for the fuzzer."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from truyvet.accounts.tokens import create_token

    settings.RATE_LIMITS = {}
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield create_token(world.user("admin"), "fuzz")[1]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_never_fails_with_a_server_error(case, admin_token):
    response = case.call(headers={"Authorization": f"Bearer {admin_token}"})
    case.validate_response(response, checks=[not_a_server_error])

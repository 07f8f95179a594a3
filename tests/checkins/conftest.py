"""Check-in fixtures: the personas' world plus a signing key and device tokens."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_caches():
    from django.core.cache import cache

    from truyvet.accounts import ratelimit
    from truyvet.checkins import api, scans, tokens

    cache.clear()
    tokens.clear_caches()
    scans.clear_caches()
    api._places.clear()
    ratelimit.clear()
    yield
    tokens.clear_caches()
    scans.clear_caches()
    api._places.clear()
    ratelimit.clear()


@pytest.fixture
def device(world):
    """A device token of enterprise e1 (the world's "our" enterprise)."""
    from truyvet.checkins.tokens import create_device

    row, token = create_device(world.e1.pk, "Cổng chính", created_by=world.user("dn"))
    return row, token

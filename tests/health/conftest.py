"""English test runs: messages are checked in English (the site default is Vietnamese)."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield

"""Small helpers for htmx requests."""

from django.http import HttpRequest


def is_fragment_request(request: HttpRequest) -> bool:
    """True when htmx asks for a fragment (not when it restores a page from history)."""
    return (request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true")

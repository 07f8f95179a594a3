"""The machinery of the authorization matrix (rules: tests/security/authz_rules.py).

Every URL pattern (walked from the root URLconf) and every API operation (from
the OpenAPI schema) is requested as every persona of the `world` fixture, with
an object inside and one outside the persona's scope, and the status compared
with the rule's expectation.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

PERSONAS = ("admin", "cdc", "ytehuyen", "kcn", "congthuong", "huyen", "dn", "ytedn", "baove",
            "nhatro", "worker", "outsider", "anon")
IN, OUT = "in", "out"
# Skipped wholesale: Django's admin (it answers to province administrators
# only: admin.site.has_permission, tested in tests/accounts) and the API's own
# URL patterns (walked through the OpenAPI schema instead).
SKIPPED_NAMESPACES = ("admin",)


@dataclass(frozen=True)
class Rule:
    """What a URL answers, per persona.

    obj: what the URL's arguments name: "none", "person", "enterprise", "place",
      "opaque" (an object type this table cannot build: a made-up id must give
      404 to everyone), or a custom factory name from authz_rules.FACTORIES.
    arg / attr: the URL argument and the object's attribute that fills it.
    allowed: personas that get `ok` for an object in their scope; the others get
      `denied`, and everyone gets 404 for an object outside their scope.
    anon: the anonymous visitor's status.
    """

    obj: str = "none"
    allowed: frozenset[str] = frozenset()
    ok: tuple[int, ...] = (200,)
    denied: tuple[int, ...] = (404,)
    anon: tuple[int, ...] = (302,)
    method: str = "GET"
    arg: str = "pk"
    attr: str = "pk"
    data: dict = field(default_factory=dict)


def rule(obj: str = "none", allowed: str | set[str] = "", **kw: object) -> Rule:
    names = set(allowed.split()) if isinstance(allowed, str) else set(allowed)
    unknown = names - set(PERSONAS)
    assert not unknown, f"unknown personas {unknown}"
    return Rule(obj=obj, allowed=frozenset(names), **kw)


def walk(patterns=None, prefix: str = "", ns: str | None = None,
         convs: dict | None = None) -> Iterator[tuple[str, str, dict]]:
    """(namespaced name, route, converters) of every URL pattern."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    convs = convs or {}
    for p in patterns:
        here = {**convs, **getattr(p.pattern, "converters", {})}
        if isinstance(p, URLResolver):
            inner = p.namespace
            name = f"{ns}:{inner}" if ns and inner else (inner or ns)
            yield from walk(p.url_patterns, prefix + str(p.pattern), name, here)
        elif isinstance(p, URLPattern):
            yield (f"{ns}:{p.name}" if ns else (p.name or "")), prefix + str(p.pattern), here


def converter_kinds(key: str) -> dict[str, str]:
    """URL argument -> "int", "uuid", "str", ... for the URL named `key`."""
    for name, _route, convs in walk():
        if name == key:
            return {k: type(c).__name__.replace("Converter", "").lower() for k, c in convs.items()}
    return {}


def page_keys() -> list[str]:
    out = []
    for name, route, _convs in walk():
        top = name.split(":")[0] if ":" in name else ""
        if top in SKIPPED_NAMESPACES or top == "api-v1" and not route.endswith(("docs", "json")):
            continue
        out.append(name or route)
    return sorted(set(out))


def api_keys() -> list[str]:
    from truyvet.api.main import api

    schema = api.get_openapi_schema()
    return sorted(f"{m.upper()} {path}" for path, ops in schema["paths"].items() for m in ops)


def opaque_value(converter_hint: str) -> str:
    return {"uuid": str(uuid.UUID(int=0xDEAD)), "int": "999999"}.get(converter_hint, "no-such-thing")


Factory = Callable[[object, str, str], object | None]

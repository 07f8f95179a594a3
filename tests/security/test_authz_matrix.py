"""The authorization matrix: every URL and API operation, as every persona, with
an object inside and outside the persona's scope. Rules: authz_rules.RULES and
authz_rules.API_RULES. A URL or operation without a rule fails the test."""

from __future__ import annotations

import json
import os
import re

import pytest
from django.db import transaction
from django.urls import reverse

from tests.conftest import SCOPES
from tests.security import matrix
from tests.security.authz_rules import API_RULES, FACTORIES, RULES

SLOTS = {"person": (0, 1), "enterprise": (2, 3), "place": (4, 5)}
DUMP = os.environ.get("TRUYVET_MATRIX_DUMP")


class _Rollback(Exception):
    pass


def _objects(world, rule: matrix.Rule, persona: str) -> list[tuple[str, object]]:
    """(side, object) pairs to try for `persona`; the object None means none needed."""
    if rule.obj == "none":
        return [(matrix.IN, None)]
    if rule.obj == "opaque":
        return [(matrix.OUT, None)]
    if rule.obj in SLOTS:
        key = "admin" if persona == "anon" else persona
        i, o = SLOTS[rule.obj]
        pairs = [(matrix.IN, SCOPES[key][i]), (matrix.OUT, SCOPES[key][o])]
        if persona == "anon":
            pairs = pairs[:1]
        return [(side, getattr(world, attr)) for side, attr in pairs if attr is not None]
    factory = FACTORIES[rule.obj]
    pairs = [(side, factory(world, persona, side)) for side in (matrix.IN, matrix.OUT)]
    return [(side, obj) for side, obj in pairs if obj is not None]


def _expected(rule: matrix.Rule, persona: str, side: str) -> tuple[int, ...]:
    if persona == "anon":
        return rule.anon
    if persona not in rule.allowed:
        return rule.denied
    return rule.ok if side == matrix.IN else (404,)


def _page_url(name: str, rule: matrix.Rule, obj: object) -> str:
    conv = matrix.converter_kinds(name)
    if rule.obj == "none":
        return reverse(name)
    if rule.obj == "opaque":
        return reverse(name, kwargs={k: matrix.opaque_value(v) for k, v in conv.items()})
    if isinstance(obj, dict):
        return reverse(name, kwargs=obj)
    return reverse(name, kwargs={rule.arg: getattr(obj, rule.attr)})


def _api_url(path: str, rule: matrix.Rule, obj: object) -> str:
    params = re.findall(r"{(\w+)}", path)
    if rule.obj == "opaque":
        values = {p: matrix.opaque_value("uuid" if "uuid" in p or p == "trace_id" else "int")
                  for p in params}
    elif isinstance(obj, dict):
        values = obj
    else:
        values = {rule.arg: getattr(obj, rule.attr)} if params else {}
    for p in params:
        path = path.replace("{" + p + "}", str(values[p]))
    return path


def _request(client, rule: matrix.Rule, url: str, token: str | None = None):
    extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if rule.method == "GET":
        return client.get(url, **extra)
    if token is not None:
        return client.generic(rule.method, url, json.dumps(rule.data),
                              content_type="application/json", **extra)
    return client.generic(rule.method, url, _form(rule.data),
                          content_type="application/x-www-form-urlencoded", **extra)


def _form(data: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(data)


def _run(world, client, key: str, rule: matrix.Rule, url_for, api: bool) -> list[str]:
    from truyvet.accounts.tokens import create_token

    failures = []
    for persona in matrix.PERSONAS:
        for side, obj in _objects(world, rule, persona):
            try:
                with transaction.atomic():
                    client.logout()
                    token = None
                    if persona != "anon":
                        user = world.user(persona)
                        if api:
                            token = create_token(user, "matrix")[1]
                        else:
                            client.force_login(user)
                    url = url_for(rule, obj)
                    status = _request(client, rule, url, token).status_code
                    raise _Rollback(status)
            except _Rollback as r:
                status = r.args[0]
            want = _expected(rule, persona, side)
            if DUMP:
                print(f"MATRIX {key!r} {persona} {side} {status}")
            elif status not in want:
                failures.append(f"{persona:<10} {side:<3} {url}: got {status}, want {want}")
    return failures


def _missing(key: str, table: str) -> str:
    return (f"No authorization rule for {key!r}. Add one to tests/security/authz_rules.py, "
            f"in {table}: {key!r}: rule(obj=\"none|person|enterprise|place|opaque|<factory>\", "
            f"allowed=\"<personas that get 200 for an object in their scope>\"), "
            f"with ok=/denied=/anon= when the statuses differ from 200/404/"
            f"{'401' if table == 'API_RULES' else '302'}.")


@pytest.mark.parametrize("key", matrix.page_keys())
def test_page_authorization(world, client, key):
    assert key in RULES, _missing(key, "RULES")
    rule = RULES[key]
    failures = _run(world, client, key, rule, lambda r, o: _page_url(key, r, o), api=False)
    assert not failures, f"{key}:\n" + "\n".join(failures)


@pytest.mark.parametrize("key", matrix.api_keys())
def test_api_authorization(world, client, key):
    assert key in API_RULES, _missing(key, "API_RULES")
    rule = API_RULES[key]
    path = key.split(" ", 1)[1]
    failures = _run(world, client, key, rule, lambda r, o: _api_url(path, r, o), api=True)
    assert not failures, f"{key}:\n" + "\n".join(failures)


def test_rules_name_existing_endpoints():
    """No stale rules: every rule names a URL or operation that exists."""
    stale = (set(RULES) - set(matrix.page_keys())) | (set(API_RULES) - set(matrix.api_keys()))
    assert not stale, f"rules for endpoints that no longer exist: {sorted(stale)}"

"""THE table of who may reach what: one rule per URL name and per API operation.

Personas (tests/conftest.py build_world): admin (province), cdc (province
health), ytehuyen (district health, d1), kcn (zone board, z1), congthuong
(industry and trade), huyen (district committee, d1), dn / ytedn / baove
(enterprise e1's administrator, health officer, gate operator), nhatro
(boarding house bh1), worker (w1), outsider (enterprise e2's administrator),
anon (not logged in). In- and out-of-scope objects per persona: SCOPES in
tests/conftest.py; custom objects: FACTORIES below.
"""

from __future__ import annotations

import itertools

from tests.security.matrix import rule

OFFICIALS = "admin cdc ytehuyen kcn congthuong huyen dn ytedn baove nhatro outsider"
EVERYONE = OFFICIALS + " worker"
ENTERPRISE_SCOPED = "admin cdc ytehuyen kcn congthuong huyen dn ytedn outsider"
TRACERS = "admin cdc ytehuyen dn ytedn outsider"
_seq = itertools.count(1)


# --- custom objects ---------------------------------------------------------------------


def application(world, persona, side):
    """A registration the persona reviews (in) or one it does not (out)."""
    from truyvet.accounts.models import EnterpriseApplication

    zone = {"kcn": (world.z1, world.z2), "congthuong": (None, world.z1)}.get(
        persona, (world.z1, None))[0 if side == "in" else 1]
    if side == "out" and persona not in ("kcn", "congthuong"):
        return None
    return EnterpriseApplication.objects.create(
        name="Công ty Mới", tax_code=f"{2500000000 + next(_seq)}", zone=zone,
        district=world.d1, address="x", legal_rep_name="A", legal_rep_phone="0912000000",
        contact_name="B", email="b@example.com")


def staff(world, persona, side):
    """A staff account of the persona's enterprise (in) or of another (out)."""
    from truyvet.accounts.models import Role, User

    mine = world.e2 if persona == "outsider" else world.e1
    other = world.e1 if persona == "outsider" else world.e2
    if side == "out" and persona not in ("dn", "outsider"):
        return None
    return User.objects.create(username=f"staff{next(_seq)}", role=Role.GATE_OPERATOR,
                               enterprise=mine if side == "in" else other)


def activation(world, persona, side):
    from truyvet.accounts.activation import activation_path
    from truyvet.accounts.models import Role, User

    if side == "out":
        return None
    user = User.objects.create(username=f"invited{next(_seq)}", role=Role.GATE_OPERATOR,
                               enterprise=world.e1, email="i@example.com")
    user.set_unusable_password()
    user.save()
    uidb64, token = activation_path(user).strip("/").split("/")[-2:]
    return {"uidb64": uidb64, "token": token}


def bus(world, persona, side, kind="bus"):
    """A bus (or other place of `kind`) of an enterprise in the persona's scope
    (e1; e2 for the outsider, e3 for industry and trade) or of one outside it."""
    from truyvet.places.models import Place

    mine = {"outsider": world.e2, "congthuong": world.e3}.get(persona, world.e1)
    other = world.e1 if persona in ("outsider", "congthuong") else world.e2
    if side == "out" and persona in ("admin", "cdc"):
        return None
    enterprise = mine if side == "in" else other
    return Place.objects.create(code=f"P{next(_seq)}", kind=kind, name="Xe 29B",
                                enterprise=enterprise)


def canteen(world, persona, side):
    return bus(world, persona, side, kind="canteen")


def csv_format(world, persona, side):
    return {"fmt": "csv"} if side == "in" else None


FACTORIES = {"application": application, "staff": staff, "activation": activation,
             "csv_format": csv_format, "bus": bus, "canteen": canteen}


# --- pages (URL names) ----------------------------------------------------------------

AUTHORITIES = "admin cdc ytehuyen kcn congthuong huyen"
REVIEWERS = "admin kcn congthuong"
ENTERPRISE_ADMINS = "dn outsider"
ALL = EVERYONE + " anon"
HEALTH = "admin cdc ytehuyen dn ytedn outsider"  # test results, vaccinations
KEEPERS = "admin dn ytedn outsider"  # who keeps an enterprise's lists and badges

RULES = {
    # shell
    "home": rule("none", EVERYONE),
    "login": rule("none", EVERYONE, ok=(302,), anon=(200,)),  # logged in: sent home
    "logout": rule("none", EVERYONE, method="POST", ok=(302,), anon=(302,)),
    "password_change": rule("none", EVERYONE),
    "password_change_done": rule("none", EVERYONE),
    "set_language": rule("none", EVERYONE, method="POST", ok=(302,), anon=(302,),
                         data={"language": "en", "next": "/"}),
    "api-v1:openapi-json": rule("none", EVERYONE, anon=(200,)),
    "api-v1:openapi-view": rule("none", EVERYONE, anon=(200,)),
    # accounts
    "accounts:2fa": rule("none", AUTHORITIES, ok=(302,)),  # no device yet: to enrolment
    "accounts:2fa_setup": rule("none", AUTHORITIES),
    "accounts:2fa_qr": rule("none", AUTHORITIES),
    "accounts:security": rule("none", EVERYONE),
    "accounts:recovery_codes": rule("none", "", method="POST"),  # only with a device
    "accounts:logout_everywhere": rule("none", EVERYONE, method="POST", ok=(302,)),
    "accounts:activate": rule("activation", ALL, ok=(302,), anon=(302,)),
    "accounts:activated": rule("none", EVERYONE, anon=(200,)),
    "accounts:register": rule("none", EVERYONE, anon=(200,)),
    "accounts:registered": rule("none", EVERYONE, anon=(200,)),
    "accounts:applications": rule("none", REVIEWERS),
    "accounts:application": rule("application", REVIEWERS),
    "accounts:approve": rule("application", REVIEWERS, method="POST", ok=(302,)),
    "accounts:reject": rule("application", REVIEWERS, method="POST", ok=(302,),
                            data={"reason": "Sai mã số thuế"}),
    "accounts:staff": rule("none", ENTERPRISE_ADMINS),
    "accounts:invite": rule("none", ENTERPRISE_ADMINS, method="POST", ok=(400,)),
    "accounts:disable": rule("staff", ENTERPRISE_ADMINS, method="POST", ok=(302,)),
    "accounts:audit": rule("none", "admin"),
    "accounts:audit_csv": rule("none", "admin"),
    # registry and places
    "registry:enterprises": rule("none", EVERYONE),  # a scoped list (empty for some)
    "registry:enterprise": rule("enterprise", ENTERPRISE_SCOPED + " baove"),
    "registry:workers": rule("enterprise", ENTERPRISE_SCOPED + " baove"),
    "registry:workers_csv": rule("enterprise", ENTERPRISE_SCOPED),  # masked per role
    "registry:people": rule("none", EVERYONE),  # a worker sees themselves
    "registry:person": rule("person", EVERYONE, arg="uuid", attr="uuid"),
    "registry:me": rule("none", "worker", ok=(302,)),  # to their own record
    "places:list": rule("none", EVERYONE),
    "places:detail": rule("place", OFFICIALS),
    # cases (traces)
    "cases:list": rule("none", TRACERS),
    "cases:declare": rule("none", TRACERS),
    "cases:people_search": rule("none", TRACERS),
    "cases:trace": rule("opaque", TRACERS),
    "cases:csv": rule("opaque", TRACERS),
    "cases:xlsx": rule("opaque", TRACERS),
    "cases:graph": rule("opaque", TRACERS),
    "cases:graph_json": rule("opaque", TRACERS),
    "cases:person_contacts": rule("person", TRACERS, arg="uuid", attr="uuid"),
    # check-ins
    "checkins:checkin": rule("opaque", ALL, anon=(404,)),
    "checkins:identify": rule("opaque", ALL, anon=(404,), method="POST"),
    "checkins:forget": rule("opaque", ALL, anon=(404,), method="POST"),
    "checkins:hub": rule("none", EVERYONE),
    "checkins:kiosk_choose": rule("none", EVERYONE),
    "checkins:kiosk": rule("place", "admin dn ytedn baove outsider", arg="place_id"),
    "checkins:kiosk_scans": rule("place", "admin dn ytedn baove outsider", arg="place_id",
                                  method="POST", ok=(200, 400)),  # 400: no scan given
    "checkins:badges": rule("none", KEEPERS),
    "checkins:person_badges": rule("person", KEEPERS, arg="person_uuid", attr="uuid"),
    "checkins:person_badge_pdf": rule("person", KEEPERS, arg="person_uuid", attr="uuid"),
    "checkins:posters": rule("none", KEEPERS),
    "checkins:place_poster": rule("canteen", KEEPERS,
                                  arg="place_id"),
    "checkins:job": rule("opaque", OFFICIALS),
    "checkins:job_progress": rule("opaque", OFFICIALS),
    "checkins:job_download": rule("opaque", OFFICIALS),
    "checkins:devices": rule("none", "admin dn outsider"),
    "checkins:revoke_device": rule("opaque", OFFICIALS, method="POST"),
    "checkins:attendance": rule("none", KEEPERS),
    "checkins:bus_trips": rule("bus", "admin cdc ytehuyen kcn congthuong huyen dn ytedn baove outsider",
                               arg="place_id"),
    "checkins:rooms": rule("none", EVERYONE),
    # health and worker lists
    "health:tests": rule("enterprise", HEALTH),
    "health:report_none": rule("enterprise", HEALTH, method="POST", ok=(302,)),
    "health:vaccinations": rule("enterprise", HEALTH),
    "health:test_import": rule("enterprise", HEALTH),
    "health:import_template": rule("enterprise", HEALTH),
    "health:import_preview": rule("opaque", ENTERPRISE_SCOPED),
    "health:import_apply": rule("opaque", ENTERPRISE_SCOPED, method="POST"),
    "health:import_cancel": rule("opaque", ENTERPRISE_SCOPED, method="POST"),
    "health:compliance": rule("none", ENTERPRISE_SCOPED),
    "health:compliance_export": rule("csv_format", ENTERPRISE_SCOPED),
    "worklists:worklist": rule("enterprise", KEEPERS),
    "worklists:template": rule("enterprise", KEEPERS),
    "worklists:export": rule("enterprise", KEEPERS),
    "worklists:preview": rule("opaque", ENTERPRISE_SCOPED),
    "worklists:confirm": rule("opaque", ENTERPRISE_SCOPED, method="POST"),
    "worklists:cancel": rule("opaque", ENTERPRISE_SCOPED, method="POST"),
    "worklists:progress": rule("opaque", ENTERPRISE_SCOPED),
}

# --- API operations ("METHOD path" as in the OpenAPI schema) ----------------------------

API = {"anon": (401,)}
API_RULES = {
    "GET /api/v1/enterprises": rule("none", EVERYONE, **API),
    "GET /api/v1/enterprises/{enterprise_id}": rule("enterprise", ENTERPRISE_SCOPED + " baove",
                                                    arg="enterprise_id", **API),
    "GET /api/v1/enterprises/{enterprise_id}/org-units": rule(
        "enterprise", ENTERPRISE_SCOPED + " baove", arg="enterprise_id", **API),
    "GET /api/v1/people": rule("none", EVERYONE, **API),
    "GET /api/v1/people/{person_uuid}": rule("person", EVERYONE, arg="person_uuid",
                                             attr="uuid", **API),
    "GET /api/v1/people/by-national-id/{national_id}": rule(
        "person", EVERYONE, arg="national_id", attr="national_id", **API),
    "GET /api/v1/people/{person_uuid}/memberships": rule(
        "person", "admin cdc ytehuyen kcn congthuong huyen dn ytedn nhatro worker outsider",
        arg="person_uuid",
                                                         attr="uuid", **API),
    "GET /api/v1/people/{person_uuid}/presence": rule(
        "person", "admin cdc ytehuyen kcn congthuong huyen dn ytedn worker outsider",
        arg="person_uuid",
                                                      attr="uuid", **API),
    "GET /api/v1/places": rule("none", EVERYONE, **API),
    "GET /api/v1/places/{place_id}": rule("place", OFFICIALS, arg="place_id", **API),
    "POST /api/v1/traces": rule("none", TRACERS, method="POST", ok=(422,), **API),
    "GET /api/v1/traces": rule("none", TRACERS, **API),
    "GET /api/v1/traces/{trace_id}": rule("opaque", TRACERS, **API),
    # health and worker lists
    "GET /api/v1/enterprises/{enterprise_id}/test-results": rule(
        "enterprise", HEALTH, arg="enterprise_id", **API),
    "GET /api/v1/enterprises/{enterprise_id}/vaccination-coverage": rule(
        "enterprise", HEALTH, arg="enterprise_id", **API),
    "GET /api/v1/compliance": rule("none", ENTERPRISE_SCOPED, **API),
    "GET /api/v1/enterprises/{enterprise_id}/worklist-imports": rule(
        "enterprise", KEEPERS, arg="enterprise_id", **API),
    # Scans authenticate kiosk devices (checkins), not user tokens: 401 for every user.
    "POST /api/v1/scans": rule("none", "", method="POST", denied=(401,), **API),
    "POST /api/v1/scans/batch": rule("none", "", method="POST", denied=(401,), **API),
}

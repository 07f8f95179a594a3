"""Test set-up: fast hashing, and fixtures that build data through real code."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _inline_tasks(settings):
    """Background tasks run inline in tests: the same code path, no worker needed."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """No collectstatic manifest in tests: serve static names as they are."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _force_login_gives_both_factors(monkeypatch):
    """`client.force_login(user)` stands for a complete login, password and
    second factor: the session is marked verified the way the two-factor page
    marks it (accounts.twofactor.mark_verified, how="test"). Authorities must
    otherwise give a code first (Policy.require_2fa_for_authorities is on).
    `client.login(username=..., password=...)` stays a password-only login, as in
    production; tests/security tests the second factor through that path."""
    from django.test import Client

    from truyvet.accounts.twofactor import mark_verified

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        mark_verified(session, "test")
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@dataclass
class World:
    """A tiny province: two districts, two zones, three enterprises, two
    boarding houses, a handful of people, and one login per role."""

    d1: object = None
    d2: object = None
    z1: object = None
    z2: object = None
    e1: object = None  # in zone z1, district d1: "our" enterprise
    e2: object = None  # in zone z2, district d2: the other one
    e3: object = None  # outside zones, district d1
    team1: object = None
    workshop1: object = None
    site1: object = None
    team2: object = None
    w1: object = None  # worker of e1, lives in room r1 now
    w2: object = None  # worker of e1, moved out of r1
    x1: object = None  # worker of e2, lives in room r2
    y1: object = None  # worker of e3
    bh1: object = None
    bh2: object = None
    r1: object = None
    r2: object = None
    gate1: object = None
    canteen1: object = None
    canteen2: object = None
    users: dict = field(default_factory=dict)

    def user(self, key: str):
        return self.users[key]


def build_world(password: str = "pw-Tr0ng-Demo") -> World:
    from truyvet.accounts.models import Role, User
    from truyvet.places.models import BoardingHouse, Membership, Place, Presence
    from truyvet.registry.models import AdminUnit, Employment, Enterprise, OrgUnit, Person

    w = World()
    prov = AdminUnit.objects.create(code="24", name="Bắc Giang", level="province")
    w.d1 = AdminUnit.objects.create(code="213", name="Việt Yên", level="district", parent=prov)
    w.d2 = AdminUnit.objects.create(code="215", name="Yên Dũng", level="district", parent=prov)
    from truyvet.registry.models import Zone

    w.z1 = Zone.objects.create(code="KCN-QV", name="KCN Quang Châu", district=w.d1)
    w.z2 = Zone.objects.create(code="KCN-VT", name="KCN Vân Trung", district=w.d2)
    w.e1 = Enterprise.objects.create(code="DN1", name="Công ty Ánh Dương", tax_code="2400000001",
                                     zone=w.z1, district=w.d1)
    w.e2 = Enterprise.objects.create(code="DN2", name="Công ty Bình Minh", tax_code="2400000002",
                                     zone=w.z2, district=w.d2)
    w.e3 = Enterprise.objects.create(code="DN3", name="Công ty Cát Tường", tax_code="2400000003",
                                     zone=None, district=w.d1)
    w.site1 = OrgUnit.objects.create(code="DN1-S", enterprise=w.e1, kind="site", name="Nhà máy 1")
    w.workshop1 = OrgUnit.objects.create(code="DN1-W", enterprise=w.e1, kind="workshop",
                                         name="Phân xưởng May", parent=w.site1)
    w.team1 = OrgUnit.objects.create(code="DN1-T", enterprise=w.e1, kind="team", name="Tổ 1",
                                     parent=w.workshop1)
    w.team2 = OrgUnit.objects.create(code="DN2-T", enterprise=w.e2, kind="team", name="Tổ A")

    def person(nid, name, ent, unit, phone):
        p = Person.objects.create(national_id=nid, full_name=name, enterprise=ent, org_unit=unit,
                                  phone=phone, date_of_birth=date(1995, 3, 4), sex="F",
                                  hometown="Lục Nam")
        Employment.objects.create(person=p, enterprise=ent, org_unit=unit,
                                  valid_from=date(2020, 1, 1))
        return p

    w.w1 = person("024195000001", "Nguyễn Thị An", w.e1, w.team1, "0912345601")
    w.w2 = person("024195000002", "Trần Văn Bình", w.e1, w.team1, "0912345602")
    w.x1 = person("024195000003", "Lê Thị Cúc", w.e2, w.team2, "0912345603")
    w.y1 = person("024195000004", "Phạm Văn Dũng", w.e3, None, "0912345604")

    w.bh1 = BoardingHouse.objects.create(code="NT1", name="Nhà trọ Hoa Mai", district=w.d1)
    w.bh2 = BoardingHouse.objects.create(code="NT2", name="Nhà trọ Hồng Hà", district=w.d2)
    w.r1 = Place.objects.create(code="NT1-P1", kind="room", name="Phòng 1", boarding_house=w.bh1)
    w.r2 = Place.objects.create(code="NT2-P1", kind="room", name="Phòng A", boarding_house=w.bh2)
    w.gate1 = Place.objects.create(code="DN1-GATE", kind="gate", name="Cổng chính", enterprise=w.e1)
    w.canteen1 = Place.objects.create(code="DN1-CT", kind="canteen", name="Nhà ăn 1",
                                      enterprise=w.e1)
    w.canteen2 = Place.objects.create(code="DN2-CT", kind="canteen", name="Nhà ăn A",
                                      enterprise=w.e2)
    today = timezone.localdate()
    Membership.objects.create(person=w.w1, group_kind="room", group_code="NT1-P1", place=w.r1,
                              valid_from=today - timedelta(days=30))
    Membership.objects.create(person=w.w2, group_kind="room", group_code="NT1-P1", place=w.r1,
                              valid_from=today - timedelta(days=60),
                              valid_to=today - timedelta(days=31))
    Membership.objects.create(person=w.x1, group_kind="room", group_code="NT2-P1", place=w.r2,
                              valid_from=today - timedelta(days=30))
    Membership.objects.create(person=w.w1, group_kind="team", group_code="DN1-T",
                              org_unit=w.team1, valid_from=date(2020, 1, 1))
    now = timezone.now()
    visit = now - timedelta(days=1)
    if timezone.localtime(visit).hour == 0 and timezone.localtime(visit).minute < 5:
        visit += timedelta(minutes=5)  # keep the gate scan before it on the same local date
    Presence.objects.create(person=w.w1, place=w.canteen1, start=visit)
    Presence.objects.create(person=w.w1, place=w.gate1, start=visit - timedelta(minutes=1),
                            end=visit - timedelta(minutes=1))
    Presence.objects.create(person=w.w1, place=w.canteen1, start=now - timedelta(days=20))

    def login(key, role, **scope):
        zones = scope.pop("zones", [])
        u = User.objects.create_user(username=key, password=password, role=role, **scope)
        if zones:
            u.zones.set(zones)
        w.users[key] = u

    login("admin", Role.PROVINCE_ADMIN, is_staff=True)
    login("cdc", Role.HEALTH_AUTHORITY)
    login("ytehuyen", Role.HEALTH_AUTHORITY, district=w.d1)
    login("kcn", Role.ZONE_BOARD, zones=[w.z1])
    login("congthuong", Role.INDUSTRY_TRADE)
    login("huyen", Role.DISTRICT_COMMITTEE, district=w.d1)
    login("dn", Role.ENTERPRISE_ADMIN, enterprise=w.e1)
    login("ytedn", Role.ENTERPRISE_HEALTH, enterprise=w.e1)
    login("baove", Role.GATE_OPERATOR, enterprise=w.e1)
    login("nhatro", Role.BOARDING_OWNER, boarding_house=w.bh1)
    login("worker", Role.WORKER, person=w.w1, enterprise=w.e1)
    login("outsider", Role.ENTERPRISE_ADMIN, enterprise=w.e2)
    return w


@pytest.fixture
def world(db) -> World:
    return build_world()


# For every persona: (a person inside its scope, one outside; an enterprise
# inside, one outside; a place inside, one outside). None: nothing to test.
SCOPES = {
    "admin": ("w1", None, "e2", None, "r2", None),
    "cdc": ("x1", None, "e3", None, "r1", None),
    "ytehuyen": ("y1", "x1", "e3", "e2", "r1", "r2"),
    "kcn": ("w1", "y1", "e1", "e3", "canteen1", "canteen2"),
    "congthuong": ("y1", "w1", "e3", "e1", None, "canteen1"),
    "huyen": ("w1", "x1", "e1", "e2", "r1", "canteen2"),
    "dn": ("w1", "x1", "e1", "e2", "canteen1", "canteen2"),
    "ytedn": ("w2", "x1", "e1", "e2", "gate1", "r1"),
    "baove": ("w1", "x1", "e1", "e2", "gate1", "canteen2"),
    "nhatro": ("w1", "w2", None, "e1", "r1", "r2"),
    "worker": ("w1", "w2", None, "e1", None, "canteen1"),
    "outsider": ("x1", "w1", "e2", "e1", "canteen2", "canteen1"),
}

# Who sees ID numbers and phones in full (of others).
UNMASKED = {"admin", "cdc", "ytehuyen", "dn", "ytedn", "outsider"}


CHROMIUM = "/usr/bin/chromium"


def _require_chromium() -> None:
    """Browser tests need Debian's chromium; with CI=true its absence is a failure."""
    import os
    from pathlib import Path

    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing and CI=true: the browser test must run")
    pytest.skip(f"{CHROMIUM} is not installed (set CI=true to make this a failure)")


@pytest.fixture
def browser_context(monkeypatch):
    """A fresh headless Chromium context (Debian's chromium, never a downloaded one)."""
    _require_chromium()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=15000)
    # Playwright's sync API runs an event loop in this thread; the test's own
    # ORM use stays synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        context = browser.new_context()
        context.set_default_timeout(15000)
        yield context
        browser.close()
        # Inside Playwright's sync API the test's ORM calls run in another
        # context, hence on a connection of their own: close it, or it outlives
        # the session and blocks dropping the test database.
        from django.db import connections

        connections.close_all()


@pytest.fixture
def browser_page(browser_context):
    return browser_context.new_page()

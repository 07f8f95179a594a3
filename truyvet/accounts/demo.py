"""Demo logins: one per role, over whatever province data is in the database."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.db.models import Count

from truyvet.accounts.models import Role, User
from truyvet.places.models import BoardingHouse
from truyvet.registry.models import AdminUnit, Enterprise, Person, Zone


def _biggest_enterprise() -> Enterprise | None:
    return Enterprise.objects.annotate(n=Count("workers")).order_by("-n", "pk").first()


def _busiest_zone() -> Zone | None:
    return (Zone.objects.annotate(n=Count("enterprise")).filter(n__gt=0)
            .order_by("-n", "pk").first())


def _busiest_district() -> AdminUnit | None:
    return (AdminUnit.objects.filter(level=AdminUnit.Level.DISTRICT)
            .annotate(n=Count("enterprise")).filter(n__gt=0).order_by("-n", "pk").first())


def _plan() -> list[tuple[str, str, dict]]:
    """(role, username, scope fields) for each demo login that the data allows."""
    biggest = _biggest_enterprise()
    zone = _busiest_zone()
    district = _busiest_district()
    house = BoardingHouse.objects.annotate(n=Count("rooms")).order_by("-n", "pk").first()
    worker = (Person.objects.filter(enterprise=biggest).order_by("pk").first()
              if biggest else None)
    plan: list[tuple[str, str, dict]] = [
        (Role.PROVINCE_ADMIN, "demo-admin", {}),
        (Role.HEALTH_AUTHORITY, "demo-cdc", {}),
        (Role.INDUSTRY_TRADE, "demo-congthuong", {}),
    ]
    if district:
        plan.append((Role.HEALTH_AUTHORITY, "demo-ytehuyen", {"district": district}))
        plan.append((Role.DISTRICT_COMMITTEE, "demo-huyen", {"district": district}))
    if zone:
        plan.append((Role.ZONE_BOARD, "demo-kcn", {"zones": [zone]}))
    if biggest:
        plan.append((Role.ENTERPRISE_ADMIN, "demo-dn", {"enterprise": biggest}))
        plan.append((Role.ENTERPRISE_HEALTH, "demo-ytedn", {"enterprise": biggest}))
        plan.append((Role.GATE_OPERATOR, "demo-baove", {"enterprise": biggest}))
    if house:
        plan.append((Role.BOARDING_OWNER, "demo-nhatro", {"boarding_house": house}))
    if worker:
        plan.append((Role.WORKER, "demo-congnhan", {"person": worker, "enterprise": biggest}))
    return plan


@transaction.atomic
def create_demo_users(password: str | None = None) -> list[tuple[str, str, str]]:
    """Create (or reset) one login per role; returns (role, username, password).

    With no password, each login gets a fresh random one. Running it again
    updates the same users (idempotent).
    """
    out = []
    for role, username, scope in _plan():
        pw = password or secrets.token_urlsafe(9)
        zones = scope.pop("zones", [])
        fields = {"role": role, "district": None, "enterprise": None, "boarding_house": None,
                  "is_staff": role == Role.PROVINCE_ADMIN, "is_active": True, **scope}
        if "person" in scope:
            User.objects.filter(person=scope["person"]).exclude(username=username).update(person=None)
        user, _created = User.objects.update_or_create(username=username, defaults=fields)
        user.zones.set(zones)
        user.set_password(pw)
        user.save(update_fields=["password"])
        out.append((str(role), username, pw))
    return out

"""Template context for every page: the navigation the user's role allows."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from truyvet.accounts.models import Role
from truyvet.accounts.scoping import can_trace, role_of


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str | Promise
    key: str


def nav_items(user) -> list[NavItem]:
    role = role_of(user)
    if role is None:
        return []
    items = [NavItem(reverse("home"), _("Home"), "home")]
    if role == Role.WORKER:
        if user.person_id:
            items.append(NavItem(reverse("registry:me"), _("My record"), "me"))
        return items
    if role != Role.BOARDING_OWNER:
        items.append(NavItem(reverse("registry:enterprises"), _("Enterprises"), "enterprises"))
    if role != Role.GATE_OPERATOR:
        items.append(NavItem(reverse("registry:people"), _("People"), "people"))
    items.append(NavItem(reverse("places:list"), _("Places"), "places"))
    items += _keeping_current_items(user, role)
    # Check-ins (truyvet.checkins): kiosk, badges, posters, devices, trips, rooms.
    items.append(NavItem(reverse("checkins:hub"), _("Check-ins"), "checkins"))
    if can_trace(user):
        items.append(NavItem(reverse("cases:list"), _("Traces"), "traces"))
    if role in (Role.PROVINCE_ADMIN, Role.ZONE_BOARD, Role.INDUSTRY_TRADE):
        items.append(NavItem(reverse("accounts:applications"), _("Registrations"),
                             "applications"))
    if role == Role.ENTERPRISE_ADMIN and user.enterprise_id:
        items.append(NavItem(reverse("accounts:staff"), _("Staff accounts"), "staff"))
    if role == Role.PROVINCE_ADMIN:
        items.append(NavItem(reverse("accounts:audit"), _("Audit log"), "audit"))
        items.append(NavItem(reverse("admin:index"), _("Administration"), "admin"))
    return items


def _keeping_current_items(user, role: str) -> list[NavItem]:
    """Compliance for authorities; worker list and tests for the enterprise's staff."""
    from truyvet.accounts.scoping import COMPLIANCE_AUTHORITIES, DATA_KEEPERS

    items = []
    if role in DATA_KEEPERS and user.enterprise_id:
        items.append(NavItem(reverse("worklists:worklist", args=[user.enterprise_id]),
                             _("Worker list"), "worklist"))
        items.append(NavItem(reverse("health:tests", args=[user.enterprise_id]), _("Tests"), "tests"))
    if role in COMPLIANCE_AUTHORITIES:
        items.append(NavItem(reverse("health:compliance"), _("Compliance"), "compliance"))
    return items


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_items": []}
    items = nav_items(user)
    path = request.path
    # The active item: the longest URL that prefixes the current path.
    matches = [i for i in items if path == i.url or (i.url != "/" and path.startswith(i.url))]
    active = max(matches, key=lambda i: len(i.url)).key if matches else ""
    if path.startswith("/enterprises/") and not active:
        active = "enterprises"
    return {"nav_items": items, "nav_active": active, "user_role": role_of(user)}

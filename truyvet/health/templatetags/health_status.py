"""`{% enterprise_status user as status %}`: the home page's compliance block."""

from __future__ import annotations

from django import template

from truyvet.accounts import scoping
from truyvet.health.compliance import ComplianceRow, compliance_rows
from truyvet.registry.models import Enterprise

register = template.Library()


@register.simple_tag
def enterprise_status(user) -> ComplianceRow | None:
    """The compliance of the user's own enterprise (enterprise staff only)."""
    if scoping.role_of(user) not in scoping.DATA_KEEPERS or not user.enterprise_id:
        return None
    rows = compliance_rows(scoping.compliance_enterprises(user).filter(pk=user.enterprise_id))
    return rows[0] if rows else None


@register.simple_tag
def own_enterprise(user) -> Enterprise | None:
    return user.enterprise if scoping.role_of(user) in scoping.DATA_KEEPERS else None

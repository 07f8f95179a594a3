"""Django admin: for province administrators only. The audit log is read-only."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from truyvet.accounts.models import ApiToken, AuditEntry, User
from truyvet.accounts.scoping import is_province_admin


def _province_admin_only(request: HttpRequest) -> bool:
    return is_province_admin(request.user)


# The whole admin site answers to province administrators and nobody else.
admin.site.has_permission = _province_admin_only
admin.site.site_header = _("TruyVết administration")
admin.site.site_title = _("TruyVết")


class ProvinceAdminMixin:
    """Model permissions follow the role, not Django's per-model permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_province_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_province_admin(request.user)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return is_province_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_province_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_province_admin(request.user)


@admin.register(User)
class TruyVetUserAdmin(ProvinceAdminMixin, UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "enterprise", "district",
                    "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["enterprise", "district", "boarding_house", "person"]
    filter_horizontal = ["zones", "groups", "user_permissions"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Role and scope"), {"fields": ["role", "district", "zones", "enterprise",
                                          "boarding_house", "person"]}),
    ]


@admin.register(AuditEntry)
class AuditEntryAdmin(ProvinceAdminMixin, admin.ModelAdmin):
    list_display = ["at", "username", "role", "action", "what", "person_id", "count", "masked",
                    "ip"]
    list_filter = ["action", "role", "masked"]
    search_fields = ["username", "what"]
    date_hierarchy = "at"
    list_select_related = False
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(ProvinceAdminMixin, admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created", "last_used", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["prefix", "created", "last_used"]
    fields = ["user", "name", "prefix", "created", "last_used", "revoked"]
    autocomplete_fields = ["user"]

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False  # tokens are made with `truyvet create-api-token` (shown once)

"""Django admin: for province administrators only. The audit log is read-only."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from truyvet.accounts import audit, lockout, sessions, twofactor
from truyvet.accounts.models import ApiToken, AuditEntry, EnterpriseApplication, User
from truyvet.accounts.scoping import is_province_admin

# What a role change is: these fields of a user, and the zones.
SCOPE_FIELDS = ("role", "district_id", "enterprise_id", "boarding_house_id", "person_id",
                "is_active", "is_staff", "is_superuser")


def _province_admin_only(request: HttpRequest) -> bool:
    return is_province_admin(request.user)


def _login_through_the_front_door(request: HttpRequest, extra_context=None) -> HttpResponse:
    """The admin has no login page of its own: ours has the lockout and two-factor."""
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"),
                             reverse("login"))


# The whole admin site answers to province administrators and nobody else.
admin.site.has_permission = _province_admin_only
admin.site.login = _login_through_the_front_door
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
    actions = ["reset_two_factor", "end_sessions", "unlock"]

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        before = (User.objects.filter(pk=obj.pk).values(*SCOPE_FIELDS).first()
                  if change else None)
        super().save_model(request, obj, form, change)
        after = {f: getattr(obj, f) for f in SCOPE_FIELDS}
        changed = {f: v for f, v in after.items() if before is None or before[f] != v}
        if changed:
            audit.record_event(request.user, audit.ROLE_CHANGE,
                               f"user {obj.username}: " + ", ".join(
                                   f"{k} {before[k] if before else '-'} -> {v}"
                                   for k, v in changed.items()), request=request)
        if before is not None and before["is_active"] and not obj.is_active:
            sessions.end_all_sessions(obj)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        before = set(form.instance.zones.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(form.instance.zones.values_list("pk", flat=True))
        if before != after:
            audit.record_event(request.user, audit.ROLE_CHANGE,
                               f"user {form.instance.username}: zones {sorted(before)} -> "
                               f"{sorted(after)}", request=request)

    @admin.action(description=_("Reset two-factor login (and log out everywhere)"))
    def reset_two_factor(self, request: HttpRequest, queryset) -> None:
        for user in queryset:
            twofactor.reset(user)
            sessions.end_all_sessions(user)
            audit.record_event(request.user, audit.TWO_FACTOR_RESET, f"user {user.username}",
                               request=request)
        messages.success(request, _("Two-factor login was reset."))

    @admin.action(description=_("Log out everywhere"))
    def end_sessions(self, request: HttpRequest, queryset) -> None:
        for user in queryset:
            sessions.end_all_sessions(user)
            audit.record_event(request.user, audit.LOGOUT_EVERYWHERE, f"user {user.username}",
                               request=request)

    @admin.action(description=_("Unlock after failed logins"))
    def unlock(self, request: HttpRequest, queryset) -> None:
        for user in queryset:
            lockout.unlock(user.username)


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


@admin.register(EnterpriseApplication)
class EnterpriseApplicationAdmin(ProvinceAdminMixin, admin.ModelAdmin):
    """Read-only here: registrations are reviewed on the Registrations page."""

    list_display = ["name", "tax_code", "zone", "district", "status", "submitted", "reviewed_by"]
    list_filter = ["status", "zone"]
    search_fields = ["name", "tax_code", "email"]

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

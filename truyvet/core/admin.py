from django.contrib import admin
from django.http import HttpRequest

from truyvet.core.models import Policy


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    """The province's one row of policy: editable, never added twice or deleted."""

    list_display = ("retention_days", "trace_lookback_hours", "test_report_deadline",
                    "worklist_max_age_days", "require_2fa_for_authorities")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not Policy.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Policy | None = None) -> bool:
        return False

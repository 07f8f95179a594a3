"""Admin for the registry (province administrators only, see accounts.admin)."""

from django.contrib import admin
from django.db import transaction

from truyvet.accounts import audit
from truyvet.accounts.admin import ProvinceAdminMixin
from truyvet.registry.models import AdminUnit, Employment, Enterprise, OrgUnit, Person, Zone


@admin.register(AdminUnit)
class AdminUnitAdmin(ProvinceAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(Zone)
class ZoneAdmin(ProvinceAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "district"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["district"]


@admin.register(Enterprise)
class EnterpriseAdmin(ProvinceAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "tax_code", "zone", "district"]
    list_filter = ["zone"]
    list_select_related = ["zone", "district"]
    search_fields = ["code", "name", "tax_code"]
    autocomplete_fields = ["zone", "district"]


@admin.register(OrgUnit)
class OrgUnitAdmin(ProvinceAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "enterprise", "parent"]
    list_filter = ["kind"]
    list_select_related = ["enterprise", "parent"]
    search_fields = ["code", "name", "enterprise__name"]
    autocomplete_fields = ["enterprise", "parent"]


class EmploymentInline(admin.TabularInline):
    model = Employment
    extra = 0
    autocomplete_fields = ["enterprise", "org_unit"]


@admin.register(Person)
class PersonAdmin(ProvinceAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "national_id", "phone", "enterprise", "org_unit"]
    list_select_related = ["enterprise", "org_unit"]
    search_fields = ["full_name", "=national_id", "=phone"]
    autocomplete_fields = ["enterprise", "org_unit"]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    inlines = [EmploymentInline]
    show_full_result_count = False

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        fields = ", ".join(form.changed_data) if change else "created"
        audit.record_change(request.user, obj.pk, f"admin: {fields}", request=request)

    def delete_model(self, request, obj) -> None:
        audit.record_change(request.user, obj.pk, "admin: deleted", request=request)
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change) -> None:
        """The employment inline: one audit entry per changed, added or deleted row."""
        super().save_formset(request, form, formset, change)
        rows = [f"employment {o.pk} {', '.join(fields)}" for o, fields in formset.changed_objects]
        rows += [f"employment {o.pk} added" for o in formset.new_objects]
        rows += [f"employment {o.pk} deleted" for o in formset.deleted_objects]
        for row in rows:
            audit.record_change(request.user, form.instance.pk, f"admin: {row}", request=request)

    @transaction.atomic  # the bulk-delete action is not atomic by itself
    def delete_queryset(self, request, queryset) -> None:
        for pk in queryset.values_list("pk", flat=True):
            audit.record_change(request.user, pk, "admin: deleted", request=request)
        super().delete_queryset(request, queryset)

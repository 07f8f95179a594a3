"""Admin for places (province administrators only, see accounts.admin)."""

from django.contrib import admin
from django.db import transaction

from truyvet.accounts import audit
from truyvet.accounts.admin import ProvinceAdminMixin
from truyvet.places.models import BoardingHouse, Membership, Place


@admin.register(BoardingHouse)
class BoardingHouseAdmin(ProvinceAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "district", "owner_name", "owner_phone"]
    search_fields = ["code", "name", "owner_name"]
    autocomplete_fields = ["district"]


@admin.register(Place)
class PlaceAdmin(ProvinceAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "enterprise", "boarding_house", "vehicle_plate"]
    list_filter = ["kind"]
    list_select_related = ["enterprise", "boarding_house"]
    search_fields = ["code", "name", "vehicle_plate"]
    autocomplete_fields = ["enterprise", "boarding_house"]


@admin.register(Membership)
class MembershipAdmin(ProvinceAdminMixin, admin.ModelAdmin):
    list_display = ["person", "group_kind", "group_code", "valid_from", "valid_to"]
    list_filter = ["group_kind"]
    list_select_related = ["person"]
    search_fields = ["group_code", "=person__national_id"]
    autocomplete_fields = ["person", "org_unit", "place"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        fields = ", ".join(form.changed_data) if change else "added"
        audit.record_change(request.user, obj.person_id,
                            f"admin: membership {obj.group_kind} {obj.group_code}: {fields}",
                            request=request)

    def delete_model(self, request, obj) -> None:
        audit.record_change(request.user, obj.person_id,
                            f"admin: membership {obj.group_kind} {obj.group_code} deleted",
                            request=request)
        super().delete_model(request, obj)

    @transaction.atomic  # the bulk-delete action is not atomic by itself
    def delete_queryset(self, request, queryset) -> None:
        for pid, kind, code in queryset.values_list("person_id", "group_kind", "group_code"):
            audit.record_change(request.user, pid, f"admin: membership {kind} {code} deleted",
                                request=request)
        super().delete_queryset(request, queryset)

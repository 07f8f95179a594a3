"""Admin for places (province administrators only, see accounts.admin)."""

from django.contrib import admin

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

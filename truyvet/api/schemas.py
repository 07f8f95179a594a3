"""Typed input and output schemas of the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, TypeVar
from uuid import UUID

from ninja import Field, Schema

T = TypeVar("T")

MAX_PAGE_SIZE = 200


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="1-based page number")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class Paged(Schema, Generic[T]):
    count: int
    page: int
    page_size: int
    items: list[T]


class EnterpriseQuery(PageQuery):
    q: str = Field("", max_length=100, description="name, code or tax code")
    zone: int | None = Field(None, ge=1, description="zone id")
    outside_zones: bool = False
    district: int | None = Field(None, ge=1, description="district (admin unit) id")


class PeopleQuery(PageQuery):
    q: str = Field("", max_length=100, description="name, exact ID number or phone")
    enterprise: int | None = Field(None, ge=1)
    org_unit: int | None = Field(None, ge=1, description="this unit and the units under it")


class PlaceQuery(PageQuery):
    q: str = Field("", max_length=100, description="name, code or plate")
    enterprise: int | None = Field(None, ge=1)
    kind: str | None = Field(None, max_length=16)


class PresenceQuery(PageQuery):
    since: datetime | None = Field(None, description="default: 14 days ago")
    until: datetime | None = Field(None, description="default: now")


class Ref(Schema):
    id: int
    code: str
    name: str


class EnterpriseOut(Schema):
    id: int
    code: str
    name: str
    tax_code: str
    zone: Ref | None
    district_id: int | None
    district_name: str | None = None
    address: str

    @staticmethod
    def resolve_district_name(obj) -> str | None:
        return obj.district.name if obj.district_id else None


class OrgUnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    depth: int
    direct_count: int
    total_count: int


class EnterpriseDetailOut(EnterpriseOut):
    worker_count: int
    legal_rep_name: str


class PersonOut(Schema):
    uuid: UUID
    full_name: str
    national_id: str
    phone: str
    date_of_birth: date | None
    birth_year: int | None
    sex: str
    hometown: str
    enterprise_id: int | None
    enterprise_name: str
    org_unit_id: int | None
    org_unit_name: str
    masked: bool


class MembershipOut(Schema):
    group_kind: str
    group_code: str
    valid_from: date
    valid_to: date | None
    org_unit_id: int | None
    place_id: int | None
    place_name: str | None


class PresenceOut(Schema):
    place_id: int
    place_code: str
    place_name: str
    place_kind: str
    start: datetime
    end: datetime | None
    effective_end: datetime
    source: int


class PlaceOut(Schema):
    id: int
    code: str
    kind: str
    name: str
    enterprise_id: int | None
    boarding_house_id: int | None
    address: str
    vehicle_plate: str
    capacity: int | None
    dwell_minutes: int
    min_overlap_minutes: int
    makes_contacts: bool

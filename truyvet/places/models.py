"""Places, presence intervals and group memberships: the evidence tracing uses."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from truyvet.places.kinds import KIND_RULES, GroupKind, PlaceKind, PresenceSource
from truyvet.registry.models import AdminUnit, Enterprise, OrgUnit, Person


class BoardingHouse(models.Model):
    """A boarding house (nhà trọ); its rooms are places of kind `room`."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=500, blank=True)
    district = models.ForeignKey(AdminUnit, null=True, blank=True, on_delete=models.PROTECT)
    owner_name = models.CharField(_("owner"), max_length=200, blank=True)
    owner_phone = models.CharField(_("owner's phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("boarding house")
        verbose_name_plural = _("boarding houses")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    id = models.AutoField(primary_key=True)
    code = models.CharField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=PlaceKind.choices)
    name = models.CharField(_("name"), max_length=200)
    enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="places",
        verbose_name=_("enterprise"),
    )
    boarding_house = models.ForeignKey(
        BoardingHouse, null=True, blank=True, on_delete=models.PROTECT, related_name="rooms",
        verbose_name=_("boarding house"),
    )
    address = models.CharField(_("address"), max_length=500, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    dwell_minutes = models.PositiveIntegerField(_("dwell time (min)"), null=True, blank=True)
    min_overlap_minutes = models.PositiveIntegerField(_("minimum overlap (min)"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    # Buses: the plate and driver shown in trip views and contact reasons.
    vehicle_plate = models.CharField(_("plate"), max_length=20, blank=True)
    driver_name = models.CharField(_("driver"), max_length=200, blank=True)
    driver_phone = models.CharField(_("driver's phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name"]
        indexes = [models.Index(fields=["enterprise", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="place_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="place_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_dwell(self) -> timedelta:
        minutes = self.dwell_minutes if self.dwell_minutes is not None else KIND_RULES[self.kind].dwell_minutes
        return timedelta(minutes=minutes)

    @property
    def effective_min_overlap(self) -> timedelta:
        minutes = (
            self.min_overlap_minutes
            if self.min_overlap_minutes is not None
            else KIND_RULES[self.kind].min_overlap_minutes
        )
        return timedelta(minutes=minutes)

    @property
    def makes_contacts(self) -> bool:
        return KIND_RULES[self.kind].makes_contacts


class PresenceQuerySet(models.QuerySet):
    def at_place(self, place: Place | int) -> PresenceQuerySet:
        return self.filter(place=place)

    def of_person(self, person: Person | int) -> PresenceQuerySet:
        return self.filter(person=person)

    def started_between(self, t1: datetime, t2: datetime) -> PresenceQuerySet:
        return self.filter(start__gte=t1, start__lt=t2)


class Presence(models.Model):
    """Person `person` was at `place` during [start, end).

    `end` is kept as given (None when unknown); the effective end is
    `start + place.effective_dwell` then, so a later change of a place's dwell
    time applies. The table is range-partitioned by `start` (one partition a
    week, see `places.partitions`) and identified by (person, place, start)
    as in the dataset format.
    """

    pk = models.CompositePrimaryKey("person_id", "place_id", "start")
    person = models.ForeignKey(Person, on_delete=models.DO_NOTHING, db_constraint=False)
    place = models.ForeignKey(Place, on_delete=models.DO_NOTHING, db_constraint=False)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"), null=True, blank=True)
    source = models.SmallIntegerField(_("source"), choices=PresenceSource.choices,
                                      default=PresenceSource.IMPORT)

    objects = PresenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("presence")
        verbose_name_plural = _("presence intervals")


class MembershipQuerySet(models.QuerySet):
    def valid_on(self, day: date) -> MembershipQuerySet:
        """Memberships whose date range [valid_from, valid_to] covers `day`."""
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class Membership(models.Model):
    """Person belonged to group (kind, code) over the date range [valid_from, valid_to]."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    group_kind = models.CharField(_("group kind"), max_length=16, choices=GroupKind.choices)
    group_code = models.CharField(_("group code"), max_length=64)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.CASCADE)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.CASCADE)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "group_kind", "group_code", "valid_from"],
                name="membership_identity",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="membership_range_order",
            ),
        ]
        indexes = [models.Index(fields=["group_kind", "group_code", "valid_from"])]

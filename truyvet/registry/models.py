"""The province's registry: administrative units, zones, enterprises, their
org trees, people and where they work."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AdminUnit(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District")
        COMMUNE = "commune", _("Commune")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Zone(models.Model):
    """An industrial zone (khu công nghiệp)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    district = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("district")
    )

    class Meta:
        verbose_name = _("industrial zone")
        verbose_name_plural = _("industrial zones")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=300)
    tax_code = models.CharField(_("tax code"), max_length=20, blank=True)
    zone = models.ForeignKey(
        Zone, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("industrial zone")
    )
    district = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("district")
    )
    address = models.CharField(_("address"), max_length=500, blank=True)
    legal_rep_name = models.CharField(_("legal representative"), max_length=200, blank=True)
    legal_rep_phone = models.CharField(_("legal representative's phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        indexes = [models.Index(fields=["zone", "name"]), models.Index(fields=["district", "name"])]

    def __str__(self) -> str:
        return self.name


class OrgUnit(models.Model):
    """A node of an enterprise's org tree: site > workshop > team, any depth."""

    class Kind(models.TextChoices):
        SITE = "site", _("Site")
        WORKSHOP = "workshop", _("Workshop")
        TEAM = "team", _("Team")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=64, unique=True)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="org_units", verbose_name=_("enterprise")
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("parent unit"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["name"]
        indexes = [models.Index(fields=["enterprise", "parent"])]

    def __str__(self) -> str:
        return self.name


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class PersonQuerySet(models.QuerySet):
    def search(self, q: str) -> PersonQuerySet:
        """Name (any case), exact ID number, or phone in any common spelling."""
        from truyvet.registry.validation import normalise_phone

        q = q.strip()
        if not q:
            return self
        cond = Q(full_name__icontains=q) | Q(national_id=q)
        phone = normalise_phone(q)
        if phone:
            cond |= Q(phone=phone)
        return self.filter(cond)


class Person(models.Model):
    id = models.AutoField(primary_key=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    national_id = models.CharField(
        _("ID number"), max_length=32, unique=True,
        help_text=_("12-digit CCCD where the person has one, otherwise another stable identifier."),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    hometown = models.CharField(_("hometown"), max_length=300, blank=True)
    enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.SET_NULL, related_name="workers",
        verbose_name=_("enterprise"),
    )
    org_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="members",
        verbose_name=_("org unit"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "id"]
        indexes = [models.Index(fields=["enterprise", "org_unit", "full_name"])]

    def __str__(self) -> str:
        return self.full_name


class Employment(models.Model):
    """A person's employment at an enterprise over a date range (history)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="employments")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="employments")
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employment history")
        ordering = ["person", "-valid_from"]
        indexes = [models.Index(fields=["enterprise", "valid_from"])]

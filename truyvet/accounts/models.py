"""Users, their role and the slice of the province each role covers; the audit log."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("Province administrator")
    HEALTH_AUTHORITY = "health_authority", _("Health authority")
    ZONE_BOARD = "zone_board", _("Industrial-zone board")
    INDUSTRY_TRADE = "industry_trade", _("Department of industry and trade")
    DISTRICT_COMMITTEE = "district_committee", _("District committee")
    ENTERPRISE_ADMIN = "enterprise_admin", _("Enterprise administrator")
    ENTERPRISE_HEALTH = "enterprise_health", _("Enterprise health officer")
    GATE_OPERATOR = "gate_operator", _("Gate operator")
    BOARDING_OWNER = "boarding_owner", _("Boarding-house owner")
    WORKER = "worker", _("Worker")


class User(AbstractUser):
    """A login. `role` says what kind of official or worker it is; the scope
    fields say which part of the province it covers (see accounts.scoping)."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.WORKER)
    # health_authority: a district health centre when set, the province CDC when empty.
    district = models.ForeignKey(
        "registry.AdminUnit", null=True, blank=True, on_delete=models.PROTECT,
        verbose_name=_("district"),
    )
    zones = models.ManyToManyField("registry.Zone", blank=True, verbose_name=_("industrial zones"))
    enterprise = models.ForeignKey(
        "registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
        verbose_name=_("enterprise"),
    )
    boarding_house = models.ForeignKey(
        "places.BoardingHouse", null=True, blank=True, on_delete=models.PROTECT,
        verbose_name=_("boarding house"),
    )
    person = models.OneToOneField(
        "registry.Person", null=True, blank=True, on_delete=models.SET_NULL,
        verbose_name=_("person"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class AuditEntry(models.Model):
    """One access by an official to personal data, or another audited act.
    Written only through `accounts.audit`; never edited or deleted by the app."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, verbose_name=_("who"))
    username = models.CharField(_("username"), max_length=150)
    role = models.CharField(_("role"), max_length=32)
    action = models.CharField(_("action"), max_length=64)
    what = models.CharField(_("what"), max_length=500, help_text=_("page, export or API call"))
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.SET_NULL, db_constraint=False,
        verbose_name=_("person"),
    )
    count = models.PositiveIntegerField(_("people"), default=1)
    ip = models.GenericIPAddressField(_("from"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at"]
        indexes = [models.Index(fields=["person", "at"]), models.Index(fields=["user", "at"])]

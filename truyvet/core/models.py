"""Province-wide policy that officials change, kept in the database."""

from __future__ import annotations

import uuid
from datetime import time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Policy(models.Model):
    """A single row of province-wide settings."""

    retention_days = models.PositiveIntegerField(_("presence retention (days)"), default=30)
    trace_lookback_hours = models.PositiveIntegerField(_("trace lookback (hours)"), default=48)
    test_report_deadline = models.TimeField(
        _("daily test report deadline"), default=time(15, 0),
        help_text=_("Enterprises report today's test results before this time (Hanoi time)."),
    )
    worklist_max_age_days = models.PositiveIntegerField(
        _("worker list freshness (days)"), default=3,
        help_text=_("An enterprise's worker list older than this is overdue."),
    )
    # Security (accounts.twofactor, accounts.lockout).
    require_2fa_for_authorities = models.BooleanField(
        _("authorities must use two-factor login"), default=True,
        help_text=_("Province, health, zone, industry-and-trade and district accounts must "
                    "enter a code from an authenticator app after their password."),
    )
    lockout_failures = models.PositiveIntegerField(
        _("failed logins before an account is locked"), default=5)
    lockout_ip_failures = models.PositiveIntegerField(
        _("failed logins before an address is locked"), default=20,
        help_text=_("Higher than per account: a factory's workers share one address."),
    )
    lockout_window_minutes = models.PositiveIntegerField(
        _("counting failures over (minutes)"), default=15)
    lockout_minutes = models.PositiveIntegerField(_("lockout length (minutes)"), default=15)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policy")

    @classmethod
    def current(cls) -> Policy:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class UploadedSheet(models.Model):
    """An uploaded spreadsheet kept as its parsed preview (never the file),
    from preview to applied. Worker lists and test-result sheets share this."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", verbose_name=_("by"))
    file_name = models.CharField(_("file"), max_length=255)
    file_size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    sheet_name = models.CharField(_("sheet"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        abstract = True


"""Province-wide policy that officials change, kept in the database."""

from __future__ import annotations

from datetime import time

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

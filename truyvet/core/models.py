"""Province-wide policy that officials change, kept in the database."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Policy(models.Model):
    """A single row of province-wide settings."""

    retention_days = models.PositiveIntegerField(_("presence retention (days)"), default=30)
    trace_lookback_hours = models.PositiveIntegerField(_("trace lookback (hours)"), default=48)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policy")

    @classmethod
    def current(cls) -> Policy:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

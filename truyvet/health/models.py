"""Test results, daily test reports and vaccinations of workers.

Tables owned by an enterprise carry `enterprise_id` (the worker's enterprise
when the row was written) and their indexes lead with it, so that scoping and
compliance are one WHERE / GROUP BY.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from truyvet.core.models import UploadedSheet
from truyvet.registry.models import Enterprise, Person


class TestType(models.TextChoices):
    RT_PCR = "rt_pcr", "RT-PCR"
    RAPID_ANTIGEN = "rapid_antigen", _("Rapid antigen")


class TestOutcome(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")
    INVALID = "invalid", _("Invalid")


class TestResult(models.Model):
    """One sample of one person: when it was taken, how, and what it showed."""

    __test__ = False  # not a pytest test class

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="test_results",
                                   verbose_name=_("enterprise"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="test_results",
                               verbose_name=_("person"))
    sampled_at = models.DateTimeField(_("sampled at"))
    test_type = models.CharField(_("test type"), max_length=16, choices=TestType.choices)
    pool_id = models.CharField(_("pooled sample"), max_length=40, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=TestOutcome.choices)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("test result")
        verbose_name_plural = _("test results")
        ordering = ["-sampled_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "sampled_at", "test_type"],
                                    name="test_result_identity"),
        ]
        indexes = [
            models.Index(fields=["enterprise", "sampled_at"]),
            models.Index(fields=["person", "sampled_at"]),
        ]


class DailyReport(models.Model):
    """An enterprise reported its test results for `day` (first at `reported_at`)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="daily_reports",
                                   verbose_name=_("enterprise"))
    day = models.DateField(_("day"))
    reported_at = models.DateTimeField(_("reported at"))
    updated_at = models.DateTimeField(_("updated at"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    tests = models.PositiveIntegerField(_("tests"), default=0)
    positives = models.PositiveIntegerField(_("positives"), default=0)

    class Meta:
        verbose_name = _("daily test report")
        verbose_name_plural = _("daily test reports")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "day"], name="daily_report_identity"),
        ]


class Vaccination(models.Model):
    """Dose `dose` of a vaccine given to a person."""

    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("enterprise"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="vaccinations",
                               verbose_name=_("person"))
    dose = models.PositiveSmallIntegerField(_("dose"))
    vaccine = models.CharField(_("vaccine"), max_length=100, blank=True)
    given_on = models.DateField(_("date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vaccination")
        verbose_name_plural = _("vaccinations")
        ordering = ["person", "dose"]
        constraints = [
            models.UniqueConstraint(fields=["person", "dose"], name="vaccination_identity"),
            models.CheckConstraint(condition=Q(dose__gte=1, dose__lte=10), name="vaccination_dose_range"),
        ]
        indexes = [models.Index(fields=["enterprise", "person"])]


class TestImportStatus(models.TextChoices):
    __test__ = False

    PREVIEW = "preview", _("Preview")
    APPLIED = "applied", _("Applied")
    CANCELLED = "cancelled", _("Cancelled")


class TestImport(UploadedSheet):
    """One uploaded sheet of daily test results: the parsed preview (never the
    file), then applied all at once."""

    __test__ = False

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="test_imports",
                                   verbose_name=_("enterprise"))
    status = models.CharField(_("status"), max_length=16, choices=TestImportStatus.choices,
                              default=TestImportStatus.PREVIEW)

    class Meta:
        verbose_name = _("test results import")
        verbose_name_plural = _("test results imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["enterprise", "created_at"])]

    def __str__(self) -> str:
        return self.file_name

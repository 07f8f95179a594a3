"""Worker-list imports: one row per uploaded file, from preview to applied.

The row keeps the parsed preview (never the file), so that applying does not
re-read ambiguous input, and its progress while applying, so that the page
can poll it. Applied rows are the enterprise's import history and the
freshness of its worker list.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from truyvet.core.models import UploadedSheet
from truyvet.registry.models import Enterprise


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Preview")
    QUEUED = "queued", _("Queued")
    APPLYING = "applying", _("Applying")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportJob(UploadedSheet):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="worklist_imports",
                                   verbose_name=_("enterprise"))
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices,
                              default=ImportStatus.PREVIEW)
    end_missing = models.BooleanField(_("end employment of missing workers"), default=False)
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("worker-list import")
        verbose_name_plural = _("worker-list imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["enterprise", "status", "applied_at"])]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

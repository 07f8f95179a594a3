"""Check-in tables: badges and their signing keys, scan devices, the scan log,
background jobs (badge sheets, posters) and attendance-code mappings.

Presence itself lives in `places.Presence`; these tables say where it came from.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from truyvet.places.kinds import PresenceSource
from truyvet.places.models import Place
from truyvet.registry.models import Enterprise, Person


class SigningKey(models.Model):
    """An HMAC-SHA256 key for badge tokens. Tokens name the key by `kid`, so keys
    can be rotated: new badges use the newest active key; tokens of a retired
    key no longer verify (their badges must be reissued)."""

    kid = models.CharField(_("key id"), max_length=8, unique=True)
    secret = models.CharField(max_length=64, editable=False)  # hex, 32 random bytes
    created = models.DateTimeField(_("created"), auto_now_add=True)
    retired = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.kid


class Badge(models.Model):
    """A person's QR badge. The QR holds only `TV1.<kid>.<serial>.<mac>`."""

    serial = models.CharField(_("serial"), max_length=32, unique=True)
    kid = models.CharField(_("key id"), max_length=8)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="badges",
                               verbose_name=_("person"))
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.SET_NULL,
                                   verbose_name=_("enterprise"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["enterprise", "person"])]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(revoked_at__isnull=True),
                                    name="badge_one_active_per_person"),
        ]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ScanDevice(models.Model):
    """A device or system that posts scans to the API with its own bearer token
    (`tvd_...`). Only the token's SHA-256 hash is kept."""

    class Kind(models.TextChoices):
        DEVICE = "device", _("Scanning device")
        SYSTEM = "system", _("Badge system")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="scan_devices",
                                   verbose_name=_("enterprise"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.DEVICE)
    prefix = models.CharField(_("prefix"), max_length=12)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   verbose_name=_("created by"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("scan device")
        verbose_name_plural = _("scan devices")
        ordering = ["enterprise", "-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Direction(models.IntegerChoices):
    IN = 1, _("In")
    OUT = 2, _("Out")


class ScanStatus(models.IntegerChoices):
    ACCEPTED = 1, _("Accepted")
    REJECTED = 2, _("Rejected")


class ScanEvent(models.Model):
    """The log of every scan, accepted or not. `origin` + `client_id` make a scan
    idempotent: the same pair twice is one event. `device_time` is what the
    device said, `server_time` when we received it, `at` the time used for
    presence (see `checkins.scans.effective_time`)."""

    id = models.BigAutoField(primary_key=True)
    origin = models.CharField(max_length=40)  # "dev:<id>", "user:<id>", "self"
    client_id = models.CharField(max_length=64)
    # No single-column indexes: the (x, time) indexes below serve lookups by each
    # (every index is one more insertion per scan).
    enterprise = models.ForeignKey(Enterprise, null=True, on_delete=models.DO_NOTHING,
                                   db_constraint=False, db_index=False)
    place = models.ForeignKey(Place, null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                              db_index=False)
    person = models.ForeignKey(Person, null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                               db_index=False)
    badge_serial = models.CharField(max_length=32, blank=True)
    direction = models.SmallIntegerField(choices=Direction.choices, default=Direction.IN)
    source = models.SmallIntegerField(choices=PresenceSource.choices)
    device_time = models.DateTimeField(null=True)
    server_time = models.DateTimeField()
    at = models.DateTimeField()
    status = models.SmallIntegerField(choices=ScanStatus.choices)
    reason = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scan log")
        constraints = [
            models.UniqueConstraint(fields=["origin", "client_id"], name="scan_event_idempotency"),
        ]
        indexes = [
            models.Index(fields=["place", "at"]),
            models.Index(fields=["person", "at"]),
            models.Index(fields=["enterprise", "server_time"]),
        ]


class Job(models.Model):
    """Background work as a database row: queued, claimed with SELECT ... FOR
    UPDATE SKIP LOCKED, run by `checkins.jobs`."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=32)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    enterprise = models.ForeignKey(Enterprise, null=True, on_delete=models.CASCADE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True)
    finished = models.DateTimeField(null=True)
    error = models.TextField(blank=True)
    result = models.BinaryField(null=True)
    result_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["status", "created"])]


class AttendanceCode(models.Model):
    """An attendance machine's employee code for a person, when it is not their
    ID number (the default mapping)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, verbose_name=_("enterprise"))
    code = models.CharField(_("employee code"), max_length=64)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, verbose_name=_("person"))

    class Meta:
        verbose_name = _("attendance code")
        verbose_name_plural = _("attendance codes")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "code"], name="attendance_code_unique"),
        ]

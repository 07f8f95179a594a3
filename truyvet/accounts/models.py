"""Users, their role and the slice of the province each role covers; the audit log."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from truyvet.accounts.sealing import SealedCharField


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
    # Bumped by "log out everywhere" (and by disabling): every session made
    # under an older version is ended by web.middleware.SessionSecurityMiddleware.
    session_version = models.PositiveIntegerField(_("session version"), default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class AuditEntry(models.Model):
    """One access by an official to personal data, or another audited act.
    Written only through `accounts.audit`; never edited or deleted by the app."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # The log outlives its subjects: deleting a user or a person leaves their id
    # here (no constraint, nothing cascades), and a trigger refuses UPDATE/DELETE.
    user = models.ForeignKey(User, null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                             verbose_name=_("who"))
    username = models.CharField(_("username"), max_length=150)
    role = models.CharField(_("role"), max_length=32)
    action = models.CharField(_("action"), max_length=64)
    what = models.CharField(_("what"), max_length=500, help_text=_("page, export or API call"))
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        verbose_name=_("person"),
    )
    count = models.PositiveIntegerField(_("people"), default=1)
    # For lists and exports: the ids of the people shown (compact, searchable).
    person_ids = ArrayField(
        models.IntegerField(), blank=True, default=list, verbose_name=_("people shown"),
    )
    masked = models.BooleanField(_("masked"), default=False,
                                 help_text=_("ID numbers and phones were masked"))
    ip = models.GenericIPAddressField(_("from"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["person", "at"]),
            models.Index(fields=["user", "at"]),
            GinIndex(fields=["person_ids"], name="audit_person_ids_gin"),
        ]


class ApiToken(models.Model):
    """A bearer token for the HTTP API. Only its SHA-256 hash is stored; the
    token itself is shown once, when it is made (`truyvet create-api-token`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("owner"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, help_text=_("first characters, to recognise it"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


# --- two-factor authentication (accounts.twofactor) -----------------------------------


class TOTPDevice(models.Model):
    """A user's authenticator app (RFC 6238). Confirmed once a code from it was
    entered; `last_counter` refuses a code that was already used."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device",
                                verbose_name=_("user"))
    # Plain (base32) in Python, sealed in the database (accounts.sealing; migration 0006).
    secret = SealedCharField(_("secret"), max_length=160, editable=False, purpose="totp")
    confirmed = models.BooleanField(_("confirmed"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_counter = models.BigIntegerField(default=-1, editable=False)

    class Meta:
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")


class RecoveryCode(models.Model):
    """A one-time code for when the phone is lost. Only its keyed hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")


# --- lockout (accounts.lockout) ----------------------------------------------------------


class FailedLogin(models.Model):
    """One failed password or code, by username and address (kept a day)."""

    at = models.DateTimeField(auto_now_add=True)
    username = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["username", "at"]), models.Index(fields=["ip", "at"])]


class Lockout(models.Model):
    """`key` ("user:<name>" or "ip:<address>") may not log in before `until`."""

    key = models.CharField(max_length=200, unique=True)
    until = models.DateTimeField()


# --- daily jobs (accounts.scheduler) --------------------------------------------------


class ScheduledJob(models.Model):
    """When a daily job last ran; a worker claims a due job by updating its row."""

    name = models.CharField(max_length=100, primary_key=True)
    last_run = models.DateTimeField(null=True, blank=True)


# --- onboarding (accounts.onboarding) -------------------------------------------------


class EnterpriseApplication(models.Model):
    """An enterprise's self-registration, waiting for the zone board (enterprises
    in a zone) or the department of industry and trade (the others)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(_("enterprise name"), max_length=300)
    tax_code = models.CharField(_("tax code"), max_length=20)
    zone = models.ForeignKey("registry.Zone", null=True, blank=True, on_delete=models.PROTECT,
                             verbose_name=_("industrial zone"))
    district = models.ForeignKey("registry.AdminUnit", on_delete=models.PROTECT,
                                 verbose_name=_("district"))
    address = models.CharField(_("address"), max_length=500)
    legal_rep_name = models.CharField(_("legal representative"), max_length=200)
    legal_rep_phone = models.CharField(_("legal representative's phone"), max_length=20)
    contact_name = models.CharField(_("contact person"), max_length=200)
    email = models.EmailField(_("email"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    submitted = models.DateTimeField(_("submitted"), auto_now_add=True)
    reviewed = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("reviewed by"))
    reason = models.TextField(_("reason"), blank=True)
    enterprise = models.ForeignKey("registry.Enterprise", null=True, blank=True,
                                   on_delete=models.SET_NULL, verbose_name=_("enterprise"))

    class Meta:
        verbose_name = _("enterprise application")
        verbose_name_plural = _("enterprise applications")
        ordering = ["-submitted"]
        constraints = [
            models.UniqueConstraint(fields=["tax_code"], condition=models.Q(status="pending"),
                                    name="one_pending_application_per_tax_code"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_code})"

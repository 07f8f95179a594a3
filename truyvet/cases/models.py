"""Saved traces: who ran which trace, with what inputs, and its contacts.

A `Trace` keeps the inputs and the counts; its contacts are rows of
`TraceContact`, written in one set-based statement (see `cases.store`), so
that pages group, count and paginate them in SQL. Besides the engine's
result (level, exposure time, via), each row carries the contact's
enterprise, workshop, team, room and bus as they were when the trace was
saved, and the place or org unit its via code names, so that the result
page and the exports need no per-row lookups.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from truyvet.places.models import Place
from truyvet.registry.models import Enterprise, OrgUnit, Person


class Trace(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="traces",
                               db_index=False, verbose_name=_("index person (F0)"))
    onset = models.DateTimeField(_("onset"))
    onset_is_date = models.BooleanField(_("onset given as a date"), default=False)
    isolated_at = models.DateTimeField(_("isolated at"), null=True, blank=True)
    as_of = models.DateTimeField(_("as of"))
    depth = models.PositiveSmallIntegerField(_("depth"))
    lookback_hours = models.PositiveIntegerField(_("lookback (hours)"))
    window_start = models.DateTimeField(_("window start"))
    window_end = models.DateTimeField(_("window end"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("run by"))
    created_at = models.DateTimeField(_("run at"), auto_now_add=True)
    # Number of contacts per level: level_counts[0] is F1, [1] is F2, ...
    level_counts = ArrayField(models.PositiveIntegerField(), default=list,
                              verbose_name=_("contacts per level"))

    class Meta:
        verbose_name = _("trace")
        verbose_name_plural = _("traces")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="cases_trace_newest"),
                   models.Index(fields=["person", "-created_at"], name="cases_trace_person")]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.created_at:%Y-%m-%d %H:%M}"

    def count(self, level: int) -> int:
        return self.level_counts[level - 1] if 0 < level <= len(self.level_counts) else 0

    @property
    def f1(self) -> int:
        return self.count(1)

    @property
    def f2(self) -> int:
        return self.count(2)

    @property
    def total(self) -> int:
        return sum(self.level_counts)


def _ref(model: type[models.Model], name: str) -> models.ForeignKey:
    """A nullable, unconstrained, unindexed reference (a snapshot, cheap to bulk-write)."""
    return models.ForeignKey(model, null=True, blank=True, on_delete=models.DO_NOTHING,
                             db_constraint=False, db_index=False, related_name="+",
                             verbose_name=name)


class TraceContact(models.Model):
    trace = models.ForeignKey(Trace, on_delete=models.CASCADE, related_name="contacts",
                              db_index=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+",
                               db_index=False, verbose_name=_("person"))
    level = models.PositiveSmallIntegerField(_("level"))
    exposed_at = models.DateTimeField(_("exposed at"))
    # The upstream person is F0 or another contact of the same trace, both protected.
    via_person = models.ForeignKey(Person, on_delete=models.DO_NOTHING, db_constraint=False,
                                   db_index=False, related_name="+",
                                   verbose_name=_("through"))
    via_context = models.CharField(_("context"), max_length=16)
    via_code = models.CharField(_("code"), max_length=64)
    via_start = models.DateTimeField(_("contact from"))
    via_end = models.DateTimeField(_("contact until"))
    via_place = _ref(Place, _("contact place"))
    via_unit = _ref(OrgUnit, _("contact team"))
    # The contact's situation when the trace was saved (for grouping and exports).
    enterprise = _ref(Enterprise, _("enterprise"))
    workshop = _ref(OrgUnit, _("workshop"))
    team = _ref(OrgUnit, _("team"))
    room = _ref(Place, _("room"))
    bus = _ref(Place, _("bus"))

    class Meta:
        verbose_name = _("trace contact")
        verbose_name_plural = _("trace contacts")
        constraints = [models.UniqueConstraint(fields=["trace", "person"],
                                               name="cases_contact_once")]
        indexes = [
            models.Index(fields=["trace", "level", "enterprise", "workshop", "team", "exposed_at"],
                         name="cases_contact_org"),
            models.Index(fields=["trace", "level", "exposed_at"], name="cases_contact_time"),
        ]

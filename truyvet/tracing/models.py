"""Tables the tracing engine keeps for itself."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlaceSpan(models.Model):
    """The longest explicit presence (`end - start`) ever recorded at a place.

    Finding everyone present at a place during [t1, t2) through the
    (place_id, start) index needs a lower bound on `start`: t1 minus the
    longest possible stay there. Rows without `end` last the place's dwell
    time; rows with `end` may last anything, so this upper bound is kept by
    statement-level triggers on `places_presence` (see migration 0001). It
    only ever grows, so deleted or shortened rows leave a safe, if loose,
    bound; `refresh_place_spans()` recomputes it exactly.
    """

    place_id = models.IntegerField(primary_key=True)
    max_span = models.DurationField(_("longest explicit stay"))

    class Meta:
        verbose_name = _("place span")
        verbose_name_plural = _("place spans")

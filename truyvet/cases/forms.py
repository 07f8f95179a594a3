"""The "declare a case" form. Formats are checked here; the tracing rules
(onset not in the future, isolation after the window start, the person in the
user's scope) by `cases.services.declare_case`, whose errors land on the
matching field."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from truyvet.tracing.types import DEFAULT_DEPTH, MAX_DEPTH, MIN_DEPTH, TraceInputError

# TraceInputError.field -> form field.
FIELD_FOR = {"person_id": "person", "onset": "onset_date", "isolated_at": "isolated_at",
             "depth": "depth"}


class DeclareForm(forms.Form):
    person = forms.UUIDField(label=gettext_lazy("Person (F0)"), widget=forms.HiddenInput,
                             error_messages={"required": gettext_lazy("Pick a person from the search results."),
                                             "invalid": gettext_lazy("Pick a person from the search results.")})
    onset_date = forms.DateField(label=gettext_lazy("Onset date"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    onset_time = forms.TimeField(label=gettext_lazy("Onset time (optional)"), required=False,
                                 widget=forms.TimeInput(attrs={"type": "time"}))
    isolated_at = forms.DateTimeField(
        label=gettext_lazy("Isolated at (optional)"), required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    depth = forms.IntegerField(label=gettext_lazy("Depth (F1, F2, ...)"), initial=DEFAULT_DEPTH,
                               min_value=MIN_DEPTH, max_value=MAX_DEPTH)

    def trace_input(self, national_id: str) -> dict[str, Any]:
        """The engine's raw input for the cleaned form."""
        d = self.cleaned_data
        onset: Any = d["onset_date"].isoformat()
        if d.get("onset_time"):
            onset = timezone.make_aware(datetime.combine(d["onset_date"], d["onset_time"]))
        return {"person_id": national_id, "onset": onset, "isolated_at": d.get("isolated_at"),
                "depth": d["depth"]}

    def add_trace_error(self, exc: TraceInputError) -> None:
        self.add_error(FIELD_FOR.get(exc.field), friendly(exc))


def friendly(exc: TraceInputError) -> str:
    """A translated message for the errors a form can still meet after its own checks."""
    msg = exc.message
    if exc.field == "person_id":
        return _("Pick a person from the search results.")
    if exc.field == "onset" and "future" in msg:
        return _("The onset cannot be in the future.")
    if exc.field == "isolated_at" and "before the window" in msg:
        return _("Isolation cannot be before the start of the window (onset minus the lookback).")
    if exc.field == "isolated_at" and "after as_of" in msg:
        return _("Isolation cannot be in the future.")
    return msg

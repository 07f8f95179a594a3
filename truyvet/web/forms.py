"""The login form: Django's, behind the lockout."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from truyvet.accounts import audit, lockout


class LockoutAuthenticationForm(AuthenticationForm):
    """Refuses a locked username or address before checking the password, and
    counts each failure (accounts.lockout)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Your username and password did not match. Please try again."),
        "locked": _("Too many failed attempts. Try again after %(until)s."),
    }

    def clean(self) -> dict:
        username = self.cleaned_data.get("username") or ""
        ip = audit.client_ip(self.request)
        until = lockout.locked_until(username, ip)
        if until is not None:
            raise self._locked(until)
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                locked = lockout.record_failure(username, ip)
                if locked is not None:
                    audit.record_event(None, audit.ACCOUNT_LOCKED, f"login {username[:100]}",
                                       request=self.request)
            raise
        lockout.record_success(username)
        return cleaned

    def _locked(self, until) -> forms.ValidationError:
        shown = formats.time_format(timezone.localtime(until), "H:i")
        return forms.ValidationError(self.error_messages["locked"], code="locked",
                                     params={"until": shown})

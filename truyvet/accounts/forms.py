"""Forms of the account pages: registration, review, invitations, codes, audit search."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from truyvet.accounts import onboarding
from truyvet.accounts.models import EnterpriseApplication, Role
from truyvet.registry.models import AdminUnit, Zone
from truyvet.registry.validation import normalise_phone


class RegistrationForm(forms.ModelForm):
    zone = forms.ModelChoiceField(Zone.objects.all(), required=False,
                                  label=_("Industrial zone"), empty_label=_("None (outside zones)"))
    district = forms.ModelChoiceField(AdminUnit.objects.filter(level=AdminUnit.Level.DISTRICT),
                                      label=_("District"))

    class Meta:
        model = EnterpriseApplication
        fields = ["name", "tax_code", "zone", "district", "address", "legal_rep_name",
                  "legal_rep_phone", "contact_name", "email"]

    def clean_tax_code(self) -> str:
        tax_code = onboarding.normalise_tax_code(self.cleaned_data["tax_code"])
        onboarding.validate_tax_code(tax_code)
        if onboarding.tax_code_taken(tax_code):
            raise ValidationError(_("This tax code is already registered or awaiting review."),
                                  code="tax_code_taken")
        return tax_code

    def clean_legal_rep_phone(self) -> str:
        phone = normalise_phone(self.cleaned_data["legal_rep_phone"])
        if not phone:
            raise ValidationError(_("Enter a Vietnamese phone number."), code="phone")
        return phone


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=[
        (r.value, r.label) for r in (Role.ENTERPRISE_HEALTH, Role.GATE_OPERATOR)])


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, strip=True,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                         "inputmode": "numeric",
                                                         "autofocus": True}))


class AuditSearchForm(forms.Form):
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    national_id = forms.CharField(label=_("ID number"), required=False, max_length=32)
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.choices import TimeUnit
from motcua.dossiers.choices import ApplicantKind, Channel, ResultDelivery


class IntakeForm(forms.Form):
    procedure_code = forms.CharField(label=_("Procedure code"), max_length=40)
    applicant_kind = forms.ChoiceField(label=_("Applicant"), choices=ApplicantKind.choices, initial=ApplicantKind.PERSON)
    applicant_name = forms.CharField(label=_("Full name (or organisation name)"), max_length=200)
    applicant_id_number = forms.CharField(label=_("Personal ID (12 digits) or tax code"), max_length=20)
    applicant_birth_date = forms.DateField(label=_("Date of birth (dd/mm/yyyy)"), required=False)
    applicant_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    applicant_email = forms.EmailField(label=_("E-mail"), required=False)
    applicant_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    representative_name = forms.CharField(label=_("Authorised representative (if any)"), max_length=200, required=False)
    representative_id_number = forms.CharField(label=_("Representative's personal ID"), max_length=20, required=False)
    authorisation_note = forms.CharField(label=_("Authorisation paper"), max_length=300, required=False)
    channel = forms.ChoiceField(label=_("Submitted"), choices=Channel.choices, initial=Channel.IN_PERSON)
    result_delivery = forms.ChoiceField(
        label=_("Result delivered"), choices=ResultDelivery.choices, initial=ResultDelivery.IN_PERSON, required=False
    )
    sets_count = forms.IntegerField(label=_("Number of sets"), min_value=1, max_value=50, initial=1)
    fee_amount = forms.IntegerField(label=_("Fees collected (đồng)"), min_value=0, initial=0)
    # RULES.md §1.6 (last bullet): only when the procedure has no time limit in the catalogue.
    time_limit_value = forms.DecimalField(
        label=_("Time limit set at intake (only if the catalogue has none)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
    )
    time_limit_unit = forms.ChoiceField(
        label=_("Unit of that time limit"), choices=[("", "—"), *TimeUnit.choices], required=False
    )
    time_limit_reason = forms.CharField(label=_("Reason for that time limit"), max_length=500, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)


class CounterVisitForm(forms.Form):
    """The intake page's fields a guided or refused visit needs (the rest is not asked)."""

    procedure_code = forms.CharField(max_length=40)
    applicant_kind = forms.ChoiceField(choices=ApplicantKind.choices)
    applicant_name = forms.CharField(max_length=200)
    applicant_id_number = forms.CharField(max_length=20, required=False)
    applicant_phone = forms.CharField(max_length=20, required=False)
    applicant_email = forms.EmailField(required=False)
    applicant_address = forms.CharField(max_length=300, required=False)
    representative_name = forms.CharField(max_length=200, required=False)
    items = forms.CharField(required=False)
    reason = forms.CharField(required=False)
    idempotency_key = forms.CharField(required=False)


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Dossier code"), max_length=60)
    check = forms.CharField(
        label=_("Last 4 digits of the applicant's ID number or phone"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

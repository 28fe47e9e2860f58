from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.choices import TimeUnit
from motcua.catalog.models import Procedure
from motcua.core.validation import MAX_FEE_VND, MAX_IDEMPOTENCY_KEY, MAX_REASON_LENGTH, MAX_TIME_LIMIT, max_length
from motcua.dossiers.choices import ApplicantKind, Channel, ResultDelivery
from motcua.dossiers.models import Dossier

# The same bounds as the API schemas and the services (one source: the model columns and
# core.validation); the services also refuse control characters and lone surrogates.
_PROCEDURE = max_length(Procedure, "code")
_NAME = max_length(Dossier, "applicant_name")
_ID = max_length(Dossier, "applicant_id_number")
_PHONE = max_length(Dossier, "applicant_phone")
_ADDRESS = max_length(Dossier, "applicant_address")
_NOTE = max_length(Dossier, "authorisation_note")
BIRTH_DATE_FORMATS = ["%d/%m/%Y", "%d%m%Y", "%Y-%m-%d"]


class IntakeForm(forms.Form):
    procedure_code = forms.CharField(label=_("Procedure code"), max_length=_PROCEDURE)
    applicant_kind = forms.ChoiceField(label=_("Applicant"), choices=ApplicantKind.choices, initial=ApplicantKind.PERSON)
    applicant_name = forms.CharField(label=_("Full name (or organisation name)"), max_length=_NAME)
    applicant_id_number = forms.CharField(label=_("Personal ID (12 digits) or tax code"), max_length=_ID)
    # Typed and shown dd/mm/yyyy (8 digits without slashes too, as the card prints it); the
    # first format is the one the field renders a date with.
    applicant_birth_date = forms.DateField(
        label=_("Date of birth (dd/mm/yyyy)"),
        required=False,
        input_formats=BIRTH_DATE_FORMATS,
        widget=forms.DateInput(
            format=BIRTH_DATE_FORMATS[0], attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy", "autocomplete": "off"}
        ),
    )
    applicant_phone = forms.CharField(label=_("Phone"), max_length=_PHONE, required=False)
    applicant_email = forms.EmailField(label=_("E-mail"), required=False)
    applicant_address = forms.CharField(label=_("Address"), max_length=_ADDRESS, required=False)
    representative_name = forms.CharField(label=_("Authorised representative (if any)"), max_length=_NAME, required=False)
    representative_id_number = forms.CharField(label=_("Representative's personal ID"), max_length=_ID, required=False)
    authorisation_note = forms.CharField(label=_("Authorisation paper"), max_length=_NOTE, required=False)
    channel = forms.ChoiceField(label=_("Submitted"), choices=Channel.choices, initial=Channel.IN_PERSON)
    result_delivery = forms.ChoiceField(
        label=_("Result delivered"), choices=ResultDelivery.choices, initial=ResultDelivery.IN_PERSON, required=False
    )
    sets_count = forms.IntegerField(label=_("Number of sets"), min_value=1, max_value=50, initial=1)
    fee_amount = forms.IntegerField(label=_("Fees collected (VND)"), min_value=0, max_value=MAX_FEE_VND, initial=0)
    # RULES.md §1.6 (last bullet): only when the procedure has no time limit in the catalogue.
    time_limit_value = forms.DecimalField(
        label=_("Time limit set at intake (only if the catalogue has none)"),
        required=False,
        min_value=0,
        max_value=MAX_TIME_LIMIT,
        max_digits=8,
        decimal_places=2,
    )
    time_limit_unit = forms.ChoiceField(
        label=_("Unit of that time limit"), choices=[("", "—"), *TimeUnit.choices], required=False
    )
    time_limit_reason = forms.CharField(label=_("Reason for that time limit"), max_length=500, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=MAX_IDEMPOTENCY_KEY)


class CounterVisitForm(forms.Form):
    """The intake page's fields a guided or refused visit needs (the rest is not asked)."""

    procedure_code = forms.CharField(max_length=_PROCEDURE)
    applicant_kind = forms.ChoiceField(choices=ApplicantKind.choices)
    applicant_name = forms.CharField(max_length=_NAME)
    applicant_id_number = forms.CharField(max_length=_ID, required=False)
    applicant_phone = forms.CharField(max_length=_PHONE, required=False)
    applicant_email = forms.EmailField(required=False)
    applicant_address = forms.CharField(max_length=_ADDRESS, required=False)
    representative_name = forms.CharField(max_length=_NAME, required=False)
    items = forms.CharField(required=False)
    reason = forms.CharField(required=False, max_length=MAX_REASON_LENGTH)
    idempotency_key = forms.CharField(required=False, max_length=MAX_IDEMPOTENCY_KEY)


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Dossier code"), max_length=60)
    check = forms.CharField(
        label=_("Last 4 digits of the applicant's ID number or phone"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

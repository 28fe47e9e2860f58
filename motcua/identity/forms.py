from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.identity.choices import AccessPurpose, ConsentPurpose, FaceSource, NotifyChannel

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp,image/bmp"


def purpose_field(choices: list[tuple[str, Any]] | None = None) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Purpose"),
        choices=[("", _("— choose why —")), *(choices or AccessPurpose.choices)],
        help_text=_("Recorded with every access and shown to the citizen."),
    )


def dossier_field() -> forms.CharField:
    return forms.CharField(label=_("Dossier code (if any)"), max_length=60, required=False)


class CounterScanForm(forms.Form):
    qr_text = forms.CharField(
        label=_("ID-card QR"),
        required=False,
        max_length=4000,
        help_text=_("Scan with the USB scanner into this field, or use the camera."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "spellcheck": "false"}),
    )
    card_image = forms.FileField(
        label=_("Or a photo of the card's QR"), required=False, widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT})
    )
    purpose = purpose_field()
    dossier_ref = dossier_field()

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("qr_text") and not data.get("card_image"):
            raise forms.ValidationError(_("Scan the card QR or choose a photo of it."))
        return data


class RegisterFromCardForm(forms.Form):
    qr_text = forms.CharField(widget=forms.HiddenInput, max_length=4000)
    purpose = forms.ChoiceField(choices=AccessPurpose.choices, widget=forms.HiddenInput)
    dossier_ref = forms.CharField(widget=forms.HiddenInput, required=False, max_length=60)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)


class LookupForm(forms.Form):
    personal_id = forms.CharField(
        label=_("Personal ID (12 digits)"),
        max_length=12,
        min_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{12}"}),
    )
    purpose = purpose_field()
    dossier_ref = dossier_field()


class PurposeForm(forms.Form):
    purpose = purpose_field()
    dossier_ref = dossier_field()


class ConsentForm(forms.Form):
    consent_purpose = forms.ChoiceField(label=_("Consent to"), choices=ConsentPurpose.choices)
    evidence = forms.CharField(label=_("How it was given (e.g. signed form number)"), max_length=200)


class WithdrawForm(forms.Form):
    consent_purpose = forms.ChoiceField(choices=ConsentPurpose.choices, widget=forms.HiddenInput)


class FaceImageForm(forms.Form):
    image = forms.FileField(
        label=_("Photo of the face"),
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT, "capture": "user"}),
        help_text=_("Taken with the counter camera, or uploaded. It is not stored: only an encrypted template is."),
    )
    purpose = purpose_field([(p.value, p.label) for p in (AccessPurpose.COUNTER_INTAKE, AccessPurpose.INTAKE_ANY_PLACE)])
    dossier_ref = dossier_field()


class EnrolForm(forms.Form):
    image = FaceImageForm.base_fields["image"]
    consent_purpose = forms.ChoiceField(label=_("Under the consent to"), choices=ConsentPurpose.choices)
    source = forms.ChoiceField(label=_("Source"), choices=FaceSource.choices)
    purpose = purpose_field([(p.value, p.label) for p in (AccessPurpose.COUNTER_INTAKE, AccessPurpose.INTAKE_ANY_PLACE)])


class ContactsForm(forms.Form):
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    current_address = forms.CharField(label=_("Current residence"), max_length=500, required=False)
    purpose = forms.ChoiceField(choices=AccessPurpose.choices, widget=forms.HiddenInput)


class MergeForm(forms.Form):
    survivor_id = forms.CharField(label=_("Personal ID of the record to keep"), max_length=12, min_length=12)
    duplicate_id = forms.CharField(label=_("Personal ID of the duplicate to fold into it"), max_length=12, min_length=12)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class EraseForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the citizen's request, its date and number)"), max_length=300)
    confirm_id = forms.CharField(label=_("Type the personal ID again to confirm"), max_length=12)


class AccessCodeRequestForm(forms.Form):
    personal_id = forms.CharField(
        label=_("Your personal ID (12 digits)"),
        max_length=12,
        min_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    channel = forms.ChoiceField(label=_("Send the code by"), choices=NotifyChannel.choices, widget=forms.RadioSelect)


class AccessCodeVerifyForm(forms.Form):
    personal_id = forms.CharField(widget=forms.HiddenInput, max_length=12)
    code = forms.CharField(
        label=_("The 6-digit code we sent you"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

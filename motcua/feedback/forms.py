"""Forms of the petition pages: thin, the service validates (``services._validate``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.validation import max_length
from motcua.feedback.choices import Classification, ContentCategory, PetitionChannel, PetitionKind, ReportClass, Verdict
from motcua.feedback.models import Petition

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def _text(label: str | _StrPromise, field: str, *, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length(Petition, field), required=required, help_text=help_text)


class PetitionForm(forms.Form):
    """The public form (Art. 7 fields required) and the counter's (the officer writes down
    what the petitioner said; missing fields make it anonymous, kept as "not accepted")."""

    unit_code = forms.ChoiceField(label=_("Commune or ward"), choices=())
    kind = forms.ChoiceField(label=_("Kind"), choices=PetitionKind.choices, initial=PetitionKind.FEEDBACK)
    # Required fields are checked by the service, all at once and with the rule's own words
    # (Art. 7); the form checks only types and lengths. ``use_required_attribute`` marks them.
    title = _text(_("Title"), "title")
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000, required=False)
    procedure_code = forms.CharField(label=_("Procedure code (if any)"), max_length=40, required=False)
    dossier_code = forms.CharField(label=_("Dossier code (if any)"), max_length=60, required=False)
    place = _text(_("Place"), "place")
    officer_named = _text(_("Officer concerned (if any)"), "officer_named")
    petitioner_name = _text(_("Full name"), "petitioner_name")
    petitioner_address = _text(_("Address"), "petitioner_address")
    petitioner_phone = _text(_("Phone"), "petitioner_phone")
    petitioner_email = forms.CharField(label=_("E-mail (optional)"), max_length=254, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)

    def __init__(self, *args: object, units: list[tuple[str, str]] | None = None, staff: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.marked = {"title", "content", "unit_code", "kind", "channel"}  # shown as required
        if staff:
            del self.fields["unit_code"]
            self.fields["channel"] = forms.ChoiceField(
                label=_("Received by"),
                choices=[(c.value, c.label) for c in (PetitionChannel.COUNTER, PetitionChannel.PHONE, PetitionChannel.POST)],
            )
        else:
            unit_field = self.fields["unit_code"]
            assert isinstance(unit_field, forms.ChoiceField)
            unit_field.choices = units or []
        for name in ("title", "content"):
            self.fields[name].widget.attrs["aria-required"] = "true"
            for name in ("petitioner_name", "petitioner_address", "petitioner_phone"):
                self.fields[name].widget.attrs["aria-required"] = "true"
                self.marked.add(name)
                self.fields[name].help_text = _("Required (Decree 20/2008, Art. 7); never published.")


class ClassifyForm(forms.Form):
    classification = forms.ChoiceField(label=_("Classification (Art. 9)"), choices=Classification.choices)
    category = forms.ChoiceField(label=_("Content category (Art. 5)"), choices=ContentCategory.choices)
    report_class = forms.ChoiceField(label=_("Reporting class"), choices=ReportClass.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=PetitionKind.choices)


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Petition code"), max_length=40)
    check = forms.CharField(label=_("Last 4 digits of your phone"), max_length=20)


class VerdictForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    check = forms.CharField(widget=forms.HiddenInput, max_length=20)
    verdict = forms.ChoiceField(label=_("Are you satisfied with the answer?"), choices=Verdict.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Why (optional)"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)


class AnswerTemplateForm(forms.Form):
    """An answer template: the service checks the placeholders (``answer_services._validate``)."""

    unit_code = forms.ChoiceField(label=_("Applies to"), choices=())
    category = forms.ChoiceField(label=_("Content category (Art. 5)"), choices=ContentCategory.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=20000,
        help_text=_("Placeholders in braces are filled in from the petition; write {{ or }} for a brace."),
    )
    active = forms.BooleanField(label=_("Offered to officers"), required=False, initial=True)

    def __init__(self, *args: object, units: list[tuple[str, str]] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.marked = {"unit_code", "category", "title", "body"}
        unit_field = self.fields["unit_code"]
        assert isinstance(unit_field, forms.ChoiceField)
        unit_field.choices = units or []

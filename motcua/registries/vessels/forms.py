"""Forms of the vessel pages (labels translated; the services validate again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.registries.vessels.choices import CheckResult
from motcua.registries.vessels.models import CHECKS, ReviewItem

DATE_INPUT = {"input_formats": ["%d/%m/%Y", "%Y-%m-%d"]}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (XLSX, XLS, ODS or CSV)"))


class ActForm(forms.Form):
    on = forms.DateField(label=_("Date (dd/mm/yyyy)"), required=False, **DATE_INPUT)  # type: ignore[arg-type]  # input_formats
    destination = forms.CharField(label=_("Transferred to"), required=False, max_length=200)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    starts_on = forms.DateField(label=_("Starts (dd/mm/yyyy)"), **DATE_INPUT)  # type: ignore[arg-type]  # input_formats
    ends_on = forms.DateField(label=_("Ends (dd/mm/yyyy)"), **DATE_INPUT)  # type: ignore[arg-type]  # input_formats


class AssignForm(forms.Form):
    officer = forms.TypedChoiceField(label=_("Officer"), coerce=int)
    hamlet = forms.ChoiceField(label=_("Hamlet"), required=False)

    def __init__(self, *args: Any, officers: list[tuple[int, str]], hamlets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = officers  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["hamlet"].choices = [("", _("Every hamlet")), *((h, h) for h in hamlets)]  # type: ignore[attr-defined]  # a ChoiceField


ANSWERS = [(v, label) for v, label in CheckResult.choices if v]


class CheckForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in CHECKS:
            field = ReviewItem._meta.get_field(name)
            self.fields[name] = forms.ChoiceField(
                label=str(getattr(field, "verbose_name", name)).capitalize(), choices=ANSWERS, widget=forms.RadioSelect
            )

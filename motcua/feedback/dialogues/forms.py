"""Forms of the dialogue pages: thin, the services validate. Dates are typed and shown
dd/mm/yyyy (times HH:MM), as everywhere in MotCua."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.validation import max_length
from motcua.feedback.dialogues.choices import Audience
from motcua.feedback.dialogues.models import Dialogue, DialogueQuestion

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
TIME_FORMATS = ["%H:%M"]


def _date_field(label: object, **kwargs: object) -> forms.DateField:
    return forms.DateField(
        label=label,  # type: ignore[arg-type]  # a lazy string
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            format=DATE_FORMATS[0], attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy", "autocomplete": "off"}
        ),
        **kwargs,  # type: ignore[arg-type]
    )


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=max_length(Dialogue, "title"))
    topic = forms.CharField(label=_("Topic"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices, initial=Audience.CITIZENS)
    day = _date_field(_("Date (dd/mm/yyyy)"))
    time = forms.TimeField(
        label=_("Time (HH:MM)"),
        input_formats=TIME_FORMATS,
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "08:00"}),
    )
    place = forms.CharField(label=_("Place"), max_length=max_length(Dialogue, "place"))
    chair = forms.CharField(label=_("Chair (name and position)"), max_length=max_length(Dialogue, "chair"))
    co_organiser = forms.CharField(
        label=_("Organised with"),
        max_length=max_length(Dialogue, "co_organiser"),
        required=False,
        initial=_("The commune Committee of the Vietnam Fatherland Front"),
    )
    participants = forms.CharField(
        label=_("Participants and agencies invited"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )


class QuestionForm(forms.Form):
    """The public question form (name, address or organisation and phone asked for) and the
    staff form (what the asker gave; a missing field flags the question anonymous)."""

    asker_name = forms.CharField(label=_("Full name"), max_length=max_length(DialogueQuestion, "asker_name"), required=False)
    asker_address = forms.CharField(
        label=_("Address, or the business you speak for"),
        max_length=max_length(DialogueQuestion, "asker_address"),
        required=False,
    )
    asker_phone = forms.CharField(label=_("Phone"), max_length=max_length(DialogueQuestion, "asker_phone"), required=False)
    text = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)

    def __init__(self, *args: object, public: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.marked = {"text"}
        if public:
            for name in ("asker_name", "asker_address", "asker_phone"):
                self.fields[name].widget.attrs["aria-required"] = "true"
                self.fields[name].help_text = _("Required; never published (the minutes show your initials only).")
                self.marked.add(name)
        else:
            self.fields["text"].label = _("Question")
            self.fields["asker_address"].label = _("Address or organisation")
        self.fields["text"].widget.attrs["aria-required"] = "true"


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    answered_by = forms.CharField(
        label=_("Answered by (name and position)"), max_length=max_length(DialogueQuestion, "answered_by")
    )


class CommitmentForm(forms.Form):
    text = forms.CharField(label=_("Commitment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    owner = forms.CharField(label=_("Owner"), max_length=160)  # "user:<username>" or "agency:<id>"
    due_on = _date_field(_("Due date (dd/mm/yyyy)"))
    question = forms.IntegerField(label=_("In answer to question no. (optional)"), required=False, min_value=1)


class CommitmentActForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False)
    link = forms.CharField(label=_("Link (optional)"), max_length=500, required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)
    file = forms.FileField(label=_("File: PDF or photo (optional)"), required=False)

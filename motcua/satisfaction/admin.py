from django.contrib import admin

from motcua.satisfaction.models import Question, Questionnaire, RatingCriterion


@admin.register(RatingCriterion)
class RatingCriterionAdmin(admin.ModelAdmin[RatingCriterion]):
    list_display = ("position", "code", "text", "active")
    list_editable = ("active",)
    ordering = ("position",)


class QuestionInline(admin.TabularInline[Question, Questionnaire]):
    """The questions in order: element, text, answer type, options (a JSON list), required."""

    model = Question
    extra = 1
    fields = ("position", "code", "element", "text", "answer_type", "options", "required")
    ordering = ("position",)


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin[Questionnaire]):
    """A unit administrator edits questionnaires here (RULES.md §3.1: configurable; the SIPAS
    template ``sipas`` is the starting point). A questionnaire used by a campaign cannot be
    deleted (PROTECT); change the wording of a question before its campaign opens."""

    list_display = ("code", "title", "active")
    list_editable = ("active",)
    inlines = [QuestionInline]

from django.contrib import admin

from motcua.satisfaction.models import RatingCriterion


@admin.register(RatingCriterion)
class RatingCriterionAdmin(admin.ModelAdmin[RatingCriterion]):
    list_display = ("position", "code", "text", "active")
    list_editable = ("active",)
    ordering = ("position",)

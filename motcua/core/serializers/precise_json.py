"""The ``json`` fixture format with exact datetimes (see the package docstring)."""

from __future__ import annotations

from django.core.serializers import json as django_json

from motcua.core.serializers import PreciseJSONEncoder

Deserializer = django_json.Deserializer


class Serializer(django_json.Serializer):
    def _init_options(self) -> None:
        super()._init_options()  # type: ignore[misc]  # private hook, untyped in django-stubs
        self.json_kwargs["cls"] = PreciseJSONEncoder

"""The ``jsonl`` fixture format with exact datetimes (see the package docstring)."""

from __future__ import annotations

from django.core.serializers import jsonl as django_jsonl

from motcua.core.serializers import PreciseJSONEncoder

Deserializer = django_jsonl.Deserializer


class Serializer(django_jsonl.Serializer):
    def _init_options(self) -> None:
        super()._init_options()  # type: ignore[misc]  # private hook, untyped in django-stubs
        self.json_kwargs["cls"] = PreciseJSONEncoder

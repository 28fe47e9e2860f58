"""Extension points for apps above identity (it never imports them).

``dossiers`` adds a recognised citizen's earlier dossiers and reusable digitised documents to
the counter profile, and its own records to the citizen's data export, by registering a
provider in its ``AppConfig.ready()``::

    from motcua.identity.hooks import counter_profile_providers, export_providers

    counter_profile_providers.register("dossiers", dossiers_for_counter)
    export_providers.register("dossiers", dossiers_for_export)

A counter provider is called as ``provider(user=..., citizen=..., purpose=..., dossier_ref=...)``
inside the same logged read and returns a JSON-serialisable dict, shown under its name; an
export provider is called as ``provider(citizen=..., user=...)``: with a staff ``user`` it lists
only the rows that user may see (staff export); with ``user=None`` it lists all of the citizen's
rows (the citizen's own export after the one-time code). An erasure provider is called as
``provider(citizen=..., actor=...)`` inside the erasure's transaction, before the citizen is
deleted: it deletes or anonymises its own rows, or raises ``DomainError`` when a law requires
them to be kept (the erasure then changes nothing). Providers must scope their own rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provider = Callable[..., dict[str, Any]]


class ProviderRegistry:
    def __init__(self) -> None:
        self._providers: dict[str, Provider] = {}

    def register(self, name: str, provider: Provider) -> None:
        self._providers[name] = provider

    def unregister(self, name: str) -> None:
        self._providers.pop(name, None)

    def collect(self, **kwargs: Any) -> dict[str, dict[str, Any]]:
        return {name: provider(**kwargs) for name, provider in sorted(self._providers.items())}


counter_profile_providers = ProviderRegistry()
export_providers = ProviderRegistry()
erasure_providers = ProviderRegistry()

"""Extension point of the staff workspace (``lam-viec/``, ``core.views.staff_home``) for apps
above core (it never imports them).

An app contributes items to the workspace's "needs attention" list by registering a provider in
its ``AppConfig.ready()``::

    from motcua.core.workspace import attention_providers

    attention_providers.register("dialogue_commitments", overdue_commitments_for)

A provider is called as ``provider(user=..., now=...)`` and returns a list of
:class:`AttentionItem` for that user: it checks the user's permissions and scopes its own rows
(``restrict(user, action)``), and returns ``[]`` for a user it has nothing for. Providers are
called in the order of their names; a provider that fails is logged and skipped, so one app's
bug never takes the workspace down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AttentionItem:
    """One line of the "needs attention" list: what, where to act, and since when it is due."""

    title: str
    url: str
    detail: str = ""
    due_on: date | None = None
    overdue: bool = False
    group: str = ""  # the heading it is shown under (translated by the provider)


Provider = Callable[..., list[AttentionItem]]


class AttentionRegistry:
    def __init__(self) -> None:
        self._providers: dict[str, Provider] = {}

    def register(self, name: str, provider: Provider) -> None:
        self._providers[name] = provider

    def unregister(self, name: str) -> None:
        self._providers.pop(name, None)

    def names(self) -> list[str]:
        return sorted(self._providers)

    def collect(self, *, user: Any, now: datetime) -> list[AttentionItem]:
        items: list[AttentionItem] = []
        for name in sorted(self._providers):
            try:
                items.extend(self._providers[name](user=user, now=now))
            except Exception:  # one app's failing provider must not take the workspace down
                log.exception("workspace provider %s failed", name)
        return items


attention_providers = AttentionRegistry()

"""Domain events between apps, run on commit.

An app publishes ``publish("dossier.returned", dossier_id=…)``; an app above or beside it
registers a handler explicitly in its ``AppConfig.ready()`` with ``subscribe``. Handlers run
after the publishing transaction commits, so they never see a change that was rolled back.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

Handler = Callable[..., None]
_handlers: dict[str, list[Handler]] = defaultdict(list)
log = logging.getLogger(__name__)


def subscribe(name: str, handler: Handler) -> None:
    if handler not in _handlers[name]:
        _handlers[name].append(handler)


def publish(name: str, **payload: Any) -> None:
    for handler in list(_handlers.get(name, ())):
        transaction.on_commit(lambda handler=handler: _run(name, handler, payload))  # type: ignore[misc]


def _run(name: str, handler: Handler, payload: dict[str, Any]) -> None:
    try:
        handler(**payload)
    except Exception:  # a failing subscriber must not break the publisher's committed change
        log.exception("handler %r for %s failed", handler, name)

"""Fixture formats that keep datetimes exact (registered in ``SERIALIZATION_MODULES``).

Django's ``DjangoJSONEncoder`` cuts datetimes to milliseconds, so a ``dumpdata``/``loaddata``
round trip changed every audit event's ``occurred_at`` and the hash chain failed at event #1.
The ``json`` and ``jsonl`` formats of this project write all six digits instead; reading is
Django's own (``parse_datetime`` reads microseconds).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder


class PreciseJSONEncoder(DjangoJSONEncoder):
    """``DjangoJSONEncoder`` without the cut to milliseconds of datetimes and times."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time) and o.utcoffset() is None:
            return o.isoformat()
        return super().default(o)

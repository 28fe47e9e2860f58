"""``field__in_literal=[...]``: ``IN`` with the values written into the SQL.

SQLite uses a partial index only when the query repeats the index's condition word for word,
and a bound parameter never matches the index's literal; Django binds ``__in`` values as
parameters. The open-dossier indexes and the queues therefore both say
``status__in_literal=OPEN_STATUSES``. Only for fixed identifiers (choice values), never for
user input: values must match ``[A-Za-z0-9_]+``.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import CharField, Lookup

_SAFE = re.compile(r"[A-Za-z0-9_]+")


class InLiteral(Lookup):  # type: ignore[type-arg]
    lookup_name = "in_literal"

    def get_prep_lookup(self) -> Any:
        values = [str(value) for value in self.rhs]
        if not values or not all(_SAFE.fullmatch(value) for value in values):
            raise ValueError("in_literal takes a non-empty list of identifiers")
        return values

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        literals = ", ".join(f"'{value}'" for value in self.rhs)
        return f"{lhs} IN ({literals})", list(params)


CharField.register_lookup(InLiteral)

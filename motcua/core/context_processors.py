from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from motcua.core.permissions import user_roles
from motcua.core.scoping import user_unit


def motcua(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "staff_roles": user_roles(user),
        "staff_unit": user_unit(user) if user is not None and user.is_authenticated else None,
    }

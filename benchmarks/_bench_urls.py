"""The project's URLs plus benchmark-only views (served by ``bench_lookup.py`` only).

* ``/bench/floor/<pk>``: the floor, a bare view reading one dossier row (a model instance) by
  primary key;
* ``/bench/lookup/<code>?check=NNNN``: ``selectors.dossier_lookup`` through a tiny view, to
  separate the selector's cost from the API's (``/api/v1/lookup/<code>?check=NNNN``);
* ``/bench/lookup-lean/<code>?check=NNNN``: the same look-up with the query proposed in
  docs/performance.md (only the columns the answer shows, no default ordering), to show what
  that change would give.
"""

from __future__ import annotations

import hmac

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from motcua.config.urls import urlpatterns as project_urlpatterns
from motcua.core.exceptions import NotFound
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_lookup

LOOKUP_COLUMNS = (
    "code", "status", "received_at", "due_at", "returned_at", "timeliness", "check_id4", "check_phone4", "rated",
    "procedure__name", "receiving_agency__name",
)  # fmt: skip


def floor(request: HttpRequest, pk: int) -> JsonResponse:
    dossier = get_object_or_404(Dossier, pk=pk)
    return JsonResponse({"code": dossier.code, "status": dossier.status, "due_at": dossier.due_at})


def _answer(dossier: Dossier) -> JsonResponse:
    return JsonResponse(
        {"code": dossier.code, "status": dossier.status, "due_at": dossier.due_at, "procedure": dossier.procedure.name}
    )


def lookup(request: HttpRequest, code: str) -> JsonResponse:
    try:
        return _answer(dossier_lookup(code=code, check=request.GET.get("check", "")))
    except NotFound:
        return JsonResponse({"code": "lookup_not_found"}, status=404)


def lookup_lean(request: HttpRequest, code: str) -> JsonResponse:
    dossier = (
        Dossier.objects.select_related("procedure", "receiving_agency")
        .only(*LOOKUP_COLUMNS)
        .filter(code=code.strip())
        .order_by()
        .first()
    )
    check = "".join(ch for ch in request.GET.get("check", "") if ch.isdigit())
    if (
        dossier is None
        or len(check) != 4
        or not (
            hmac.compare_digest(check, dossier.check_id4)
            or (bool(dossier.check_phone4) and hmac.compare_digest(check, dossier.check_phone4))
        )
    ):
        return JsonResponse({"code": "lookup_not_found"}, status=404)
    return _answer(dossier)


urlpatterns = [
    path("bench/floor/<int:pk>", floor),
    path("bench/lookup/<str:code>", lookup),
    path("bench/lookup-lean/<str:code>", lookup_lean),
    *project_urlpatterns,
]

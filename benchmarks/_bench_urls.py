"""The project's URLs plus benchmark-only views (served by ``bench_lookup.py`` and ``bench_open311.py``).

* ``/bench/floor/<pk>``: the floor, a bare view reading one dossier row (a model instance) by
  primary key;
* ``/bench/petition-floor/<pk>``: the same bare view over one petition row (``bench_open311.py``);
* ``/bench/lookup/<code>?check=NNNN``: ``selectors.dossier_lookup`` through a tiny view, to
  separate the selector's cost from the API's (``/api/v1/lookup/<code>?check=NNNN``).
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from motcua.config.urls import urlpatterns as project_urlpatterns
from motcua.core.exceptions import NotFound
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_lookup


def floor(request: HttpRequest, pk: int) -> JsonResponse:
    dossier = get_object_or_404(Dossier, pk=pk)
    return JsonResponse({"code": dossier.code, "status": dossier.status, "due_at": dossier.due_at})


def petition_floor(request: HttpRequest, pk: int) -> JsonResponse:
    from motcua.feedback.models import Petition

    petition = get_object_or_404(Petition.objects.unrestricted("benchmark floor"), pk=pk)
    return JsonResponse({"code": petition.code, "status": petition.status, "received_at": petition.received_at})


def _answer(dossier: Dossier) -> JsonResponse:
    return JsonResponse(
        {"code": dossier.code, "status": dossier.status, "due_at": dossier.due_at, "procedure": dossier.procedure_name}  # type: ignore[attr-defined]
    )


def lookup(request: HttpRequest, code: str) -> JsonResponse:
    try:
        return _answer(dossier_lookup(code=code, check=request.GET.get("check", "")))
    except NotFound:
        return JsonResponse({"code": "lookup_not_found"}, status=404)


urlpatterns = [
    path("bench/floor/<int:pk>", floor),
    path("bench/lookup/<str:code>", lookup),
    path("bench/petition-floor/<int:pk>", petition_floor),
    *project_urlpatterns,
]

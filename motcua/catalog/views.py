"""Public catalogue pages: the searchable list, a procedure's page and its QR code."""

from __future__ import annotations

from itertools import groupby
from typing import Any

import segno
from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from motcua.catalog.filters import ProcedureFilter
from motcua.catalog.models import Procedure
from motcua.catalog.selectors import channels_of, procedure_get, sector_list
from motcua.catalog.selectors import procedure_list as procedure_list_query
from motcua.core.exceptions import NotFound

PAGE_SIZE = 25


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _qr(procedure: Procedure) -> segno.QRCode:
    return segno.make(procedure.public_url, error="m")


@require_GET
def procedure_list(request: HtmxHttpRequest) -> HttpResponse:
    filters = ProcedureFilter.from_params(request.GET)
    paginator = Paginator(procedure_list_query(q=filters.q, sector=filters.sector), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    channels = channels_of(page.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    context: dict[str, Any] = {
        "filters": filters,
        "page": page,
        "rows": [(procedure, channels[procedure.pk]) for procedure in page.object_list],
        "count": paginator.count,
        "query_string": params.urlencode(),
    }
    if request.htmx and not request.htmx.boosted:
        response = render(request, "catalog/partials/_results.html", context)
    else:
        context["sectors"] = sector_list()
        response = render(request, "catalog/procedure_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return render(request, "catalog/not_found.html", {"message": exc.message}, status=404)


@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        procedure = procedure_get(code=code)
    except NotFound as exc:
        return _not_found(request, exc)
    documents = list(procedure.documents.all())
    groups = [(heading, list(rows)) for heading, rows in groupby(documents, key=lambda d: d.group)]
    context = {
        "procedure": procedure,
        "document_groups": groups,
        "channels": list(procedure.channels.all()),
        "fees": list(procedure.fees.all()),
        "legal_bases": list(procedure.legal_bases.all()),
        "receipt_cutoff": procedure.receipt_cutoff.strftime("%H:%M")
        if procedure.receipt_cutoff
        else settings.MOTCUA_RECEIPT_CUTOFF,
        "qr_svg": _qr(procedure).svg_inline(scale=4, title=_("QR code of this page"), border=2),
    }
    return render(request, "catalog/procedure_detail.html", context)


@require_GET
def procedure_qr(request: HttpRequest, code: str) -> HttpResponse:
    """The QR code of a procedure's page as an SVG file (for printing at the counter)."""
    try:
        procedure: Procedure = procedure_get(code=code)
    except NotFound as exc:
        return _not_found(request, exc)
    svg = _qr(procedure).svg_inline(scale=8, title=procedure.name[:200], border=4)
    header = '<?xml version="1.0" encoding="UTF-8"?>\n'
    body = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return HttpResponse(header + body, content_type="image/svg+xml; charset=utf-8")

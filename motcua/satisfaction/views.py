"""The rating page (kiosk at the counter or the QR link): one question per block, large
buttons, works without JavaScript."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from motcua.core.exceptions import DomainError
from motcua.dossiers.ratings import dossier_for_token
from motcua.satisfaction.choices import Level, RatingChannel
from motcua.satisfaction.selectors import active_criteria
from motcua.satisfaction.services import rating_submit


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    dossier = dossier_for_token(token)
    criteria = active_criteria()
    context = {
        "dossier": dossier,
        "criteria": criteria,
        "levels": list(Level),
        "token": token,
        "kiosk": request.GET.get("kiosk") == "1" or request.POST.get("kiosk") == "1",
    }
    if dossier is None:
        return render(request, "satisfaction/rate.html", {**context, "invalid": True}, status=404)
    if dossier.rated:
        return render(request, "satisfaction/thanks.html", {**context, "already": True})
    if request.method == "POST":

        def level(name: str) -> int:
            try:
                return int(request.POST.get(name, ""))
            except ValueError:
                return 0

        answers = {c.code: level(f"q_{c.code}") for c in criteria if request.POST.get(f"q_{c.code}")}
        try:
            rating_submit(
                token=token,
                overall=level("overall"),
                answers=answers,
                channel=RatingChannel.KIOSK if context["kiosk"] else RatingChannel.QR,
                comment=request.POST.get("comment", ""),
            )
        except DomainError as exc:
            return render(request, "satisfaction/rate.html", {**context, "error": exc}, status=exc.status_code)
        return render(request, "satisfaction/thanks.html", context)
    return render(request, "satisfaction/rate.html", context)

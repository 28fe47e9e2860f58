"""The periodic report's page and downloads: thin adapters over ``selectors.one_stop_report``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from motcua.core.exceptions import DomainError, NotFound
from motcua.core.models import AdministrativeUnit
from motcua.core.periods import Period, PeriodKind, current_period, parse_period
from motcua.core.permissions import REPORT_VIEW, staff_with_permission
from motcua.reports.charts import settled_by_month_svg
from motcua.reports.render import render_report_pdf, render_report_xlsx
from motcua.reports.selectors import one_stop_report, report_dossier_rows, report_unit
from motcua.reports.services import record_report_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _staff(request: HttpRequest) -> User:
    return staff_with_permission(request, REPORT_VIEW)


def _request(request: HttpRequest) -> tuple[User, AdministrativeUnit, Period, str]:
    """The user, the unit and the period asked for; an unknown period falls back to this
    quarter with the error shown, a unit outside the user's scope is a 404."""
    user = _staff(request)
    try:
        unit = report_unit(user=user, code=request.GET.get("don_vi", "")[:10])
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    text = request.GET.get("ky", "")[:20]
    error = ""
    try:
        period = parse_period(text) if text else current_period(PeriodKind.QUARTER, timezone.localdate())
    except DomainError as exc:
        error = str(exc.message)
        period = current_period(PeriodKind.QUARTER, timezone.localdate())
    return user, unit, period, error


@login_required
@require_GET
def one_stop(request: HttpRequest) -> HttpResponse:
    user, unit, period, error = _request(request)
    report = one_stop_report(user=user, unit=unit, period=period)
    today = timezone.localdate()
    choices = [current_period(kind, today) for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)]
    choices += [choices[0].previous(), choices[1].previous(), choices[2].previous()]
    context = {
        "report": report,
        "unit": unit,
        "period": period,
        "error": error,
        "choices": choices,
        # Our own SVG: every text in it is escaped by charts.py.
        "chart": mark_safe(settled_by_month_svg(report.by_month)),  # noqa: S308
        "query": f"ky={period.code}&don_vi={unit.code}",
    }
    return render(request, "reports/one_stop.html", context, status=400 if error else 200)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The leader's dashboard: today's queue and this month's figures of the user's unit (or of
    a unit of their scope, ``don_vi``)."""
    from motcua.reports.charts import on_time_trend_svg
    from motcua.reports.dashboard import leader_dashboard

    user = _staff(request)
    try:
        unit = report_unit(user=user, code=request.GET.get("don_vi", "")[:10])
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    board = leader_dashboard(user=user, unit=unit)
    context = {
        "board": board,
        "unit": unit,
        "chart": mark_safe(on_time_trend_svg(board.trend)),  # noqa: S308  our own escaped SVG
        "report_query": f"ky={board.month.period.code}&don_vi={unit.code}",
    }
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
def one_stop_download(request: HttpRequest, fmt: str) -> HttpResponse:
    user, unit, period, error = _request(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    report = one_stop_report(user=user, unit=unit, period=period)
    if fmt == "pdf":
        data, content_type = render_report_pdf(report, unit=unit), "application/pdf"
    else:
        rows = report_dossier_rows(user=user, unit=unit, period=period)
        data, content_type = render_report_xlsx(report, unit=unit, dossiers=rows), XLSX
    record_report_export(user=user, unit_code=unit.code, period=period, fmt=fmt)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{unit.code}-{period.code}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response

"""XLSX exports of a survey campaign: the results (per element and per question, with 95 %
intervals) and the raw answers (one row per response). Neither holds anything about the
applicant (no name, no ID, no dossier code); free-text answers may, so the raw export is
audited by its view (``survey.export_answers``). Cells go through ``core.exports.safe_row``."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from motcua.core.exports import safe_row
from motcua.satisfaction.models import SurveyCampaign
from motcua.satisfaction.stats import Estimate
from motcua.satisfaction.survey_selectors import AnswerRow, Results


def _r(value: float | None, digits: int = 3) -> float | None:
    return round(value, digits) if value is not None else None


def _estimate_cells(e: Estimate | None) -> list[Any]:
    if e is None:
        return [None] * 7
    return [e.n, _r(e.mean), _r(e.mean_low), _r(e.mean_high), _r(e.satisfied), _r(e.satisfied_low), _r(e.satisfied_high)]


def _estimate_headers(prefix: str) -> list[str]:
    return [
        f"{prefix}: n",
        f"{prefix}: " + _("mean"),
        f"{prefix}: " + _("mean, 95% low"),
        f"{prefix}: " + _("mean, 95% high"),
        f"{prefix}: " + _("satisfied share"),
        f"{prefix}: " + _("satisfied, 95% low"),
        f"{prefix}: " + _("satisfied, 95% high"),
    ]


def _campaign_sheet(wb: Workbook, campaign: SurveyCampaign, results: Results | None) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = _("Campaign")
    rows: list[list[Any]] = [
        [_("Campaign"), campaign.title],
        [_("Unit"), campaign.unit.name],
        [_("Dossiers returned from"), campaign.period_start.strftime("%d/%m/%Y")],
        [_("Dossiers returned until"), campaign.period_end.strftime("%d/%m/%Y")],
        [_("Sample size"), campaign.sample_size],
        [_("Random seed"), campaign.seed],
        [_("Applicants in the frame"), campaign.population],
    ]
    if results is not None:
        rows += [
            [_("Sample members"), results.members],
            [_("Responses"), results.responses],
            [_("Response rate"), _r(results.response_rate)],
            [_("Per-dossier ratings used"), results.ratings_count],
        ]
    for row in rows:
        ws.append(safe_row(row))


def results_xlsx(results: Results) -> bytes:
    wb = Workbook()
    _campaign_sheet(wb, results.campaign, results)
    ws = wb.create_sheet(_("Elements"))
    ws.append(
        safe_row(
            [_("Element"), *_estimate_headers(_("Survey")), *_estimate_headers(_("Ratings")), *_estimate_headers(_("Combined"))]
        )
    )
    for row in results.elements:
        ws.append(
            safe_row([row.label, *_estimate_cells(row.survey), *_estimate_cells(row.ratings), *_estimate_cells(row.combined)])
        )
    ws = wb.create_sheet(_("Questions"))
    ws.append(
        safe_row(
            [
                _("No."),
                _("Code"),
                _("Element"),
                _("Question"),
                _("Answered"),
                *_estimate_headers(_("Survey")),
                *_estimate_headers(_("Ratings")),
                _("Options"),
            ]
        )
    )
    for q in results.questions:
        options = "; ".join(f"{k}: {v}" for k, v in (q.choices or {}).items())
        ws.append(
            safe_row(
                [
                    q.question.position,
                    q.question.code,
                    q.question.get_element_display(),
                    q.question.text,
                    q.answered,
                    *_estimate_cells(q.survey),
                    *_estimate_cells(q.ratings),
                    options,
                ]
            )
        )
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def answers_xlsx(campaign: SurveyCampaign, rows: list[AnswerRow]) -> bytes:
    wb = Workbook()
    _campaign_sheet(wb, campaign, None)
    ws = wb.create_sheet(_("Answers"))
    codes = list(campaign.questionnaire.questions.values_list("code", flat=True))
    ws.append(safe_row([_("Member no."), _("Procedure"), _("Channel"), _("Answered by"), _("Answered on"), *codes]))
    for row in rows:
        ws.append(
            safe_row(
                [row.number, row.procedure_code, row.channel, row.response_channel, row.answered_on]
                + [row.answers.get(code) for code in codes]
            )
        )
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

"""The survey campaign's workflow: one table of (status, action) → next status, and its guard
(RULES.md §3.1; docs/satisfaction.md "Campaign workflow"). Pure: no database."""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError
from motcua.satisfaction.choices import SurveyAction, SurveyStatus
from motcua.satisfaction.exceptions import SatisfactionErrorCode

S, A = SurveyStatus, SurveyAction

# Creating a campaign has no "from" status: it starts in DRAFT (services.survey_create).
TRANSITIONS: dict[tuple[SurveyStatus, SurveyAction], SurveyStatus] = {
    (S.DRAFT, A.DRAW): S.SAMPLED,
    (S.SAMPLED, A.INVITE): S.OPEN,
    (S.OPEN, A.INVITE): S.OPEN,  # members added later or not reached the first time
    (S.OPEN, A.ANSWER): S.OPEN,
    (S.SAMPLED, A.CLOSE): S.CLOSED,
    (S.OPEN, A.CLOSE): S.CLOSED,
}


def survey_allowed(status: SurveyStatus) -> list[SurveyAction]:
    return [action for (frm, action) in TRANSITIONS if frm == status]


def survey_next(status: SurveyStatus, action: SurveyAction) -> SurveyStatus:
    """The status after ``action``, or a 409 ``DomainError`` if the table does not allow it."""
    try:
        return TRANSITIONS[(SurveyStatus(status), action)]
    except KeyError:
        raise DomainError(
            SatisfactionErrorCode.SURVEY_ACTION_NOT_ALLOWED,
            _("This cannot be done while the campaign is “%(status)s”.") % {"status": SurveyStatus(status).label},
            status_code=409,
        ) from None

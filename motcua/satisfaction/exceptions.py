"""Error codes of the satisfaction domain: ratings and survey periods (stable; they never change meaning).

A ``DomainError`` takes a member (a ``StrEnum``, so it equals its string value: API clients and
tests that compare strings keep working). Saleor's ``order/error_codes.py`` is the model.
"""

from __future__ import annotations

from enum import StrEnum


class SatisfactionErrorCode(StrEnum):
    ALREADY_RATED = "already_rated"
    FORBIDDEN = "forbidden"
    KIOSK_LEAVE_LOCKED = "kiosk_leave_locked"
    KIOSK_PASSWORD_WRONG = "kiosk_password_wrong"  # noqa: S105  an error code, not a password
    RATING_DETAILS_CLOSED = "rating_details_closed"
    RATING_INVALID = "rating_invalid"
    RATING_LINK_INVALID = "rating_link_invalid"
    RATING_NOT_FOUND = "rating_not_found"
    RATING_NOT_OPEN = "rating_not_open"
    RATING_PERIOD_INVALID = "rating_period_invalid"
    RATING_PERIOD_OPEN = "rating_period_open"
    SURVEY_ACTION_NOT_ALLOWED = "survey_action_not_allowed"
    SURVEY_ALREADY_ANSWERED = "survey_already_answered"
    SURVEY_CLOSED = "survey_closed"
    SURVEY_INVALID = "survey_invalid"
    SURVEY_LINK_INVALID = "survey_link_invalid"
    SURVEY_NOT_FOUND = "survey_not_found"

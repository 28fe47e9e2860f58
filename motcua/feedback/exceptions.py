"""Error codes of the petitions domain (stable; they never change meaning)."""

from __future__ import annotations

from enum import StrEnum


class PetitionErrorCode(StrEnum):
    ACTION_NOT_ALLOWED = "petition_action_not_allowed"
    ALREADY_JUDGED = "petition_already_judged"
    CLASSIFICATION_REQUIRED = "petition_classification_required"
    FORBIDDEN = "petition_forbidden"
    IDEMPOTENCY_KEY_REUSED = "petition_idempotency_key_reused"
    INVALID_PETITION = "invalid_petition"
    MERGE_TARGET_INVALID = "petition_merge_target_invalid"
    NO_AGENCY = "petition_no_agency"
    NOT_FOUND = "petition_not_found"
    REASON_REQUIRED = "petition_reason_required"
    REOPEN_USED = "petition_reopen_used"
    ANSWER_REQUIRED = "petition_answer_required"
    UNIT_NOT_FOUND = "petition_unit_not_found"
    TEMPLATE_INVALID = "answer_template_invalid"
    TEMPLATE_NOT_FOUND = "answer_template_not_found"
    MAIL_IMPORT_REFUSED = "petition_mail_import_refused"
    TOO_MANY_VOICES = "petition_too_many_voices"

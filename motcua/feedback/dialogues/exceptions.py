"""Error codes of the dialogues domain (stable; they never change meaning)."""

from __future__ import annotations

from enum import StrEnum


class DialogueErrorCode(StrEnum):
    ACTION_NOT_ALLOWED = "dialogue_action_not_allowed"
    COMMITMENTS_OPEN = "dialogue_commitments_open"
    COMMITMENT_NOT_FOUND = "commitment_not_found"
    COMMITMENT_ACTION_NOT_ALLOWED = "commitment_action_not_allowed"
    EVIDENCE_REQUIRED = "commitment_evidence_required"
    FORBIDDEN = "dialogue_forbidden"
    IDEMPOTENCY_KEY_REUSED = "dialogue_idempotency_key_reused"
    INVALID_DIALOGUE = "invalid_dialogue"
    INVALID_QUESTION = "invalid_dialogue_question"
    INVALID_COMMITMENT = "invalid_commitment"
    MINUTES_REQUIRED = "dialogue_minutes_required"
    NO_AGENCY = "dialogue_no_agency"
    NOT_FOUND = "dialogue_not_found"
    QUESTION_NOT_FOUND = "dialogue_question_not_found"
    QUESTIONS_CLOSED = "dialogue_questions_closed"
    REASON_REQUIRED = "dialogue_reason_required"

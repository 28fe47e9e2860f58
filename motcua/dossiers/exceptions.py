"""Error codes of the dossiers domain: intake, workflow, slips, look-up, counter visits and idempotency
(stable; they never change meaning).

A ``DomainError`` takes a member (a ``StrEnum``, so it equals its string value: API clients and
tests that compare strings keep working). Saleor's ``order/error_codes.py`` is the model.
"""

from __future__ import annotations

from enum import StrEnum


class DossierErrorCode(StrEnum):
    ACTION_NOT_ALLOWED = "action_not_allowed"
    AGENCY_IDENTIFIER_MISSING = "agency_identifier_missing"
    ALREADY_RATED = "already_rated"
    DOCUMENT_FILE_UNMATCHED = "document_file_unmatched"
    DOCUMENT_TOO_LARGE = "document_too_large"
    DOSSIER_NOT_FOUND = "dossier_not_found"
    EXTENSION_TOO_LATE = "extension_too_late"
    EXTENSION_USED = "extension_used"
    FEE_AMOUNT_INVALID = "fee_amount_invalid"
    FORBIDDEN = "forbidden"
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    INVALID_DOCUMENTS = "invalid_documents"
    INVALID_DOSSIER = "invalid_dossier"
    INVALID_INPUT = "invalid_input"
    INVALID_VISIT = "invalid_visit"
    LOOKUP_NOT_FOUND = "lookup_not_found"
    NEW_DUE_INVALID = "new_due_invalid"
    NO_AGENCY = "no_agency"
    NO_OPEN_STEP = "no_open_step"
    OVERRIDE_REASON_REQUIRED = "override_reason_required"
    PROCEDURE_NO_TIME_LIMIT = "procedure_no_time_limit"
    PROCEDURE_TIME_UNIT_UNKNOWN = "procedure_time_unit_unknown"
    RATING_NOT_OPEN = "rating_not_open"
    REASON_REQUIRED = "reason_required"
    REUSE_NOT_ALLOWED = "reuse_not_allowed"
    SEED_AGENCIES_MISSING = "seed_agencies_missing"
    SEED_COUNT_INVALID = "seed_count_invalid"
    SEED_MONTHS_INVALID = "seed_months_invalid"
    SEED_PROCEDURES_MISSING = "seed_procedures_missing"
    SEED_UNIT_UNKNOWN = "seed_unit_unknown"
    SEED_UNITS_MISSING = "seed_units_missing"
    SIGNER_NAME_MISSING = "signer_name_missing"
    SLIP_FORM_NOT_PER_DOSSIER = "slip_form_not_per_dossier"
    SLIP_NOT_ISSUED = "slip_not_issued"
    STEP_DAYS_INVALID = "step_days_invalid"
    SUPPLEMENT_ALREADY_REQUESTED = "supplement_already_requested"
    SUPPLEMENT_ITEMS_REQUIRED = "supplement_items_required"
    TOO_MANY_DOCUMENTS = "too_many_documents"
    TOO_MANY_LOOKUPS = "too_many_lookups"
    TRANSFER_AGENCY_INVALID = "transfer_agency_invalid"
    TRANSFER_RECEIVER_INVALID = "transfer_receiver_invalid"
    UNKNOWN_ACTION = "unknown_action"
    UNKNOWN_FORM = "unknown_form"
    VISIT_ALREADY_RECEIVED = "visit_already_received"
    VISIT_NOT_FOUND = "visit_not_found"

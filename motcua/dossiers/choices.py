"""Enumerations of the dossiers app, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted online, not yet checked")
    RECEIVED = "received", _("Received")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Waiting for the applicant to supplement")
    REFUSED = "refused", _("Refused")
    IN_PROGRESS = "in_progress", _("Being processed")
    # "Chờ phê duyệt": the specialist has submitted a proposal (trình ký) to the leader.
    AWAITING_DECISION = "awaiting_decision", _("Awaiting the leader's decision")
    AWAITING_FEES = "awaiting_fees", _("Waiting for fees")
    APPROVED = "approved", _("Decided: approved")
    REJECTED = "rejected", _("Decided: rejected")
    READY_FOR_RETURN = "ready_for_return", _("Result ready for return")
    RETURNED = "returned", _("Result returned")
    STOPPED = "stopped", _("Stopped at the applicant's request")


TERMINAL_STATUSES = frozenset({DossierStatus.REFUSED, DossierStatus.RETURNED, DossierStatus.STOPPED})
# The applicant may rate once the dossier is closed: returned, but also refused or stopped
# (RULES.md §3.2: indicator 5.4 counts every dossier's "dislike").
RATABLE_STATUSES = TERMINAL_STATUSES
# In the enumeration's order: the queues' filter and the partial indexes' condition must read
# the same list for PostgreSQL to use the indexes.
OPEN_STATUSES = tuple(s for s in DossierStatus if s not in TERMINAL_STATUSES)
# The clock does not run in these (the citizen's time, or the work is done).
CLOCK_STOPPED_STATUSES = frozenset(
    {
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.APPROVED,
        DossierStatus.REJECTED,
        DossierStatus.READY_FOR_RETURN,
        *TERMINAL_STATUSES,
    }
)


class DossierAction(models.TextChoices):
    SUBMIT_ONLINE = "submit_online", _("Submit online")
    RECEIVE = "receive", _("Receive")
    REQUEST_SUPPLEMENT = "request_supplement", _("Request a supplement")
    SUPPLEMENT = "supplement", _("Record the supplement")
    REFUSE = "refuse", _("Refuse")
    TRANSFER = "transfer", _("Transfer to an agency")
    COMPLETE_STEP = "complete_step", _("Finish this agency's step")
    REQUEST_FEES = "request_fees", _("Ask for fees")
    PAY_FEES = "pay_fees", _("Record the payment")
    PROPOSE = "propose", _("Submit for decision")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject with reasons")
    RETURN_FOR_REWORK = "return_for_rework", _("Send back for rework")
    APOLOGIZE = "apologize", _("Apologise and set a new date")
    MARK_READY = "mark_ready", _("Result ready for return")
    RETURN_RESULT = "return_result", _("Return the result")
    STOP = "stop", _("Stop at the applicant's request")
    # Records a fact without changing the status (see workflow.RECORDING_ACTIONS).
    RATE = "rate", _("Rated by the applicant")


class Proposal(models.TextChoices):
    """What the specialist proposes when submitting a dossier for decision (trình ký)."""

    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")


class VisitOutcome(models.TextChoices):
    """The completeness check at the counter when the dossier is not received (RULES.md §1.4 row 2):
    a supplement is guided (BM.02) or the dossier is refused (BM.03). Neither gets a dossier code."""

    GUIDED = "guided", _("Guided to supplement")
    REFUSED = "refused", _("Refused to receive")


class ResultDelivery(models.TextChoices):
    """How the applicant wants the result (BM.01 "Nhận kết quả tại"; BM.06 "Phương thức nhận kết quả")."""

    IN_PERSON = "in_person", _("At the one-stop desk")
    POSTAL = "postal", _("By public postal service")
    ONLINE = "online", _("Online (electronic result)")


class Channel(models.TextChoices):
    """KenhThucHien on the national portal: 1 in person, 2 online, 3 postal."""

    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    POSTAL = "postal", _("Postal service")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class Timeliness(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class ClockChangeKind(models.TextChoices):
    START = "start", _("Clock started at receipt")
    PAUSE = "pause", _("Paused: supplement requested")
    RESUME = "resume", _("Resumed: supplement received")
    EXTEND = "extend", _("Extended with an apology")


class ClockReason(models.TextChoices):
    """What a clock change's explanation says, stored as a code with its parameters
    (``ClockChange.reason_code`` / ``reason_params``) and worded when shown, in the reader's
    language (``clock.reason_text``; issue 10 item 9). A reason a person typed (a supplement
    request, an apology) has no code: it is shown as typed."""

    STATUTORY = "statutory", _("Statutory time limit")
    OFFICER_LIMIT = "officer_limit", _("Time limit set by the receiving officer")
    RESUME = "resume", _("Supplement received")


class StepStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    DONE = "done", _("Done")


class SlipForm(models.TextChoices):
    """The one-stop forms (Circular 03/2025 Annex I, as numbered in Decision 3621/QĐ-BYT)."""

    RECEIPT = "BM01", _("Receipt and appointment")
    SUPPLEMENT = "BM02", _("Request to supplement the dossier")
    REFUSAL = "BM03", _("Refusal")
    APOLOGY = "BM04", _("Apology and extension")
    CONTROL_SHEET = "BM05", _("Processing-control sheet")
    TRACKING_BOOK = "BM06", _("Tracking book")
    STOP_NOTICE = "STOP", _("Stop notice")


class DocumentRead(models.TextChoices):
    """How a document's scan left the server: shown in the viewer, or saved as a file. Each is
    one audit row ``document.<value>`` (``selectors.document_content``)."""

    VIEW = "view", _("viewed")
    DOWNLOAD = "download", _("downloaded")

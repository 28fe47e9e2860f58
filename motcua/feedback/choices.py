"""Enumerations of petitions (phản ánh, kiến nghị; RULES.md §5, Decree 20/2008 as amended)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PetitionKind(models.TextChoices):
    """RULES.md §5 "Definitions": an opinion on a regulation, or one with a proposed solution."""

    FEEDBACK = "feedback", _("Feedback (phản ánh)")
    PROPOSAL = "proposal", _("Proposal (kiến nghị)")


class PetitionChannel(models.TextChoices):
    """RULES.md §5 "Forms (Art. 6)": written (in person, post, data message) or the hotline."""

    WEB = "web", _("Public web form")
    COUNTER = "counter", _("Written, at the counter")
    POST = "post", _("Written, by post")
    PHONE = "phone", _("Telephone (published hotline)")
    EMAIL = "email", _("E-mail")
    API = "api", _("API (another system)")


class ContentCategory(models.TextChoices):
    """RULES.md §5 "Content categories (Art. 5)", in the decree's order."""

    OBSTACLE = "obstacle", _("Obstacles from delay, harassment or improper application by agencies or officials")
    UNFIT = "unfit", _("The regulation does not fit reality")
    INCONSISTENT = "inconsistent", _("Regulations are inconsistent with each other")
    UNLAWFUL = "unlawful", _("The regulation is unlawful")
    TREATY = "treaty", _("The regulation conflicts with treaties")
    OTHER = "other", _("Other issues")
    SOLUTION = "solution", _("A proposed solution")
    INITIATIVE = "initiative", _("An initiative for a new regulation")


class Classification(models.TextChoices):
    """RULES.md §5 "Reception workflow (Art. 9)" step 4."""

    NOT_ACCEPTED = "not_accepted", _("Not accepted (Art. 7 requirements not met)")
    OFFICIAL_CONDUCT = "official_conduct", _("About how officials apply a regulation")
    WITHIN_COMPETENCE = "within", _("Within the receiving agency's competence")
    OUTSIDE_COMPETENCE = "outside", _("Outside its competence")


class ReportClass(models.TextChoices):
    """RULES.md §5 "Classification for reporting" (indicator 5.1)."""

    REGULATION = "regulation", _("Regulation, policy, procedure")
    CONDUCT = "conduct", _("Conduct of officials")


class PetitionStatus(models.TextChoices):
    RECEIVED = "received", _("Received, not yet classified")
    CLASSIFIED = "classified", _("Classified")
    AWAITING_INFO = "awaiting_info", _("Waiting for more information from the petitioner")
    PROCESSING = "processing", _("Being processed")
    ANSWER_DRAFTED = "answer_drafted", _("Answer drafted, waiting for approval")
    AWAITING_PUBLICATION = "awaiting_publication", _("Answer approved, waiting for publication")
    PUBLISHED = "published", _("Answer published")
    FORWARDED = "forwarded", _("Forwarded to the competent agency")
    REFUSED = "refused", _("Not accepted")
    MERGED = "merged", _("Merged into another petition")
    CLOSED = "closed", _("Closed")


class PetitionAction(models.TextChoices):
    RECEIVE = "receive", _("Receive")
    CLASSIFY = "classify", _("Classify")
    REFUSE = "refuse", _("Refuse (not accepted)")
    FORWARD = "forward", _("Forward to the competent agency")
    REQUEST_INFO = "request_info", _("Ask the petitioner for more information")
    SUPPLEMENT = "supplement", _("Record the petitioner's information")
    START = "start", _("Start processing")
    DRAFT_ANSWER = "draft_answer", _("Draft the answer")
    APPROVE = "approve", _("Approve the answer")
    RETURN_FOR_REWORK = "return_for_rework", _("Return the draft for rework")
    PUBLISH = "publish", _("Publish the answer")
    MERGE = "merge", _("Merge into another petition")
    ADD_VOICE = "add_voice", _("Add a voice (+1)")
    JUDGE = "judge", _("The petitioner judges the answer")
    REOPEN = "reopen", _("Reopen (the petitioner is not satisfied)")
    CLOSE = "close", _("Close")


class Verdict(models.TextChoices):
    """The petitioner's view of the answer (indicator 5.3)."""

    SATISFIED = "satisfied", _("Satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")


# Open petitions: a step with a legal deadline is running.
OPEN_STATUSES = frozenset(
    {
        PetitionStatus.RECEIVED,
        PetitionStatus.CLASSIFIED,
        PetitionStatus.AWAITING_INFO,
        PetitionStatus.PROCESSING,
        PetitionStatus.ANSWER_DRAFTED,
        PetitionStatus.AWAITING_PUBLICATION,
    }
)

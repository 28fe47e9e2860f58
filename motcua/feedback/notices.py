"""Messages to the petitioner (docs/feedback.md "Notifications"): when the answer is published,
and when the petition is refused, forwarded or more information is asked for, an SMS to the
phone and an e-mail to the address given, through ``core.notifications`` (sent on commit: a
rolled-back step sends nothing).

Each message is one ``PetitionNotice`` row, unique per event and channel, so the same event
never sends twice; an audit row ``petition.notify`` records the channels (not the text). An
anonymous petition gets none. A message carries the petition's own facts only: its code, its
agency, its answer or reason, and the look-up link, which asks for the last 4 digits of the
phone given (never written in the message).
"""

from __future__ import annotations

from urllib.parse import quote

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.notifications import Channel, messages_language, notify
from motcua.core.urls_public import public_url
from motcua.feedback.answer_templates import summary
from motcua.feedback.choices import PetitionAction
from motcua.feedback.models import Petition, PetitionEvent, PetitionNotice

A = PetitionAction
# The events that tell the petitioner something, and the message kind of each.
NOTIFIED: dict[str, str] = {
    A.PUBLISH: "petition.published",
    A.REFUSE: "petition.refused",
    A.FORWARD: "petition.forwarded",
    A.REQUEST_INFO: "petition.info_requested",
}
SMS_REASON = 200  # characters of a reason in an SMS (the e-mail has it whole)


def lookup_link(petition: Petition) -> str:
    """The public look-up page with the code filled in (the petitioner types the 4 digits)."""
    return public_url(reverse("feedback:lookup") + "?code=" + quote(petition.code, safe=""))


def _wording(petition: Petition, event: PetitionEvent, channel: Channel) -> tuple[str, str]:
    """Subject and body of one message, in the default language (Vietnamese)."""
    facts = {"code": petition.code, "agency": petition.agency.name}
    reason = event.reason if channel == "email" else summary(event.reason, SMS_REASON)
    if petition.check_digits:
        follow = _("Follow it at %(url)s with the code and the last 4 digits of the phone you gave.") % {
            "url": lookup_link(petition)
        }
    else:  # an e-mail address without a phone: the published answers are public
        follow = _("Published answers: %(url)s") % {"url": public_url(reverse("feedback:published"))}
    action = event.action
    if action == A.PUBLISH:
        subject = _("Petition %(code)s: the answer") % facts
        body = _("MotCua: your petition %(code)s has been answered by %(agency)s.") % facts
        if channel == "email":
            body += "\n\n" + _("The answer:") + "\n" + petition.answer
    elif action == A.REFUSE:
        subject = _("Petition %(code)s: not accepted") % facts
        body = _("MotCua: your petition %(code)s was not accepted by %(agency)s. Reason: %(reason)s") % {
            **facts,
            "reason": reason,
        }
    elif action == A.FORWARD:
        subject = _("Petition %(code)s: forwarded") % facts
        body = _(
            "MotCua: your petition %(code)s is outside the competence of %(agency)s and was forwarded to %(to)s. "
            "Reason: %(reason)s"
        ) % {**facts, "to": petition.forwarded_to, "reason": reason}
    else:
        contact = petition.agency.phone or petition.agency.address or petition.agency.name
        subject = _("Petition %(code)s: more information needed") % facts
        body = _(
            "MotCua: %(agency)s asks you for more information about your petition %(code)s: %(reason)s Contact: %(contact)s."
        ) % {
            **facts,
            "reason": reason,
            "contact": contact,
        }
    return subject, body + ("\n\n" if channel == "email" else " ") + follow


def petition_notify(*, petition: Petition, event: PetitionEvent) -> list[str]:
    """Queue the messages of ``event`` to the petitioner, once per channel (call it inside the
    transaction that wrote the event). Returns the channels queued now."""
    kind = NOTIFIED.get(str(event.action))
    if kind is None or petition.anonymous:
        return []
    contacts: list[tuple[Channel, str]] = []
    if petition.petitioner_phone:
        contacts.append(("sms", petition.petitioner_phone))
    if petition.petitioner_email:
        contacts.append(("email", petition.petitioner_email))
    queued: list[str] = []
    for channel, to in contacts:
        try:
            with transaction.atomic():
                PetitionNotice.objects.create(petition=petition, event=event, channel=channel, kind=kind, at=timezone.now())
        except IntegrityError:
            continue  # this event already sent its message on this channel
        with messages_language():
            subject, body = _wording(petition, event, channel)
        notify(channel=channel, to=to, subject=subject, body=body, kind=kind)
        queued.append(channel)
    if queued:
        audit_record(
            action="petition.notify",
            actor_label="system",
            unit_code=petition.unit.code,
            object_type="petition",
            object_id=petition.code,
            data={"event": event.seq, "action": str(event.action), "kind": kind, "channels": queued},
        )
    return queued

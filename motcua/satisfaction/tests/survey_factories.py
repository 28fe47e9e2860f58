"""Test helpers for survey campaigns: returned dossiers made through the intake service (then
moved to "returned" on a given day, a test shortcut), and campaigns made through the services."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.utils import timezone

from motcua.core.choices import AgencyKind, Role
from motcua.dossiers.choices import ApplicantKind, Channel, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantInput, dossier_receive
from motcua.dossiers.tests.factories import commune_agencies, intake, procedure, staff
from motcua.satisfaction.models import SurveyCampaign
from motcua.satisfaction.survey_services import CampaignInput, survey_create, survey_draw, survey_invite

UNIT = "32218"
OTHER_UNIT = "32214"
START, END = dt.date(2026, 10, 1), dt.date(2026, 10, 31)


def manager_of(code: str = UNIT, username: str = "leader") -> User:
    commune_agencies(code)
    return staff(username, Role.LEADER, code=code, kind=AgencyKind.PEOPLES_COMMITTEE)


def returned(
    officer: User,
    *,
    id_number: str,
    procedure_code: str = "1.001193",
    channel: Channel = Channel.IN_PERSON,
    on: dt.date = dt.date(2026, 10, 15),
    phone: str = "0912345678",
    email: str = "",
) -> Dossier:
    """A dossier received by ``officer`` and shown as returned on ``on`` (a test shortcut)."""
    procedure(procedure_code)
    applicant = ApplicantInput(kind=ApplicantKind.PERSON, name="Nguyễn Văn An", id_number=id_number, phone=phone, email=email)
    dossier = dossier_receive(actor=officer, intake=intake(applicant=applicant, procedure_code=procedure_code)).dossier
    at = timezone.make_aware(dt.datetime.combine(on, dt.time(10)))
    Dossier.objects.unrestricted("test set-up").filter(pk=dossier.pk).update(
        status=DossierStatus.RETURNED, returned_at=at, channel=channel
    )
    return dossier


def population(officer: User, counts: dict[tuple[str, Channel], int], *, start: int = 0) -> list[Dossier]:
    """``n`` returned dossiers of distinct applicants per (procedure, channel)."""
    out = []
    i = start
    for (code, channel), n in counts.items():
        for _ in range(n):
            i += 1
            out.append(returned(officer, id_number=f"0960850{i:05d}", procedure_code=code, channel=channel))
    return out


def campaign(actor: User, *, size: int = 4, seed: int = 7, draw: bool = False, invite: bool = False) -> SurveyCampaign:
    made = survey_create(
        actor=actor,
        data=CampaignInput(title="Khảo sát quý IV/2026", period_start=START, period_end=END, sample_size=size, seed=seed),
    )
    if draw or invite:
        survey_draw(actor=actor, campaign_id=made.pk)
    if invite:
        survey_invite(actor=actor, campaign_id=made.pk)
    made.refresh_from_db()
    return made


def officer_of(code: str = UNIT, username: str = "officer") -> User:
    procedure()
    commune_agencies(code)
    return staff(username, Role.RECEPTION_OFFICER, code=code)

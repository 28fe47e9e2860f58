"""Test helpers for ratings: closed dossiers made through the dossier services, and ratings."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User

from motcua.core.choices import AgencyKind, Role
from motcua.dossiers.choices import DossierAction, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.ratings import rating_token
from motcua.dossiers.services import ActionInput, dossier_act, dossier_receive
from motcua.dossiers.tests.factories import commune_agencies, intake, procedure, staff
from motcua.satisfaction.choices import Level, RatingChannel
from motcua.satisfaction.models import Rating
from motcua.satisfaction.services import rating_submit

UNIT = "32218"
OTHER_UNIT = "32214"


def officer_of(code: str = UNIT, username: str = "officer") -> User:
    procedure()
    commune_agencies(code)
    return staff(username, Role.RECEPTION_OFFICER, code=code)


def leader_of(code: str = UNIT, username: str = "leader") -> User:
    commune_agencies(code)
    return staff(username, Role.LEADER, code=code, kind=AgencyKind.PEOPLES_COMMITTEE)


def open_dossier(officer: User, *, key: str = "", received_at: dt.datetime | None = None) -> Dossier:
    return dossier_receive(actor=officer, intake=intake(idempotency_key=key), now=received_at).dossier


def closed_dossier(officer: User, status: DossierStatus, *, key: str = "", received_at: dt.datetime | None = None) -> Dossier:
    """A dossier closed as ``status``: refused (an online submission refused at the check, since a
    received dossier is never refused, RULES.md §1.4 row 2; ``received_at`` is then its submission
    time), or received by ``officer`` and stopped or returned."""
    at = received_at + dt.timedelta(hours=1) if received_at else None
    if status == DossierStatus.REFUSED:
        submitted = dossier_receive(actor=officer, intake=intake(idempotency_key=key), online=True, now=received_at).dossier
        refusal = ActionInput(reason="Không thuộc thẩm quyền")
        return dossier_act(actor=officer, code=submitted.code, action=DossierAction.REFUSE, data=refusal, now=at)
    dossier = open_dossier(officer, key=key, received_at=received_at)
    if status == DossierStatus.STOPPED:
        return dossier_act(
            actor=officer, code=dossier.code, action=DossierAction.STOP, data=ActionInput(reason="Người nộp xin rút"), now=at
        )
    assert status == DossierStatus.RETURNED
    leader = staff("decider", Role.LEADER, code=dossier.receiving_unit.code, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier_act(actor=officer, code=dossier.code, action=DossierAction.TRANSFER, now=at)
    dossier_act(actor=leader, code=dossier.code, action=DossierAction.PROPOSE, now=at)
    dossier_act(actor=leader, code=dossier.code, action=DossierAction.APPROVE, data=ActionInput(result_summary="Đã cấp"), now=at)
    dossier_act(actor=officer, code=dossier.code, action=DossierAction.MARK_READY, now=at)
    return dossier_act(actor=officer, code=dossier.code, action=DossierAction.RETURN_RESULT, now=at)


def rate(dossier: Dossier, overall: Level, *, on: dt.date | None = None, comment: str = "") -> Rating:
    """Rate through the service; ``on`` back-dates the rating day (it is set on creation)."""
    rating = rating_submit(token=rating_token(dossier), overall=overall, answers={}, channel=RatingChannel.QR, comment=comment)
    if on is not None:
        Rating.objects.filter(pk=rating.pk).update(created_at=on)
        rating.refresh_from_db()
    return rating


def bare_ratings(unit_code: str, levels: list[Level], *, on: dt.date) -> list[Rating]:
    """Ratings without a dossier (as before the link existed), for aggregate counts."""
    ratings = []
    for level in levels:
        rating = Rating.objects.create(
            dossier_key=f"test-{unit_code}-{Rating.objects.count()}",
            unit_code=unit_code,
            procedure_code="1.001193",
            month=on.replace(day=1),
            overall=level,
            channel=RatingChannel.KIOSK,
        )
        Rating.objects.filter(pk=rating.pk).update(created_at=on)
        ratings.append(rating)
    return ratings

"""Hand-built dossiers for the index's golden tests, made through the real services (RULES.md
§1.6 cases: early, on time, late, supplement subtracted, pending supplement, two requests,
refused or stopped while pending, stopped). Commune Phú Tân (32218), procedure 9.766001
(invented code, 5 working days). Times are in Việt Nam."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from motcua.catalog.choices import OnlineLevel
from motcua.catalog.models import Procedure
from motcua.core.choices import AgencyKind, Role
from motcua.dossiers.choices import DossierAction
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ActionInput, DocumentInput, dossier_act, dossier_receive
from motcua.dossiers.tests.factories import PDF, commune_agencies, intake, procedure, staff

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "9.766001"
COMMUNE = "32218"


def at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=VN)


def setup_commune(code: str = COMMUNE, *, online_level: str = OnlineLevel.FULL) -> tuple[User, User]:
    """The procedure, the commune's agencies, a reception officer and a leader."""
    proc = procedure(CODE, days=5, name="Thủ tục thử nghiệm chỉ số 766")
    Procedure.objects.filter(pk=proc.pk).update(online_level=online_level, level_commune=True)
    commune_agencies(code)
    officer = staff(f"officer{code}", Role.RECEPTION_OFFICER, code=code)
    leader = staff(f"leader{code}", Role.LEADER, code=code, kind=AgencyKind.PEOPLES_COMMITTEE)
    return officer, leader


def receive(officer: User, when: dt.datetime, **overrides: Any) -> Dossier:
    """Received at ``when``: 5 working days, e.g. Mon 02/03/2026 10:00 → due Mon 09/03 17:00."""
    return dossier_receive(actor=officer, intake=intake(procedure_code=CODE, **overrides), now=when).dossier


def decide(officer: User, leader: User, dossier: Dossier, when: dt.datetime) -> Dossier:
    """Transferred, proposed and approved at ``when`` (the decision ends processing)."""
    agency = commune_agencies(dossier.receiving_unit.code)[AgencyKind.PEOPLES_COMMITTEE]
    code = dossier.code
    dossier_act(actor=officer, code=code, action=DossierAction.TRANSFER, data=ActionInput(agency_id=agency.pk), now=when)
    dossier_act(actor=leader, code=code, action=DossierAction.PROPOSE, now=when)
    result = ActionInput(result_summary="Đã cấp", documents=[DocumentInput(name="Kết quả", content=PDF, filename="kq.pdf")])
    return dossier_act(actor=leader, code=code, action=DossierAction.APPROVE, data=result, now=when)


def request_supplement(actor: User, dossier: Dossier, when: dt.datetime, **extra: Any) -> Dossier:
    data = ActionInput(items=["Bản sao giấy chứng nhận kết hôn"], reason="Thiếu giấy tờ", **extra)
    return dossier_act(actor=actor, code=dossier.code, action=DossierAction.REQUEST_SUPPLEMENT, data=data, now=when)


def supplement(actor: User, dossier: Dossier, when: dt.datetime) -> Dossier:
    data = ActionInput(documents=[DocumentInput(name="Giấy chứng nhận kết hôn", content=PDF)])
    return dossier_act(actor=actor, code=dossier.code, action=DossierAction.SUPPLEMENT, data=data, now=when)


def stop(actor: User, dossier: Dossier, when: dt.datetime) -> Dossier:
    data = ActionInput(reason="Người nộp xin dừng")
    return dossier_act(actor=actor, code=dossier.code, action=DossierAction.STOP, data=data, now=when)


def intake_reusing(document: DocumentInput) -> dict[str, Any]:
    """Intake overrides whose only document is reused from an earlier dossier (identity's mark)."""
    return {"documents": [document]}

"""Demo data for surveys (RULES.md §3.1): one campaign of a demo commune with its sample drawn,
invitations sent and about two answers in three, some through the link, some keyed in from
paper. Everything goes through the services (no rule re-implemented here)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from motcua.core.choices import Role
from motcua.core.exceptions import DomainError
from motcua.core.models import StaffRole
from motcua.satisfaction.choices import AnswerType
from motcua.satisfaction.exceptions import SatisfactionErrorCode
from motcua.satisfaction.models import SurveyCampaign
from motcua.satisfaction.survey_services import (
    CampaignInput,
    survey_answer_record,
    survey_answer_submit,
    survey_create,
    survey_draw,
    survey_invite,
    survey_token,
)

DEMO_TITLE = "Khảo sát sự hài lòng quý gần nhất (dữ liệu demo)"
COMMENTS = ["Cần thêm ghế ở khu vực chờ.", "Cán bộ hướng dẫn nhiệt tình.", "Nên nhắn tin khi có kết quả.", ""]


@dataclass(frozen=True)
class SurveySeedReport:
    campaign_id: int
    created: bool
    members: int
    web: int
    paper: int


def _staff_with(unit_code: str, role: Role) -> User:
    row = (
        StaffRole.objects.filter(role=role, profile__agency__unit__code=unit_code, profile__user__is_active=True)
        .select_related("profile__user")
        .order_by("profile__user_id")
        .first()
    )
    if row is None:
        raise DomainError(
            SatisfactionErrorCode.SURVEY_INVALID, f"no active {role.value} in unit {unit_code} (run motcua demo first)"
        )
    return row.profile.user


def survey_demo_seed(
    *, unit_code: str = "32218", size: int = 60, days: int = 90, rng_seed: int = 42, today: date | None = None
) -> SurveySeedReport:
    """The demo campaign of ``unit_code`` about the dossiers returned in the ``days`` before
    ``today`` (once: a second call returns the existing one)."""
    existing = SurveyCampaign.objects.unrestricted("the seeder").filter(unit__code=unit_code, title=DEMO_TITLE).first()
    if existing is not None:
        return SurveySeedReport(existing.pk, False, existing.members.count(), 0, 0)
    leader = _staff_with(unit_code, Role.LEADER)
    officer = _staff_with(unit_code, Role.RECEPTION_OFFICER)
    today = today or timezone.localdate()
    made = survey_create(
        actor=leader,
        data=CampaignInput(
            title=DEMO_TITLE,
            period_start=today - timedelta(days=days),
            period_end=today - timedelta(days=1),
            sample_size=size,
            seed=rng_seed,
            unit_code=unit_code,
        ),
    )
    survey_draw(actor=leader, campaign_id=made.pk)
    survey_invite(actor=leader, campaign_id=made.pk)
    rng = random.Random(rng_seed)  # noqa: S311  demo answers, not a secret
    questions = list(made.questionnaire.questions.all())
    web = paper = 0
    for member in made.members.order_by("number"):
        roll = rng.random()
        if roll > 0.67:
            continue  # no answer
        answers: dict[str, int | str] = {}
        mood = rng.choice([3, 4, 4, 4, 5, 5])
        for q in questions:
            if q.answer_type == AnswerType.SCALE:
                if q.required or rng.random() < 0.3:
                    answers[q.code] = max(1, min(5, mood + rng.choice([-2, -1, 0, 0, 0, 1])))
            elif q.answer_type == AnswerType.CHOICE:
                answers[q.code] = rng.choice(q.options)
            elif rng.random() < 0.3:
                answers[q.code] = rng.choice(COMMENTS)
        if member.invited_at is not None and roll < 0.45:
            survey_answer_submit(token=survey_token(member), answers=answers)
            web += 1
        else:
            survey_answer_record(actor=officer, campaign_id=made.pk, member_number=member.number, answers=answers)
            paper += 1
    return SurveySeedReport(made.pk, True, made.members.count(), web, paper)

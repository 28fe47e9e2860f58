"""Realistic synthetic petitions for the demo and load tests (``motcua seed_petitions``).

The texts are written here: typical petitions a commune's one-stop centre receives (late results,
fees, behaviour at the counter, unclear procedures, proposals), with names and phones that are
invented. Every petition goes through the services, so its events, deadlines and audit rows are
those of a real one; the steps are dated in the past on the working-day clock.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.core.calendar import WorkingCalendar, calendar_for
from motcua.core.choices import Role
from motcua.core.models import AdministrativeUnit, StaffRole
from motcua.feedback.choices import (
    Classification,
    ContentCategory,
    PetitionAction,
    PetitionChannel,
    PetitionKind,
    ReportClass,
    Verdict,
)
from motcua.feedback.services import ActInput, PetitionInput, petition_act, petition_judge, petition_submit

A = PetitionAction


@dataclass(frozen=True)
class Case:
    title: str
    content: str
    category: ContentCategory
    report_class: ReportClass
    classification: Classification
    kind: PetitionKind = PetitionKind.FEEDBACK
    procedure_code: str = ""
    answer: str = ""


CASES = (
    Case(
        "Chậm trả kết quả đăng ký khai sinh",
        "Tôi nộp hồ sơ đăng ký khai sinh cho con tại bộ phận một cửa xã, giấy hẹn ghi trả kết quả sau 1 ngày "
        "nhưng đã quá hẹn {days} ngày vẫn chưa nhận được, cũng không có phiếu xin lỗi hẹn lại.",
        ContentCategory.OBSTACLE,
        ReportClass.CONDUCT,
        Classification.OFFICIAL_CONDUCT,
        procedure_code="1.001193",
        answer="UBND xã đã kiểm tra: hồ sơ trễ hạn do công chức hộ tịch nghỉ ốm không bàn giao. Xã xin lỗi ông/bà, "
        "kết quả đã được trả; công chức liên quan đã được nhắc nhở và xã đã phân công người thay thế khi vắng.",
    ),
    Case(
        "Thu thêm tiền photo giấy tờ tại bộ phận một cửa",
        "Khi làm thủ tục chứng thực, cán bộ yêu cầu tôi nộp thêm {amount} đồng tiền photo và không có biên lai.",
        ContentCategory.OBSTACLE,
        ReportClass.CONDUCT,
        Classification.OFFICIAL_CONDUCT,
        answer="Qua xác minh, việc thu tiền photo không có biên lai là sai quy định. "
        "Xã đã hoàn trả số tiền và kiểm điểm công chức.",
    ),
    Case(
        "Yêu cầu nộp thêm giấy tờ không có trong danh mục",
        "Cán bộ tiếp nhận yêu cầu tôi nộp thêm giấy xác nhận tình trạng hôn nhân dù thủ tục đã niêm yết không yêu cầu giấy này.",
        ContentCategory.OBSTACLE,
        ReportClass.REGULATION,
        Classification.WITHIN_COMPETENCE,
        answer="Thành phần hồ sơ theo danh mục đã công bố không có giấy này; xã đã chấn chỉnh bộ phận tiếp nhận.",
    ),
    Case(
        "Thời gian cấp bản sao trích lục hộ tịch quá dài",
        "Quy định cho phép trả kết quả trong ngày nhưng thực tế xã luôn hẹn sau {days} ngày, gây mất thời gian đi lại "
        "cho người dân ở các ấp xa như ấp {place}.",
        ContentCategory.UNFIT,
        ReportClass.REGULATION,
        Classification.WITHIN_COMPETENCE,
        answer="Xã đã bố trí thêm một công chức tiếp nhận vào buổi sáng; bản sao được trả trong ngày nếu nộp trước 15 giờ.",
    ),
    Case(
        "Đề nghị cho nộp hồ sơ trực tuyến thủ tục chứng thực",
        "Đề nghị xã hướng dẫn và cho phép nộp hồ sơ chứng thực bản sao trực tuyến, nhận kết quả qua bưu điện, vì người "
        "đi biển như tôi ít khi có mặt ở nhà trong giờ hành chính.",
        ContentCategory.SOLUTION,
        ReportClass.REGULATION,
        Classification.WITHIN_COMPETENCE,
        kind=PetitionKind.PROPOSAL,
        answer="Xã tiếp thu; từ tháng tới hồ sơ được nhận qua Cổng dịch vụ công và trả kết quả qua bưu chính công ích.",
    ),
    Case(
        "Hướng dẫn thủ tục cấp giấy phép khai thác thủy sản chưa rõ",
        "Tôi hỏi ba lần về thủ tục cấp lại giấy phép khai thác thủy sản cho tàu cá nhưng mỗi cán bộ hướng dẫn một kiểu.",
        ContentCategory.INCONSISTENT,
        ReportClass.REGULATION,
        Classification.OUTSIDE_COMPETENCE,
    ),
    Case(
        "Mức phí đăng ký hộ kinh doanh không thống nhất",
        "Ở xã tôi thu lệ phí đăng ký hộ kinh doanh khác với mức niêm yết trên Cổng dịch vụ công quốc gia.",
        ContentCategory.INCONSISTENT,
        ReportClass.REGULATION,
        Classification.OUTSIDE_COMPETENCE,
    ),
    Case(
        "Cán bộ tiếp dân không đeo thẻ, thái độ chưa đúng mực",
        "Sáng ngày {date} tôi đến làm thủ tục, cán bộ tại quầy số 2 không đeo thẻ công chức và trả lời thiếu tôn trọng.",
        ContentCategory.OBSTACLE,
        ReportClass.CONDUCT,
        Classification.OFFICIAL_CONDUCT,
        answer="Xã đã xác minh và kiểm điểm công chức; toàn bộ công chức bộ phận một cửa đã được nhắc đeo thẻ khi làm việc.",
    ),
    Case(
        "Đề nghị niêm yết thủ tục bằng chữ lớn",
        "Bảng niêm yết thủ tục tại bộ phận một cửa chữ quá nhỏ, người lớn tuổi không đọc được; đề nghị in chữ lớn hơn.",
        ContentCategory.OTHER,
        ReportClass.REGULATION,
        Classification.WITHIN_COMPETENCE,
        kind=PetitionKind.PROPOSAL,
        answer="Xã tiếp thu và đã in lại bảng niêm yết khổ A3, chữ lớn, kèm mã QR tra cứu thủ tục.",
    ),
    Case(
        "Giấy hẹn ghi sai ngày trả kết quả",
        "Giấy tiếp nhận hồ sơ của tôi ghi ngày hẹn trả vào Chủ nhật, khi đến xã thì không có ai làm việc.",
        ContentCategory.OBSTACLE,
        ReportClass.CONDUCT,
        Classification.OFFICIAL_CONDUCT,
        answer="Xã xin lỗi ông/bà; phần mềm đã được cập nhật lịch làm việc, ngày hẹn không còn rơi vào ngày nghỉ.",
    ),
    Case(
        "Đề nghị bỏ yêu cầu bản sao có chứng thực",
        "Thủ tục đăng ký thường trú vẫn yêu cầu bản sao có chứng thực trong khi dữ liệu đã có trên Cơ sở dữ liệu quốc gia "
        "về dân cư; đề nghị bỏ yêu cầu này.",
        ContentCategory.INITIATIVE,
        ReportClass.REGULATION,
        Classification.OUTSIDE_COMPETENCE,
        kind=PetitionKind.PROPOSAL,
    ),
    Case(
        "Không được hướng dẫn bổ sung hồ sơ một lần",
        "Hồ sơ của tôi bị yêu cầu bổ sung {times} lần, mỗi lần một giấy tờ khác, trái với quy định hướng dẫn một lần.",
        ContentCategory.OBSTACLE,
        ReportClass.CONDUCT,
        Classification.OFFICIAL_CONDUCT,
        answer="Việc yêu cầu bổ sung nhiều lần là sai quy định; xã xin lỗi ông/bà và đã giải quyết hồ sơ ngay.",
    ),
)
GIVEN = ("Văn An", "Thị Hoa", "Minh Tuấn", "Thị Lan", "Văn Nam", "Thị Thu", "Quốc Bảo", "Thị Mai", "Văn Hùng", "Thị Yến")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Dương", "Lý")
PLACES = ("Cái Đôi", "Tân Lợi", "Tân Hưng", "Bà Hính", "Cái Bát", "Vàm Đình")
# How far each petition goes (target weights over the whole set).
FATES = (
    ("received", 10), ("classified", 8), ("awaiting_info", 5), ("processing", 12), ("answer_drafted", 8),
    ("awaiting_publication", 5), ("published", 27), ("judged", 10), ("forwarded", 7), ("refused", 4), ("closed", 4),
)  # fmt: skip


@dataclass(frozen=True)
class SeedReport:
    count: int
    by_status: dict[str, int]


def _staff(unit: AdministrativeUnit, role: Role) -> User:
    row = StaffRole.objects.filter(role=role, profile__agency__unit=unit).select_related("profile__user").order_by("id").first()
    if row is None:
        raise LookupError(f"no {role} in unit {unit.code}: run `motcua demo` or `motcua seed --create-agencies` first")
    return row.profile.user


def petitions_seed(*, count: int, unit_codes: list[str], months: int = 6, rng_seed: int = 42) -> SeedReport:
    rng = random.Random(rng_seed)  # noqa: S311  synthetic data, reproducible by seed
    now = timezone.now()
    tz = timezone.get_current_timezone()
    units = [AdministrativeUnit.objects.get(code=code, valid_to__isnull=True) for code in unit_codes]
    people = {u.pk: (_staff(u, Role.RECEPTION_OFFICER), _staff(u, Role.LEADER)) for u in units}
    fates = [name for name, weight in FATES for _ in range(weight)]
    known_procedures = set(Procedure.objects.filter(code__in=[c.procedure_code for c in CASES]).values_list("code", flat=True))
    statuses: Counter[str] = Counter()
    for _index in range(count):
        unit = rng.choice(units)
        officer, leader = people[unit.pk]
        calendar = calendar_for(unit)
        case = rng.choice(CASES)
        day = (now - timedelta(days=rng.randint(0, months * 30))).astimezone(tz).date()
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
        at = min(datetime.combine(day, time(rng.randint(7, 16), rng.randint(0, 59)), tzinfo=tz), now - timedelta(hours=1))
        fate = rng.choice(fates)
        phone = f"09{rng.randint(10_000_000, 99_999_999)}"
        content = case.content.format(
            days=rng.randint(2, 9), amount=rng.choice((20_000, 50_000, 100_000)), place=rng.choice(PLACES),
            date=day.strftime("%d/%m/%Y"), times=rng.randint(2, 4),
        )  # fmt: skip
        anonymous = fate == "refused" and rng.random() < 0.5
        data = PetitionInput(
            title=case.title,
            content=content,
            channel=rng.choice((PetitionChannel.WEB, PetitionChannel.WEB, PetitionChannel.COUNTER, PetitionChannel.PHONE)),
            kind=case.kind,
            petitioner_name="" if anonymous else f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
            petitioner_address="" if anonymous else f"Ấp {rng.choice(PLACES)}, {unit.name}",
            petitioner_phone="" if anonymous else phone,
            unit_code=unit.code,
            procedure_code=case.procedure_code if case.procedure_code in known_procedures else "",
        )
        actor = None if data.channel == PetitionChannel.WEB else officer
        if anonymous:
            data = PetitionInput(**{**data.__dict__, "channel": PetitionChannel.PHONE})
            actor = officer
        petition = petition_submit(actor=actor, data=data, at=at).petition
        code = petition.code

        def later(start: datetime, low: int = 0, high: int = 3, calendar: WorkingCalendar = calendar) -> datetime | None:
            moment = calendar.add_working_days(start, rng.randint(low, high)) - timedelta(minutes=rng.randint(30, 300))
            moment = max(moment, start + timedelta(minutes=5))
            return moment if moment < now else None

        steps: list[tuple[A, User, ActInput]] = []
        if fate == "refused":
            steps = [(A.REFUSE, officer, ActInput(reason="Không đủ thông tin người gửi theo Điều 7 Nghị định 20/2008."))]
        elif fate != "received":
            classify = ActInput(
                classification=case.classification, category=case.category, report_class=case.report_class, kind=case.kind
            )
            steps = [] if anonymous else [(A.CLASSIFY, officer, classify)]
            if case.classification == Classification.OUTSIDE_COMPETENCE and fate not in ("classified",):
                steps.append(
                    (
                        A.FORWARD,
                        officer,
                        ActInput(
                            reason="Không thuộc thẩm quyền của xã.", forwarded_to="Sở Nông nghiệp và Môi trường tỉnh Cà Mau"
                        ),
                    )
                )
                if fate == "closed":
                    steps.append((A.CLOSE, officer, ActInput()))
            elif fate != "classified":
                if fate == "awaiting_info":
                    steps.append((A.REQUEST_INFO, officer, ActInput(reason="Đề nghị cung cấp số giấy tiếp nhận hồ sơ.")))
                else:
                    steps.append((A.START, officer, ActInput()))
                    if fate != "processing":
                        steps.append((A.DRAFT_ANSWER, officer, ActInput(answer=case.answer or "Xã đã tiếp thu và giải quyết.")))
                    if fate not in ("processing", "answer_drafted"):
                        steps.append((A.APPROVE, leader, ActInput()))
                    if fate in ("published", "judged", "closed", "forwarded"):
                        steps.append((A.PUBLISH, officer, ActInput()))
                    if fate == "closed":
                        steps.append((A.CLOSE, officer, ActInput()))
        moment: datetime | None = at
        for action, who, act_input in steps:
            # A slow step now and then: about one in six answers misses its deadline.
            slow = action in (A.APPROVE, A.DRAFT_ANSWER) and rng.random() < 0.17
            moment = later(moment, 3, 9) if slow else later(moment)  # type: ignore[arg-type]
            if moment is None:
                break
            petition = petition_act(actor=who, code=code, action=action, data=act_input, at=moment)
        if fate == "judged" and petition.status == "published" and moment is not None:
            verdict = Verdict.SATISFIED if rng.random() < 0.8 else Verdict.NOT_SATISFIED
            when = later(moment, 0, 2)
            if when is not None:
                petition = petition_judge(code=code, check=phone, verdict=verdict, at=when)
        statuses[str(petition.status)] += 1
    return SeedReport(count=count, by_status=dict(statuses))

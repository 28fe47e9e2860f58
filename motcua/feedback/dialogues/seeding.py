"""A realistic dialogue for the demo (``motcua seed_dialogues``): a commune's yearly dialogue
with the people (RULES.md §1.9), planned, taking questions on the website, held, answered, its
minutes published by the leader, and its commitments in every state (done with evidence,
dropped with a reason, open and overdue, open and due soon, open). Everything goes through the
services, dated in the past, so its events and audit rows are those of a real one. Names and
phones are invented.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from motcua.core.calendar import calendar_for
from motcua.core.choices import AgencyKind, Role
from motcua.core.models import AdministrativeUnit, Agency, StaffRole
from motcua.feedback.dialogues.choices import Audience, CommitmentAction, DialogueAction
from motcua.feedback.dialogues.services import (
    CommitmentActInput,
    CommitmentInput,
    DialogueInput,
    QuestionInput,
    commitment_act,
    commitment_create,
    dialogue_act,
    dialogue_plan,
    question_answer,
    question_submit,
)

A = DialogueAction
C = CommitmentAction


@dataclass(frozen=True)
class Asked:
    text: str
    name: str
    address: str
    phone: str
    answer: str
    by: str  # who answered
    commitment: str = ""
    fate: str = ""  # done, dropped, overdue, due_soon, open


QUESTIONS_BEFORE = (
    Asked(
        "Đoạn đường từ ấp Cái Đôi ra trung tâm xã bị sạt lở, xe học sinh đi rất nguy hiểm. Khi nào xã sửa?",
        "Nguyễn Văn Hậu",
        "Ấp Cái Đôi",
        "0912 345 601",
        "Xã đã khảo sát đoạn sạt lở dài 120 m, đưa vào kế hoạch đầu tư công năm tới; trước mắt xã gia cố tạm bằng cừ tràm.",
        "Ông Trần Văn Bình, Chủ tịch UBND xã",
        "Gia cố tạm đoạn sạt lở 120 m tuyến ấp Cái Đôi bằng cừ tràm và đặt biển cảnh báo.",
        "done",
    ),
    Asked(
        "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất của tôi nộp đã lâu mà chưa có kết quả, không ai báo lý do.",
        "Lê Thị Mai",
        "Ấp Tân Thành",
        "0913 222 417",
        "Hồ sơ đang chờ kết quả đo đạc của Chi nhánh Văn phòng đăng ký đất đai; xã sẽ đôn đốc và báo bà bằng điện thoại.",
        "Bà Phạm Thị Lan, Phó Chủ tịch UBND xã",
        "Làm việc với Chi nhánh Văn phòng đăng ký đất đai về các hồ sơ đất đai quá hạn và thông báo cho từng người dân.",
        "overdue",
    ),
    Asked(
        "Đề nghị xã có hướng dẫn nộp hồ sơ trực tuyến cho người lớn tuổi, nhiều người chưa biết dùng VNeID.",
        "Võ Minh Tâm",
        "Hợp tác xã nuôi tôm Phú Tân",
        "0919 876 105",
        "Trung tâm Phục vụ hành chính công xã sẽ bố trí đoàn viên thanh niên hỗ trợ tại quầy "
        "và tổ chức buổi hướng dẫn ở từng ấp.",
        "Ông Lâm Quốc Việt, Giám đốc Trung tâm Phục vụ hành chính công xã",
        "Tổ chức buổi hướng dẫn dịch vụ công trực tuyến và VNeID tại từng ấp.",
        "due_soon",
    ),
)
QUESTIONS_AT_MEETING = (
    Asked(
        "Đèn đường khu chợ tắt nhiều tháng, buổi tối rất tối. Xin xã cho sửa.",
        "Đặng Văn Lực",
        "Ấp Mới",
        "0945 310 772",
        "Xã giao Công an xã phối hợp với ban quản lý chợ kiểm tra, sửa hệ thống đèn.",
        "Ông Trần Văn Bình, Chủ tịch UBND xã",
        "Sửa hệ thống đèn đường khu chợ xã.",
        "overdue",
    ),
    Asked(
        "Xin xã làm thêm một điểm thu gom rác ở đầu kênh.",
        "",
        "",
        "",
        "Vị trí đầu kênh thuộc hành lang bảo vệ công trình thủy lợi, không đặt được điểm tập kết; xã bố trí xe thu gom theo giờ.",
        "Bà Phạm Thị Lan, Phó Chủ tịch UBND xã",
        "Đặt điểm thu gom rác ở đầu kênh ấp Mới.",
        "dropped",
    ),
    Asked(
        "Phí chứng thực ở xã thu có đúng quy định không? Tôi thấy mỗi nơi thu khác nhau.",
        "Huỳnh Thị Thu",
        "Ấp Tân Thành",
        "0977 503 281",
        "Mức thu theo Thông tư của Bộ Tài chính, niêm yết tại quầy; xã sẽ niêm yết lại rõ hơn và đăng trên trang của xã.",
        "Ông Lâm Quốc Việt, Giám đốc Trung tâm Phục vụ hành chính công xã",
        "Niêm yết lại bảng phí, lệ phí tại quầy và trên trang thông tin của xã.",
        "open",
    ),
)
MINUTES = (
    "Hội nghị đối thoại giữa Chủ tịch UBND xã với Nhân dân năm {year}, phối hợp với Ủy ban MTTQ Việt Nam xã, "
    "có {n} câu hỏi ({before} gửi trước qua trang thông tin, {at} tại hội nghị). Các ý kiến tập trung vào giao thông nông thôn, "
    "thủ tục đất đai, dịch vụ công trực tuyến, chiếu sáng và vệ sinh môi trường. Chủ tịch UBND xã và các cơ quan đã trả lời "
    "trực tiếp; các việc xã cam kết thực hiện được ghi bên dưới, có người chịu trách nhiệm và thời hạn, và được cập nhật tiến độ "
    "công khai trên trang này."
)


@dataclass(frozen=True)
class SeedReport:
    dialogues: list[str]
    commitments: dict[str, int]


def _staff(unit: AdministrativeUnit, role: Role) -> User | None:
    row = StaffRole.objects.filter(role=role, profile__agency__unit=unit).select_related("profile__user").order_by("id").first()
    return row.profile.user if row is not None else None


def _agency(unit: AdministrativeUnit, *kinds: AgencyKind) -> Agency:
    agencies = list(Agency.objects.unrestricted("the seeder picks an owner agency").filter(unit=unit).order_by("id"))
    for kind in kinds:
        for agency in agencies:
            if agency.kind == kind:
                return agency
    if not agencies:
        raise LookupError(f"unit {unit.code} has no agency: run `motcua demo` first")
    return agencies[0]


def _working_morning(unit: AdministrativeUnit, day: datetime) -> datetime:
    calendar = calendar_for(unit)
    local = timezone.localtime(day).date()
    while not calendar.is_working_day(local):
        local -= timedelta(days=1)
    return datetime.combine(local, time(8, 0), tzinfo=timezone.get_current_timezone())


def dialogue_seed_one(*, unit: AdministrativeUnit, days_ago: int, now: datetime | None = None) -> tuple[str, Counter[str]]:
    """One held dialogue with published minutes, ``days_ago`` days before ``now``."""
    now = now or timezone.now()
    officer, leader = _staff(unit, Role.RECEPTION_OFFICER), _staff(unit, Role.LEADER)
    if officer is None or leader is None:
        raise LookupError(f"no reception officer or leader in unit {unit.code}: run `motcua demo` first")
    reporter = _staff(unit, Role.SPECIALIST) or officer
    held = _working_morning(unit, now - timedelta(days=days_ago))
    planned_at = held - timedelta(days=21)
    year = timezone.localtime(held).year
    dialogue = dialogue_plan(
        actor=officer,
        at=planned_at,
        data=DialogueInput(
            title=f"Hội nghị đối thoại giữa Chủ tịch UBND xã với Nhân dân năm {year}",
            topic="Giải quyết thủ tục hành chính tại Trung tâm Phục vụ hành chính công xã; giao thông nông thôn; "
            "đất đai; vệ sinh môi trường; những kiến nghị của người dân và doanh nghiệp.",
            starts_at=held,
            place=f"Hội trường UBND {unit.name}",
            chair="Ông Trần Văn Bình, Chủ tịch UBND xã",
            audience=Audience.BOTH,
            co_organiser="Ủy ban Mặt trận Tổ quốc Việt Nam xã",
            participants="Trưởng các ấp; Công an xã; Trung tâm Phục vụ hành chính công xã; "
            "Chi nhánh Văn phòng đăng ký đất đai; đại diện hợp tác xã và hộ kinh doanh.",
        ),
    )
    code = dialogue.code
    dialogue_act(actor=officer, code=code, action=A.OPEN_QUESTIONS, at=planned_at + timedelta(hours=2))
    pairs: list[tuple[int, Asked]] = []
    for index, asked in enumerate(QUESTIONS_BEFORE):
        result = question_submit(
            actor=None,
            code=code,
            at=planned_at + timedelta(days=3 + 4 * index, hours=index),
            data=QuestionInput(text=asked.text, asker_name=asked.name, asker_address=asked.address, asker_phone=asked.phone),
        )
        pairs.append((result.question.seq, asked))
    dialogue_act(actor=officer, code=code, action=A.HOLD, at=held + timedelta(minutes=5))
    for index, asked in enumerate(QUESTIONS_AT_MEETING):
        result = question_submit(
            actor=officer,
            code=code,
            at=held + timedelta(minutes=40 + 15 * index),
            data=QuestionInput(text=asked.text, asker_name=asked.name, asker_address=asked.address, asker_phone=asked.phone),
        )
        pairs.append((result.question.seq, asked))
    after = held + timedelta(hours=3)
    for seq, asked in pairs:
        question_answer(actor=officer, code=code, seq=seq, answer=asked.answer, answered_by=asked.by, at=after)
    local_held = timezone.localtime(held).date()
    local_now = timezone.localtime(now).date()
    due = {
        "done": local_held + timedelta(days=20),
        "dropped": local_held + timedelta(days=30),
        "overdue": max(local_held + timedelta(days=1), local_now - timedelta(days=max(1, days_ago // 3))),
        "due_soon": local_now + timedelta(days=5),
        "open": local_now + timedelta(days=60),
    }
    committee = _agency(unit, AgencyKind.PEOPLES_COMMITTEE)
    centre = _agency(unit, AgencyKind.SERVICE_CENTRE, AgencyKind.PEOPLES_COMMITTEE)
    fates: Counter[str] = Counter()
    made_at = after + timedelta(hours=1)
    made: list[tuple[int, Asked]] = []
    for index, (seq, asked) in enumerate(pairs):
        owner_agency = (committee, centre)[index % 2] if index % 3 else None
        commitment = commitment_create(
            actor=officer,
            code=code,
            at=made_at,
            data=CommitmentInput(
                text=asked.commitment,
                due_on=max(due[asked.fate], timezone.localtime(made_at).date()),
                owner_username="" if owner_agency else reporter.get_username(),
                owner_agency_id=owner_agency.pk if owner_agency else None,
                question_seq=seq,
            ),
        )
        made.append((commitment.seq, asked))
        fates[asked.fate] += 1
    before = len(QUESTIONS_BEFORE)
    published_at = held + timedelta(days=2)
    dialogue_act(
        actor=leader,
        code=code,
        action=A.PUBLISH_MINUTES,
        at=published_at,
        minutes=MINUTES.format(year=year, n=len(pairs), before=before, at=len(pairs) - before),
    )
    step_at = max(published_at + timedelta(hours=1), min(made_at + timedelta(days=7), now - timedelta(hours=2)))
    for seq, asked in made:
        if asked.fate == "done":
            data = CommitmentActInput(
                note="Đã đóng cừ tràm gia cố 120 m, đặt 2 biển cảnh báo; biên bản nghiệm thu ngày hoàn thành.",
                link="https://example.vn/xa-phu-tan/tin-tuc/gia-co-duong-ap-cai-doi",
            )
            commitment_act(actor=reporter, code=code, seq=seq, action=C.COMPLETE, at=step_at, data=data)
        elif asked.fate == "dropped":
            data = CommitmentActInput(reason="Vị trí thuộc hành lang bảo vệ công trình thủy lợi; thay bằng xe thu gom theo giờ.")
            commitment_act(actor=officer, code=code, seq=seq, action=C.DROP, at=step_at, data=data)
        elif asked.fate in ("overdue", "due_soon"):
            data = CommitmentActInput(note="Đã có văn bản đôn đốc; đang chờ cơ quan phối hợp trả lời.")
            commitment_act(actor=reporter, code=code, seq=seq, action=C.PROGRESS, at=step_at, data=data)
    return code, fates


def dialogues_seed(*, count: int, unit_code: str, now: datetime | None = None) -> SeedReport:
    """``count`` held dialogues of one commune, one every 90 days back from 60 days ago."""
    unit = AdministrativeUnit.objects.get(code=unit_code, valid_to__isnull=True)
    codes: list[str] = []
    totals: Counter[str] = Counter()
    for index in range(count):
        code, fates = dialogue_seed_one(unit=unit, days_ago=60 + 90 * index, now=now)
        codes.append(code)
        totals.update(fates)
    return SeedReport(dialogues=codes, commitments=dict(totals))

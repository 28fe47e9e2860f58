"""The SIPAS starting questionnaire (RULES.md §3.1: the elements of the 2017–2020 method —
access to the service, the procedure, the officials, the result, receiving and handling
feedback — plus an overall question and a free comment). Migration 0004 creates it as
questionnaire ``sipas`` from a frozen copy of this list; ``survey_template_ensure`` re-creates it
from this list if it was deleted."""

from __future__ import annotations

TEMPLATE_CODE = "sipas"
TEMPLATE_TITLE = "Phiếu khảo sát sự hài lòng về giải quyết thủ tục hành chính (theo các yếu tố SIPAS)"
TEMPLATE_INTRO = (
    "Xin ông/bà vui lòng cho biết mức độ hài lòng về việc giải quyết thủ tục hành chính gần đây tại cơ quan. "
    "Phiếu không ghi tên; câu trả lời chỉ dùng để cải thiện chất lượng phục vụ."
)
YES_NO = ["Có", "Không", "Không biết"]

# (code, element, text, answer type, options, required)
QUESTIONS: list[tuple[str, str, str, str, list[str], bool]] = [
    ("tiep-can-thong-tin", "access", "Thông tin về thủ tục, nơi nộp hồ sơ có dễ tìm, dễ hiểu không?", "scale", [], True),
    (
        "tiep-can-noi-cho",
        "access",
        "Nơi tiếp nhận, chờ làm thủ tục có đủ chỗ ngồi, thoáng mát, tiện nghi không?",
        "scale",
        [],
        True,
    ),
    (
        "tiep-can-thiet-bi",
        "access",
        "Trang thiết bị phục vụ (máy tra cứu, lấy số, bút, giấy…) có đầy đủ, dễ dùng không?",
        "scale",
        [],
        True,
    ),
    ("thu-tuc-cong-khai", "procedure", "Thủ tục được niêm yết công khai, đầy đủ, chính xác không?", "scale", [], True),
    (
        "thu-tuc-ho-so",
        "procedure",
        "Giấy tờ phải nộp có đúng như quy định công khai, không phải nộp thêm giấy tờ nào khác?",
        "scale",
        [],
        True,
    ),
    ("thu-tuc-phi", "procedure", "Phí, lệ phí phải nộp có đúng như quy định công khai không?", "scale", [], True),
    ("thu-tuc-thoi-han", "procedure", "Thời hạn giải quyết ghi trên giấy hẹn có hợp lý không?", "scale", [], True),
    ("cong-chuc-thai-do", "officials", "Công chức có lịch sự, tôn trọng ông/bà khi giao tiếp không?", "scale", [], True),
    (
        "cong-chuc-huong-dan",
        "officials",
        "Công chức hướng dẫn kê khai hồ sơ tận tình, dễ hiểu, một lần là đủ không?",
        "scale",
        [],
        True,
    ),
    (
        "cong-chuc-dung-quy-dinh",
        "officials",
        "Công chức làm đúng quy định, không gây phiền hà, nhũng nhiễu không?",
        "scale",
        [],
        True,
    ),
    ("ket-qua-dung-hen", "result", "Kết quả có được trả đúng hẹn (hoặc sớm hơn) không?", "scale", [], True),
    ("ket-qua-chinh-xac", "result", "Kết quả có đầy đủ, chính xác, đúng quy định không?", "scale", [], True),
    (
        "gop-y-kenh",
        "feedback",
        "Cơ quan có hòm thư góp ý, đường dây nóng hoặc cách khác để ông/bà phản ánh, kiến nghị không?",
        "choice",
        YES_NO,
        True,
    ),
    (
        "gop-y-xu-ly",
        "feedback",
        "Nếu ông/bà đã góp ý, phản ánh: ý kiến có được tiếp nhận, trả lời kịp thời, thỏa đáng không? (bỏ qua nếu chưa góp ý)",
        "scale",
        [],
        False,
    ),
    (
        "tong-the",
        "overall",
        "Nhìn chung, ông/bà hài lòng với việc giải quyết thủ tục hành chính này ở mức nào?",
        "scale",
        [],
        True,
    ),
    ("y-kien-them", "other", "Ông/bà có góp ý gì thêm để cơ quan phục vụ tốt hơn không?", "text", [], False),
]

# How a per-dossier rating (RULES.md §3.2; criteria of migration 0002) feeds the survey results
# (docs/satisfaction.md "Ratings in the results"): its overall level and each criterion count in
# the element; where the wording matches a template question, also in that question.
RATING_ELEMENTS: dict[str, str] = {
    "overall": "overall",
    "tiep-can": "access",
    "thu-tuc": "procedure",
    "thai-do": "officials",
    "thoi-gian": "result",
    "ket-qua": "result",
}
RATING_QUESTIONS: dict[str, str] = {
    "overall": "tong-the",
    "thai-do": "cong-chuc-thai-do",
    "thoi-gian": "ket-qua-dung-hen",
    "ket-qua": "ket-qua-chinh-xac",
}

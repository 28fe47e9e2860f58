"""Turn the portal's flattened procedure text into structure.

Pure functions: each takes text and returns ``(value, problems)``, never raises on any input
(a Hypothesis test feeds them arbitrary text) and never drops text silently: whatever cannot
be placed is either kept in a free-text field or reported as a :class:`Problem`.

The rules, and why they were chosen, are described in ``docs/catalog.md``. In short:

* time: "N Ngày làm việc" → working days; "N Ngày" → calendar days unless the procedure's own
  text says "N ngày làm việc"; "N Giờ" → hours ("N giờ làm việc" in the text → working hours);
  a bare number takes its unit from another channel of the same procedure, then from the
  text ("05 ngày làm việc", "trong ngày", …), else working days are assumed (reported);
* fees: "Miễn phí", "5,000 Việt Nam Đồng(…)", "20,000 VNĐ", "10 USD(…)"; an amount under
  1,000 đồng is taken as thousands only when the description names that amount;
* documents: rows end with the portal's quantity column ("1 bản chính", "0 bản chính,1 bản
  sao"); an attached form's file name sits just before it; the table header splits groups;
* legal basis: "<title><number>" pairs, the number being ``…/YYYY/SUFFIX``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from motcua.catalog.choices import CHANNEL_BY_SOURCE_NAME, Channel, TimeUnit
from motcua.core.text import fold

NO_INFORMATION = "Không có thông tin"


# --- Problems ---------------------------------------------------------------------------------


class Reason:
    """Why a field could not be parsed cleanly (stable English texts, used to group reports)."""

    TIME_MISSING = "no time limit given"
    TIME_ZERO = "time limit is zero"
    TIME_UNPARSED = "not a recognised time limit"
    TIME_UNIT_FROM_SIBLING = "no unit; taken from another channel of the same procedure"
    TIME_UNIT_FROM_TEXT = "no unit; inferred from the procedure text"
    TIME_UNIT_ASSUMED = "no unit and no hint in the text; working days assumed"
    TIME_UNIT_CORRECTED = "the portal says days but the procedure text says working days"
    TIME_FEE_RUN_TOGETHER = "time and fee amount run together; split by guess"
    LEAD_TIME_MISSING = "no channel gives a usable time limit"
    TIME_FROM_NOTE = "no time in the time column; read from the start of the channel's note"
    TIME_SAME_DAY = "same-day wording; read as within the day"
    LEAD_TIME_FROM_STEPS = "no channel gives a time limit; read from the steps"
    LEAD_TIME_STATUTORY = "no time limit published; the statutory one for this kind of procedure is used"
    LEAD_TIME_DISAGREE = "channels give different time limits; the first in-person one (else the first) is used"
    FEE_MISSING = "no fee information"
    FEE_UNPARSED = "fee not recognised"
    FEE_THOUSANDS = "amount stated in thousands; full amount taken from the description"
    FEE_IMPLAUSIBLE = "amount under 1,000 đồng and not confirmed by the description; left empty"
    FEE_FOREIGN_CURRENCY = "amount not in đồng; left empty"
    FEE_FREE_WITH_AMOUNT = "marked free but the description names an amount"
    CHANNEL_UNKNOWN = "unknown submission channel"
    CHANNEL_FRAGMENT = "text fragment with no preceding channel"
    DOCUMENTS_MISSING = "no required documents listed"
    DOCUMENT_NO_QUANTITY = "text after the last quantity; kept as a document without quantity"
    DOCUMENT_FORM_UNSPLIT = "form file name could not be separated from the document name"
    LEGAL_BASIS_MISSING = "no legal basis listed"
    LEGAL_BASIS_NO_NUMBER = "text without a document number; kept as a title"
    LEVEL_UNKNOWN = "unknown implementing level"


@dataclass(frozen=True)
class Problem:
    field: str
    raw: str
    reason: str
    detail: str = ""


# --- Text clean-up ------------------------------------------------------------------------------

_HSPACE = re.compile(r"[ \t\u00a0\u2007\u202f]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def normalise(text: str | None) -> str:
    """NFC, non-breaking spaces to spaces, runs of spaces collapsed, line breaks kept."""
    if not text:
        return ""
    value = unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    value = "\n".join(_HSPACE.sub(" ", line).strip() for line in value.split("\n"))
    return _BLANK_LINES.sub("\n\n", value).strip()


def clean(text: str | None) -> str:
    """:func:`normalise`; the portal's "Không có thông tin" (no information) becomes ""."""
    value = normalise(text)
    return "" if value == NO_INFORMATION else value


def clean_line(text: str | None) -> str:
    """:func:`clean`, then everything on one line."""
    return " ".join(clean(text).split())


# A run of two to six words said again at once: "miễn phí miễn phí", "Lệ phí: Lệ phí:". A single
# repeated word is left alone: Vietnamese joins words that way ("trường hợp hợp tác xã").
_REPEATED_RUN = re.compile(r"(?i)(?<!\w)((?:\w+[^\w\n]+){1,5}\w+)(?:[^\w\n]+\1)+(?!\w)")


def drop_repeated_words(text: str) -> str:
    """ "miễn phí miễn phí miễn phí" → "miễn phí": a word run repeated at once is kept once."""
    previous = None
    while previous != text:
        previous, text = text, _REPEATED_RUN.sub(r"\1", text)
    return text


def has_repeated_words(text: str) -> bool:
    return bool(_REPEATED_RUN.search(text or ""))


def excerpt(text: str, limit: int = 120) -> str:
    one_line = " ".join((text or "").split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


# --- Time limits --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duration:
    value: Decimal
    unit: TimeUnit
    assumed: bool = False  # the unit was inferred, not stated in the time field


_TIME = re.compile(r"^(\d{1,4}(?:[.,]\d{1,2})?)\s*(ngay lam viec|ngay|gio lam viec|gio)?$")
_UNIT_BY_FOLDED = {
    "ngay lam viec": TimeUnit.WORKING_DAY,
    "ngay": TimeUnit.CALENDAR_DAY,
    "gio lam viec": TimeUnit.WORKING_HOUR,
    "gio": TimeUnit.HOUR,
}
# When the text gives several hints for a bare number, the first unit in this order wins.
_UNIT_PRIORITY = (TimeUnit.SAME_DAY, TimeUnit.WORKING_DAY, TimeUnit.WORKING_HOUR, TimeUnit.CALENDAR_DAY, TimeUnit.HOUR)
_CLOCK_WORDS = ("sau", "truoc", "luc", "den", "tu", "qua")
# Same-day wording (folded), RULES.md §1.6: "ngay trong ngày", "trong ngày" (not "trong ngày làm
# việc …"), "ngay sau khi nhận đủ hồ sơ", and the 15:00 rule "sau 15 giờ … ngày làm việc tiếp theo".
_SAME_DAY = re.compile(
    r"\bngay trong (?:cung )?ngay\b"
    r"|\btrong (?:cung )?ngay\b(?! lam viec)"
    r"|\bngay sau khi nhan du\b"
    r"|\bsau 15 gio\b[^.;]{0,160}?\bngay lam viec tiep theo\b"
)
# A time field that is itself same-day wording: "Trong ngày", "Ngay trong ngày", "Ngay sau khi nhận đủ hồ sơ".
_SAME_DAY_FIELD = re.compile(r"^(?:ngay )?trong (?:cung )?ngay\b|^ngay sau khi nhan")
# A time at the very start of a channel's note: "05 ngày làm việc kể từ …", "- 03 ngày làm việc …".
_NOTE_TIME = re.compile(r"^[-–+*•\s]*(\d{1,3}(?:[.,]\d{1,2})?\s*(?:ngày làm việc|ngày|giờ làm việc|giờ))\b", re.IGNORECASE)
_ANY_DAYS = re.compile(r"(?<![\d.,/])0*(\d{1,3}) ngay\b")
# "trong thời hạn 03 ngày làm việc kể từ ngày nhận hồ sơ" in the steps (not "… hồ sơ trình").
_STEPS_TIME = re.compile(
    r"(?<![\d.,/])0*(\d{1,3}) (ngay lam viec|ngay) ke tu (?:ngay|khi) nhan (?:duoc )?(?:du |day du )?ho so\b(?! trinh)"
)


def _decimal(number: str) -> Decimal | None:
    try:
        return Decimal(number.replace(",", "."))
    except InvalidOperation:
        return None


def _number_pattern(value: Decimal) -> str | None:
    if value != value.to_integral_value():
        return None
    return r"(?<![\d.,/])0*" + str(int(value))


def text_units(value: Decimal, folded: str) -> list[tuple[TimeUnit, str]]:
    """Units that the text (already folded) attaches to this number, with the matched words.

    "05 ngày làm việc" counts for 5; "sau 15 giờ" (a clock time) does not count for 15;
    same-day wording ("trong ngày", "sau 15 giờ … ngày làm việc tiếp theo") makes a bare 1 a
    same-day period (RULES.md §1.6: its own unit, not one working day).
    """
    found: list[tuple[TimeUnit, str]] = []
    pattern = _number_pattern(value)
    if pattern is None:
        return found
    for match in re.finditer(pattern + r"\s*(ngay lam viec|gio lam viec|ngay|gio)\b", folded):
        unit = _UNIT_BY_FOLDED[match.group(1)]
        if unit in (TimeUnit.HOUR, TimeUnit.WORKING_HOUR):
            before = folded[max(0, match.start() - 6) : match.start()].split()
            if before and before[-1] in _CLOCK_WORDS:
                continue
        found.append((unit, match.group(0).strip()))
    if value == 1:
        same_day = _SAME_DAY.search(folded)
        if same_day:
            found.append((TimeUnit.SAME_DAY, excerpt(same_day.group(0), 60)))
    return found


def parse_time(
    raw: str, *, context: str = "", sibling_units: Mapping[Decimal, TimeUnit] | None = None
) -> tuple[Duration | None, list[Problem]]:
    """A channel's time limit.

    ``context`` is the procedure's own text (steps, notes, requirements), searched for the
    unit of a bare number; ``sibling_units`` maps values to the units other channels of the
    same procedure state explicitly.
    """
    return _parse_time(raw, _Folded(context), sibling_units)


class _Folded:
    """The procedure text, folded on first use only (most time fields state their unit)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._folded: str | None = None

    def __call__(self) -> str:
        if self._folded is None:
            self._folded = fold(self._text)
        return self._folded


def _parse_time(
    raw: str, folded_context: _Folded, sibling_units: Mapping[Decimal, TimeUnit] | None
) -> tuple[Duration | None, list[Problem]]:
    text = clean_line(raw)
    if not text:
        return None, [Problem("time", raw or "", Reason.TIME_MISSING)]
    if _SAME_DAY_FIELD.match(fold(text)):
        return Duration(Decimal(0), TimeUnit.SAME_DAY), []
    match = _TIME.match(fold(text))
    value = _decimal(match.group(1)) if match else None
    if match is None or value is None:
        return None, [Problem("time", text, Reason.TIME_UNPARSED)]
    if value == 0:
        return None, [Problem("time", text, Reason.TIME_ZERO)]
    unit_words = match.group(2)
    if unit_words:
        unit = _UNIT_BY_FOLDED[unit_words]
        if unit in (TimeUnit.CALENDAR_DAY, TimeUnit.HOUR):
            working = TimeUnit.WORKING_DAY if unit == TimeUnit.CALENDAR_DAY else TimeUnit.WORKING_HOUR
            hints = text_units(value, folded_context())
            if any(u == working for u, _w in hints) and not any(u == unit for u, _w in hints):
                words = next(w for u, w in hints if u == working)
                return Duration(value, working, assumed=True), [
                    Problem("time", text, Reason.TIME_UNIT_CORRECTED, detail=f"“{words}” → {working.value}")
                ]
        return Duration(value, unit), []
    # A bare number: the portal left the unit out.
    if sibling_units and value in sibling_units:
        unit = sibling_units[value]
        return Duration(value, unit, assumed=True), [Problem("time", text, Reason.TIME_UNIT_FROM_SIBLING, detail=unit.value)]
    hints = text_units(value, folded_context())
    if hints:
        units = {u for u, _w in hints}
        unit = next(u for u in _UNIT_PRIORITY if u in units)
        words = next(w for u, w in hints if u == unit)
        return Duration(Decimal(0) if unit == TimeUnit.SAME_DAY else value, unit, assumed=True), [
            Problem("time", text, Reason.TIME_UNIT_FROM_TEXT, detail=f"“{words}” → {unit.value}")
        ]
    return Duration(value, TimeUnit.WORKING_DAY, assumed=True), [Problem("time", text, Reason.TIME_UNIT_ASSUMED)]


# --- Fees ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fee:
    is_free: bool
    amount_vnd: int | None
    amount_text: str  # as stated, e.g. "5,000 Việt Nam Đồng"
    description: str
    decided_by_province: bool = False


_FEE_HEAD = re.compile(
    r"^(?:(?P<free>Miễn phí)|(?P<none>Không có thông tin)"
    r"|(?:(?:Lệ phí|Phí)\s*:\s*)?(?P<amount>\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?P<currency>Việt Nam Đồng|VNĐ|VND|Đồng|đồng|USD))",
    re.IGNORECASE,
)
_CURRENCY_ONLY = re.compile(r"^(?:Việt Nam Đồng|VNĐ|VND|Đồng)", re.IGNORECASE)
_TEXT_AMOUNT = re.compile(r"(?<![\d.,/])(\d{1,3}(?:\.\d{3})+|\d+)\s*(?:đồng|đ\b|vnđ|vnd)", re.IGNORECASE)
_PROVINCE_DECIDES = re.compile(r"hội đồng nhân dân|\bhđnd\b", re.IGNORECASE)


def _int_amount(text: str) -> int | None:
    digits = re.sub(r"[.,]", "", text)
    return int(digits) if digits.isdigit() and len(digits) <= 15 else None


def amounts_in_text(text: str) -> set[int]:
    """Amounts in đồng written in prose: "20.000 đồng", "5000 đồng", "4.000 đ", "20.000Đ"."""
    found: set[int] = set()
    for match in _TEXT_AMOUNT.finditer(text or ""):
        amount = _int_amount(match.group(1))
        if amount:
            found.add(amount)
    return found


def _balanced_end(text: str, start: int) -> tuple[int, bool]:
    """Index just after the parenthesised group opening at ``start``, and whether it closes
    (an unclosed group runs to the end of the text)."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index + 1, True
    return len(text), False


def split_fee_and_note(raw: str) -> tuple[str, str, str]:
    """Split a channel's "Phí, lệ phí" + "Mô tả" text into (fee head, fee description, note).

    The head is "Miễn phí", "Không có thông tin" or an amount with its currency; the fee
    description is the parenthesised text right after it; the rest is the channel's note.
    If no head is recognised, everything is the note.
    """
    text = normalise(raw)
    match = _FEE_HEAD.match(text)
    if match is None:
        return "", "", text
    head = match.group(0)
    rest = text[match.end() :]
    stripped = rest.lstrip()
    if stripped.startswith("("):
        offset = len(rest) - len(stripped)
        end, closed = _balanced_end(rest, offset)
        description = rest[offset + 1 : end - 1 if closed else end].strip()
        return head, description, rest[end:].strip()
    return head, "", rest.strip()


def parse_fee(head: str, description: str) -> tuple[Fee | None, list[Problem]]:
    """A fee from its head ("Miễn phí", "20,000 VNĐ", …) and its description."""
    description = drop_repeated_words(clean(description))
    head = drop_repeated_words(head)
    raw = f"{head}({description})" if description else head
    decided = bool(_PROVINCE_DECIDES.search(description))
    match = _FEE_HEAD.match(head.strip()) if head else None
    if match is None:
        if not head.strip() and not description:
            return None, [Problem("fee", raw, Reason.FEE_MISSING)]
        return None, [Problem("fee", raw, Reason.FEE_UNPARSED)]
    if match.group("none"):
        if description:
            return Fee(False, None, "", description, decided), [Problem("fee", raw, Reason.FEE_MISSING)]
        return None, [Problem("fee", raw, Reason.FEE_MISSING)]
    if match.group("free"):
        problems: list[Problem] = []
        named = amounts_in_text(description)
        if named:
            problems.append(Problem("fee", raw, Reason.FEE_FREE_WITH_AMOUNT, detail=", ".join(f"{a:,}" for a in sorted(named))))
        return Fee(True, None, head.strip(), description, decided), problems
    amount_text = match.group(0).strip()
    currency = fold(match.group("currency"))
    stated = _int_amount(match.group("amount"))
    if currency == "usd" or stated is None:
        return Fee(False, None, amount_text, description, decided), [
            Problem("fee", raw, Reason.FEE_FOREIGN_CURRENCY, detail=amount_text)
        ]
    if stated < 1000:
        named = amounts_in_text(description)
        if stated * 1000 in named:
            return Fee(False, stated * 1000, amount_text, description, decided), [
                Problem("fee", raw, Reason.FEE_THOUSANDS, detail=f"{stated * 1000:,}")
            ]
        return Fee(False, None, amount_text, description, decided), [
            Problem("fee", raw, Reason.FEE_IMPLAUSIBLE, detail=amount_text)
        ]
    return Fee(False, stated, amount_text, description, decided), []


# --- Channels -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelRow:
    channel: Channel
    time: Duration | None
    time_text: str
    fee: Fee | None
    fee_text: str
    note: str


_FEE_ANYWHERE = re.compile(r"Miễn phí|Không có thông tin|\d{1,3}(?:,\d{3})+ (?:Việt Nam Đồng|VNĐ)")
_MAX_TIME_WORDS = 120


def _channel(name: str) -> Channel | None:
    return CHANNEL_BY_SOURCE_NAME.get(clean_line(name).casefold())


def split_time_and_amount(time_digits: str, description: str) -> tuple[str, str]:
    """Customs rows glue the time and the fee amount: "120" + "VNĐ(20.000 vnđ/tờ khai)".

    Try every split into a time prefix and an amount suffix (no leading zeros); prefer the
    one whose amount (or amount × 1,000) the description names, else the shortest time.
    """
    digits = re.sub(r"[.,]", "", time_digits)
    named = amounts_in_text(description)
    candidates = [
        (digits[:i], digits[i:])
        for i in range(1, len(digits))
        if not digits[i:].startswith("0") and not digits[:i].startswith("0")
    ]
    if not candidates:
        return digits, ""
    for time_part, amount in candidates:
        value = int(amount)
        if value in named or value * 1000 in named:
            return time_part, amount
    return candidates[0]


def parse_channels(entries: object, *, context: str = "") -> tuple[list[ChannelRow], list[Problem]]:
    """The submission channels with time, fee and note.

    ``entries`` is the source list of ``{channel, time, fee_and_note}``. The source split
    the portal's table on channel names, so a channel name inside a note ("+ Trực tuyến:
    nộp hồ sơ …") started a bogus entry with no time and no fee: such fragments are joined
    back to the note of the entry before them.
    """
    problems: list[Problem] = []
    items: list[dict[str, str]] = []
    if isinstance(entries, list):
        for entry in entries:
            if isinstance(entry, Mapping):
                items.append({k: str(entry.get(k) or "") for k in ("channel", "time", "fee_and_note")})
    # 1. Glue fragments back and split run-together customs numbers.
    raw_rows: list[dict[str, str]] = []
    for item in items:
        time_text = clean_line(item["time"])
        fee_raw = item["fee_and_note"]
        if not time_text:
            # A time written in words sits glued before the fee: "Không quy địnhMiễn phí…".
            found = _FEE_ANYWHERE.search(normalise(fee_raw))
            if found and 0 < found.start() <= _MAX_TIME_WORDS and normalise(fee_raw)[:1].isupper():
                time_text = clean_line(normalise(fee_raw)[: found.start()])
                fee_raw = normalise(fee_raw)[found.start() :]
        head, _description, _note = split_fee_and_note(fee_raw)
        if not time_text and not head:
            if raw_rows:
                previous = raw_rows[-1]
                fragment = clean(fee_raw)
                separator = "" if fragment.startswith(":") else " "
                joined = f"{clean_line(item['channel'])}{separator}{fragment}".strip()
                previous["fee_and_note"] = f"{previous['fee_and_note'].rstrip()} {joined}".strip()
                continue
            problems.append(Problem("channels", excerpt(fee_raw), Reason.CHANNEL_FRAGMENT))
        raw_rows.append({"channel": item["channel"], "time": time_text, "fee_and_note": fee_raw, "glued": ""})
    for row in raw_rows:
        fee_raw = clean(row["fee_and_note"])
        if re.fullmatch(r"\d[\d.,]*", row["time"]) and _CURRENCY_ONLY.match(fee_raw):
            time_part, amount = split_time_and_amount(row["time"], fee_raw)
            if amount:
                problems.append(
                    Problem("time", row["time"], Reason.TIME_FEE_RUN_TOGETHER, detail=f"time {time_part}, fee {amount}")
                )
                row["time"] = time_part
                row["fee_and_note"] = f"{amount} {fee_raw}"
    # 2. Units stated explicitly somewhere in this procedure, for bare numbers elsewhere.
    sibling_units: dict[Decimal, TimeUnit] = {}
    for row in raw_rows:
        match = _TIME.match(fold(row["time"]))
        value = _decimal(match.group(1)) if match else None
        if match and match.group(2) and value is not None:
            sibling_units.setdefault(value, _UNIT_BY_FOLDED[match.group(2)])
    folded_context = _Folded("\n".join([context, *(row["fee_and_note"] for row in raw_rows)]))
    # 3. Parse each row.
    rows: list[ChannelRow] = []
    seen_time_problems: set[tuple[str, str]] = set()
    for row in raw_rows:
        channel = _channel(row["channel"])
        if channel is None:
            problems.append(Problem("channels", clean_line(row["channel"]) or "(empty)", Reason.CHANNEL_UNKNOWN))
            continue
        time_text = row["time"]
        duration, time_problems = _parse_time(time_text, folded_context, sibling_units)
        if duration is None and not time_text:
            # "Miễn phí05 ngày làm việc kể từ …": the time was published at the start of the note.
            found = _NOTE_TIME.match(split_fee_and_note(row["fee_and_note"])[2])
            if found:
                duration, _ignored = _parse_time(found.group(1), folded_context, sibling_units)
                time_problems = [Problem("time", excerpt(found.group(1)), Reason.TIME_FROM_NOTE)]
                row["time"] = clean_line(found.group(1))
        for problem in time_problems:
            key = (problem.raw, problem.reason)
            if key not in seen_time_problems:
                seen_time_problems.add(key)
                problems.append(problem)
        head, description, note = split_fee_and_note(row["fee_and_note"])
        fee, fee_problems = parse_fee(head, description)
        for problem in fee_problems:
            if problem not in problems:
                problems.append(problem)
        fee_text = clean(f"{head}({description})" if description else head)
        rows.append(ChannelRow(channel, duration, row["time"], fee, drop_repeated_words(fee_text), clean(note)))
    return rows, problems


def lead_time(rows: Sequence[ChannelRow]) -> tuple[Duration | None, str, list[Problem]]:
    """The procedure's legal lead time from its channel rows.

    If every row that has a time agrees, that is it. Otherwise the first in-person row wins
    (the counter is where the due date is promised), and the disagreement is reported.
    """
    timed = [row for row in rows if row.time is not None]
    if not timed:
        raw = ", ".join(dict.fromkeys(row.time_text for row in rows if row.time_text)) or ""
        return None, raw, [Problem("lead_time", raw, Reason.LEAD_TIME_MISSING)]
    distinct = list(dict.fromkeys((row.time.value, row.time.unit) for row in timed if row.time is not None))
    chosen = next((row for row in timed if row.channel == Channel.IN_PERSON), timed[0])
    problems: list[Problem] = []
    if len(distinct) > 1:
        listed = "; ".join(f"{row.channel.value}: {row.time_text}" for row in timed)
        problems.append(Problem("lead_time", listed, Reason.LEAD_TIME_DISAGREE, detail=chosen.time_text))
    return chosen.time, chosen.time_text, problems


# Decree 23/2015/NĐ-CP on certification (chứng thực): Art. 7, a request is settled within the
# day it is received, or the next working day when received after 15:00; Art. 33, contracts and
# transactions (including wills and inheritance documents) take at most 2 working days.
_CERTIFICATION_SECTOR = "chung thuc"
_CERTIFIED_TRANSACTION = re.compile(r"\b(?:giao dich|hop dong|di chuc|di san)\b")
_NOT_A_TRANSACTION_CERTIFICATION = re.compile(r"^(?:sua loi|cap ban sao)")


def lead_time_fallback(*, sector: str, name: str, steps: str) -> tuple[Duration | None, str, list[Problem]]:
    """A lead time when no channel publishes one (RULES.md §1.6), from, in order:

    1. same-day wording in the steps (the 15:00 rule "sau 15 giờ … ngày làm việc tiếp theo",
       "ngay trong ngày") → within the day;
    2. "trong thời hạn N ngày làm việc kể từ ngày nhận … hồ sơ" in the steps, when every such
       phrase gives the same N;
    3. certification procedures (sector "Chứng thực") that publish nothing: the statutory time
       of Decree 23/2015 (Art. 33: 2 working days for contracts and transactions; Art. 7: within
       the day for everything else).

    Every result is marked as inferred, with the reason; ``None`` when nothing applies.
    """
    folded = fold(steps)
    same_day = _SAME_DAY.search(folded)
    if same_day:
        words = excerpt(same_day.group(0), 80)
        return (
            Duration(Decimal(0), TimeUnit.SAME_DAY, assumed=True),
            words,
            [Problem("lead_time", words, Reason.LEAD_TIME_FROM_STEPS, detail=TimeUnit.SAME_DAY.value)],
        )
    found = {(int(m.group(1)), _UNIT_BY_FOLDED[m.group(2)]) for m in _STEPS_TIME.finditer(folded)}
    # Only when the steps name no other number of days: several stages ("02 ngày … 30 ngày … 03
    # ngày") do not add up safely, so the procedure stays without a time limit (reported).
    all_days = {int(m.group(1)) for m in _ANY_DAYS.finditer(folded)}
    if len(found) == 1 and all_days == {value for value, _unit in found}:
        value, unit = next(iter(found))
        if value > 0:
            text = f"{value} {unit.label}"
            match = _STEPS_TIME.search(folded)
            words = excerpt(match.group(0) if match else text, 80)
            return (
                Duration(Decimal(value), unit, assumed=True),
                words,
                [Problem("lead_time", words, Reason.LEAD_TIME_FROM_STEPS, detail=f"{value} {unit.value}")],
            )
    if fold(sector).strip() == _CERTIFICATION_SECTOR:
        folded_name = fold(name).strip()
        if _CERTIFIED_TRANSACTION.search(folded_name) and not _NOT_A_TRANSACTION_CERTIFICATION.match(folded_name):
            source = "Nghị định 23/2015/NĐ-CP Điều 33: không quá 02 ngày làm việc"
            duration = Duration(Decimal(2), TimeUnit.WORKING_DAY, assumed=True)
        else:
            source = "Nghị định 23/2015/NĐ-CP Điều 7: trong ngày (sau 15 giờ: ngày làm việc tiếp theo)"
            duration = Duration(Decimal(0), TimeUnit.SAME_DAY, assumed=True)
        return duration, source, [Problem("lead_time", "", Reason.LEAD_TIME_STATUTORY, detail=source)]
    return None, "", []


# --- Required documents -----------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentRow:
    group: str
    name: str
    form_template: str
    quantity_text: str
    originals: int
    copies: int
    note: str = ""  # what the row says beyond the document itself (alternatives, explanations)
    conditional: bool = False  # needed only in some cases ("trong trường hợp …", "(nếu có)")


@dataclass(frozen=True)
class Documents:
    rows: list[DocumentRow] = field(default_factory=list)
    note: str = ""


_DOC_HEADER = re.compile(r"Tên giấy tờ\s*Mẫu đơn, tờ khai\s*Số lượng")
# The quantity column, glued to the text before it (a space before the digit means prose, as in
# "nộp 01 bản chính tờ khai"), followed by the next row or the end, never by more prose.
_QUANTITY = re.compile(r"(?<! )(\d) bản chính(?:, ?(\d{1,2}) bản sao)?(?=$|[^\s;.,:)])")
_FORM_EXT = re.compile(r"\.(?:docx?|pdf|xlsx?|rar|zip)$", re.IGNORECASE)
_GLUE_AFTER = set(".;:)”\"'")
_BULLET = re.compile(r"^[\s\-+*•]+")
# List markers in front of a row: "- ", "+ ", "a) ", "(1) ", "(iii) ", "1. ", "2.1. ".
_MARKER = re.compile(r"^(?:[-+*•–]+\s*|\(?(?:\d{1,2}|[ivx]{1,4}|[a-zđ])\)\s+|\d{1,2}(?:\.\d{1,2})*\.\s+)+")
# The words a sentence of prose starts with, never a document: a condition ("Trường hợp …",
# "Đối với …", "Nếu …", "Khi …", "Trừ …", "Ngoài …", "Tùy …"), a remark ("Lưu ý", "Ghi chú",
# "Ví dụ"), a deadline or count ("Chậm nhất", "Thời hạn", "Số lượng hồ sơ"), a step ("Bước 2")
# or a person or body doing something ("Người yêu cầu …", "Cá nhân …", "Cơ quan …").
_PROSE_OPENER = re.compile(
    r"^(?:\(?trong trường hợp|\(?trường hợp|\(?đối với|lưu ý|chú ý|ghi chú|nếu|khi|trừ|ngoài|ví dụ|tùy|tuỳ|hoặc"
    r"|chậm nhất|thời hạn|số lượng|bước|người|cá nhân|cơ quan|tổ chức|công dân|thương nhân|chủ|việc|thực hiện"
    r"|bao gồm|hồ sơ gồm|thành phần hồ sơ|căn cứ|sau khi|trước khi|không|riêng)\b"
)
# The words a document's name starts with (what the applicant hands in or shows).
_DOCUMENT_NOUN = re.compile(
    r"^(?:\d{1,2}\s|một\b|hai\b|các (?:giấy|tài liệu|văn bản|chứng từ|hồ sơ|loại|bản)|xuất trình|nộp|bản|tờ|văn bản|giấy|đơn"
    r"|hồ sơ|hợp đồng|báo cáo|phụ lục|biên bản|biên lai|danh sách|danh mục|chứng|quyết định|thông báo|phiếu|mẫu"
    r"|hộ chiếu|hóa đơn|hoá đơn|công văn|phương án|dự thảo|dự án|đề án|sơ đồ|sơ họa|vận đơn|vận tải đơn|tài liệu"
    r"|ủy nhiệm|uỷ nhiệm|ủy quyền|kế hoạch|ảnh|nghị quyết|điều lệ|quy chế|trích lục|sổ|thẻ|căn cước|bảng|thông tin"
    r"|đề nghị|đề xuất|ý kiến|kết quả|nội dung|tài khoản|lý lịch|sổ hộ|thư|chương trình|bộ hồ sơ|dữ liệu)"
)
# A condition inside a document's name: needed only in some cases.
_CONDITION = re.compile(r"trường hợp|\bnếu có\b")
# Where a document's name ends and its explanation starts: a new sentence (". " + capital, not
# after a short abbreviation such as "TP."), or "; trường hợp …" / "; nếu …".
_NAME_END = re.compile(
    r"(?<![\s.][A-ZĐ][A-Za-zĐđ])(?<![\s.][A-ZĐ])\.\s+(?=[A-ZĐÀ-Ỹ])"
    r"|\.(?=(?:Trường hợp|Đối với|Nếu|Lưu ý)\b)"
    r"|(?<=[a-zà-ỹđ]{3})\.(?=[A-ZĐ][a-zà-ỹđ]+ )"
    r"|[;,]\s*(?=(?i:trường hợp|nếu|trừ|đối với|riêng)\b)"
    r"|:\s*(?=(?:[-+•]|\(?(?:\d{1,2}|[a-zđ]|[ivx]{1,4})\))\s)"
)
# A lead-in, then the document after a colon: "Đối với cấp lại …: Giấy đề nghị …", "Thành phần
# hồ sơ: Hợp đồng mua bán …", "Người yêu cầu chứng thực xuất trình một trong các giấy tờ sau: Căn cước …".
_LEAD_IN_MAX = 250
_CASE_WORDS = re.compile(r"^(?:\(?(?:trong )?trường hợp|\(?đối với|nếu|khi)\b|.*\btrường hợp\b", re.IGNORECASE)


def _is_note(text: str) -> bool:
    return text[:40].casefold().lstrip(" -*+\t").startswith(("lưu ý", "luu y"))


def _heading(text: str) -> str:
    value = clean_line(text)
    value = value.strip("-* ").rstrip(":").strip()
    return value


def strip_marker(text: str) -> str:
    """ "a) Tờ khai", "(1) Bản sao …", "- Giấy chứng sinh" → the text without the list marker."""
    return _MARKER.sub("", text).strip()


def is_prose(text: str) -> bool:
    """Whether a row of the documents table is prose rather than a document (``docs/catalog.md``):

    it starts with a condition, remark or subject ("Trường hợp …", "Lưu ý", "Người yêu cầu …"),
    with a lower-case letter or punctuation (the tail of a sentence glued in: "); nộp hồ sơ …"),
    or it ends with a colon (it introduces a list: "… các giấy tờ sau:").
    """
    value = strip_marker(text)
    if not value:
        return True
    if not (value[0].isupper() or value[0].isdigit()):
        return True
    if value.rstrip(" .;").endswith(":"):
        return True
    return bool(_PROSE_OPENER.match(value.casefold()))


def is_document_name(text: str) -> bool:
    """Whether a name starts as a document does ("Tờ khai …", "Bản sao …", "Giấy …", "01 đơn …")."""
    return bool(_DOCUMENT_NOUN.match(strip_marker(text).casefold()))


def split_lead_in(text: str) -> tuple[str, str]:
    """ "Đối với cấp lại …: Giấy đề nghị cấp lại …" → ("Đối với cấp lại …", "Giấy đề nghị cấp lại …").

    The document is what follows one of the first three colons when it reads as a document; the
    lead-in before it is at most 250 characters and not a conditional sentence ("… thì …").
    ``("", "")`` when no colon qualifies.
    """
    position = 0
    for _attempt in range(3):
        index = text.find(":", position)
        if index < 0 or index > _LEAD_IN_MAX:
            break
        lead, rest = text[:index].strip(), strip_marker(text[index + 1 :].strip())
        if " thì " not in lead and " thì " not in rest and is_document_name(rest) and not is_prose(rest):
            return lead, rest[:1].upper() + rest[1:]
        position = index + 1
    return "", ""


def split_document_name(text: str) -> tuple[str, str]:
    """ "Giấy chứng sinh; trường hợp không có … thì nộp …" → ("Giấy chứng sinh", "Trường hợp không có …").

    The name is the first sentence outside parentheses; the rest is the row's note.
    """
    depth = 0
    for match in _NAME_END.finditer(text):
        depth = text[: match.start()].count("(") - text[: match.start()].count(")")
        if depth > 0:
            continue
        head = text[: match.start()].strip()
        rest = text[match.end() :].strip()
        if len(head) < 8 or not rest:
            continue
        if text[match.start()] == ".":
            head += "."
        elif text[match.start()] in ",;":
            head = head.rstrip(" ,;")
        elif text[match.start()] == ":":
            rest = text[match.start() :].lstrip(": ")  # the alternatives listed after "… bao gồm:"
            head = head.rstrip(" ,")
        return head, rest[:1].upper() + rest[1:]
    return text, ""


def _document_row(group: str, body: str, form: str, quantity: str, originals: int, copies: int) -> DocumentRow | str:
    """A row of the table: the document (with its own note), or the prose to keep as a note."""
    name = strip_marker(body) if not body.startswith("--") else body.strip()
    case = ""
    if name and (is_prose(name) or not is_document_name(name)):
        lead, document = split_lead_in(name)
        if not document:
            if is_document_name(name) and name[:1].islower():
                name = name[:1].upper() + name[1:]  # "bản chính văn bản đề nghị …": a document, lower-cased
            else:
                return name
        else:
            case, name = lead, document
    if not name and not form:
        return ""
    if originals == 0 and copies == 0 and name and not is_document_name(name):
        return name  # no quantity and not named as a document: prose in the table
    head, rest = split_document_name(name) if name else (name, "")
    head = head.rstrip(" ;,")
    note = "\n".join(part for part in (f"{case}." if case else "", rest) if part)
    conditional = bool(_CASE_WORDS.match(case)) or bool(_CONDITION.search(head.casefold()))
    return DocumentRow(group, head or name, form, quantity, originals, copies, note, conditional)


def split_form(text: str) -> tuple[str, str]:
    """Separate "…(Mẫu CT01 …).1.MuCT01banhnhkmtheoThngts53.doc" into (name, form file)."""
    if not _FORM_EXT.search(text):
        return text, ""
    body = text[: _FORM_EXT.search(text).start()]  # type: ignore[union-attr]  # searched just above
    # (a) punctuation glued to the next word: ")101-Mau", ";Mẫu", ".Mẫu" (not "40.2024", "1.Mu").
    cut = -1
    for index in range(1, len(body)):
        before, char = body[index - 1], body[index]
        if before in _GLUE_AFTER and (char.isalnum()) and not (before == "." and index >= 2 and body[index - 2].isdigit()):
            cut = index
    if cut == -1:
        # (b) a lower-case letter or a digit glued to a capital: "quy địnhMauon.docx", "25/01/2026Mẫu số 03".
        for index in range(1, len(body)):
            if (body[index - 1].islower() or body[index - 1].isdigit()) and body[index].isupper():
                cut = index
                break
    if cut == -1:
        # (c) an upper-case abbreviation glued to a capitalised word: "TT-BXDMẫu số 02".
        match = re.search(r"[A-ZĐ]{2}(?=[A-ZĐ][a-zà-ỹđ])", body)
        if match:
            cut = match.end()
    if cut == -1:
        # (d) a legal document number glued to the file name: "80/2021/TT-BTC01-LP.docx".
        match = re.search(r"/(?:19|20)\d\d/[A-ZĐ]+(?:-[A-ZĐ]+)*(?=\S)", body)
        if match:
            cut = match.end()
    if cut <= 0:
        return text, ""
    return text[:cut].rstrip(" ;"), text[cut:].strip()


def parse_documents(raw: str) -> tuple[Documents, list[Problem]]:
    """The required-documents table: rows with group heading, name, form file, quantity and note.

    Prose rows (conditions, explanations, "Lưu ý" groups, list lead-ins; :func:`is_prose`) are
    not documents: they become the procedure's note, under their group heading. A row repeating
    an earlier one of the same group is dropped.
    """
    # A tab before the quantity column is a cell boundary, not prose: glue it.
    text = clean(re.sub(r"[\t ]*\t[\t ]*(?=\d bản chính)", "", raw or ""))
    if not text:
        return Documents(), [Problem("documents", raw or "", Reason.DOCUMENTS_MISSING)]
    problems: list[Problem] = []
    parts = _DOC_HEADER.split(text)
    headed = len(parts) > 1
    group = _heading(parts[0]) if headed else ""
    segments = parts[1:] if headed else parts
    rows: list[DocumentRow] = []
    seen: set[tuple[str, str]] = set()
    notes: list[tuple[str, str]] = []  # (group heading, prose)

    def add(item: DocumentRow | str, in_note_group: bool) -> None:
        if isinstance(item, str):
            if item:
                notes.append(("" if in_note_group else group, item))
            return
        if in_note_group:
            notes.append(("", " ".join(p for p in (item.name, item.note) if p)))
            return
        key = (item.group, fold(item.name))
        if key not in seen:
            seen.add(key)
            rows.append(item)

    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        position = 0
        in_note_group = _is_note(group)
        for match in _QUANTITY.finditer(segment):
            body = segment[position : match.start()]
            position = match.end()
            name, form = split_form(clean_line(body))
            if not name and not form:
                continue
            if _is_note(name):
                notes.append(("", _BULLET.sub("", name).strip()))
                continue
            item = _document_row(group, name, form, clean_line(match.group(0)), int(match.group(1)), int(match.group(2) or 0))
            if isinstance(item, DocumentRow) and _FORM_EXT.search(item.name) and not item.form_template:
                problems.append(Problem("documents", excerpt(item.name), Reason.DOCUMENT_FORM_UNSPLIT))
            add(item, in_note_group)
        tail = clean_line(segment[position:])
        if not last:
            group = _heading(tail)
        elif tail:
            if in_note_group or _is_note(tail):
                notes.append(("", tail))
                continue
            name, form = split_form(tail)
            item = _document_row(group, name, form, "", 0, 0)
            if isinstance(item, DocumentRow):
                problems.append(Problem("documents", excerpt(tail), Reason.DOCUMENT_NO_QUANTITY))
            add(item, in_note_group)
    if not rows and not notes:
        problems.append(Problem("documents", excerpt(text), Reason.DOCUMENTS_MISSING))
    return Documents(rows, _notes_text(notes)), problems


def _notes_text(notes: list[tuple[str, str]]) -> str:
    """The prose of the table, one paragraph a line, each group's heading once before its prose."""
    lines: list[str] = []
    current = ""
    for heading, prose in notes:
        if heading and heading != current:
            lines.append(f"{heading}:")
        current = heading
        lines.append(prose)
    return "\n".join(line for line in lines if line)


# --- Legal basis --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegalRef:
    title: str
    number: str


# A document number: "68/2020/QH14", "105/2025/NĐ-CP", "66.16/2026/NQ-CP", "24/2024".
# Digits may precede it ("Luật Cư trú 2020" + "68/2020/QH14"), a date's slash may not ("25/01/2026").
# Suffix digits never eat the next number: "TT-BCA" + "56/2021/TT-BCA", but "NQ-QH15" and "QH13".
_LOWER = "a-zàáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
# Digits may precede it ("Luật Cư trú 2020" + "68/2020/QH14"); a date's slash may not ("25/01/2026"),
# nor the decimal point of "66.7/2025". Suffix digits never eat the next number ("TT-BCA" +
# "56/2021/TT-BCA") but "NQ-QH15" and "QH13" keep theirs.
_LEGAL_NUMBER = re.compile(
    r"(?<!\d\.)(?<!/)(?<!/\d)(?<!/\d\d)(\d+)((?:\.\d+)?/(?:19|20)\d\d"
    r"(?:/[A-ZĐ]+(?:\d{1,2})?(?:-(?:TTg|[A-ZĐ]+(?:\d{1,2}(?![\d/]))?))*)?)"
)
_LOWER_RUN = re.compile(f"[{_LOWER}]+")
_GLUED_DATE = re.compile(r"(/(?:19|20)\d\d/[A-ZĐ][A-ZĐ\d-]*)(ngày)")
# Capitalised words that start a title; when the suffix's capitals run into one of them
# ("NĐ-CPLuật", "TT-BTCNghị định"), the last capital belongs to the title.
_TITLE_WORDS = frozenset(
    {"luat", "nghi", "thong", "quy", "quyet", "sua", "huong", "ve", "thuc", "thue", "bo", "ban", "chi", "cong", "phap", "van"}
)


def parse_legal_basis(raw: str) -> tuple[list[LegalRef], list[Problem]]:
    """Split "TitleNumberTitleNumber…" into (title, number) pairs.

    A number ends a pair when it is followed directly by the next title (no space) or by the
    end; a number followed by a space, "ngày", punctuation or a digit belongs to a title.
    """
    text = clean_line(raw)
    if not text:
        return [], [Problem("legal_basis", raw or "", Reason.LEGAL_BASIS_MISSING)]
    refs: list[LegalRef] = []
    problems: list[Problem] = []
    position = 0
    for match in _LEGAL_NUMBER.finditer(text):
        start = match.start()
        lead = match.group(1)
        # "Luật Cư trú 2020" + "68/2020/QH14" → "202068/2020/QH14": give the year back to the title.
        if len(lead) > 4 and re.match(r"(?:19|20)\d\d", lead):
            start += 4
        elif len(lead) > 4:
            start += len(lead) - 3
        end = match.end()
        word = _LOWER_RUN.match(text, end)
        if word and match.group(2)[-2:-1].isupper() and fold(text[end - 1] + word.group(0)) in _TITLE_WORDS:
            end -= 1
        following = text[end : end + 4]
        terminates = end == len(text) or (
            not following[0].isspace()
            and not following[0].isdigit()
            and following[0] not in ",;.:)("
            and not fold(following).startswith("ngay")
        )
        if not terminates or start < position:
            continue
        title = _GLUED_DATE.sub(r"\1 \2", text[position:start].strip(" ;,."))
        number = text[start:end]
        refs.append(LegalRef(title or number, number))
        position = end
    tail = text[position:].strip(" ;,.")
    if tail:
        refs.append(LegalRef(tail, ""))
        problems.append(Problem("legal_basis", excerpt(tail), Reason.LEGAL_BASIS_NO_NUMBER))
    return refs, problems


# --- Small fields -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Levels:
    ministry: bool = False
    province: bool = False
    commune: bool = False
    other: bool = False


_LEVEL_WORDS = {"cap bo": "ministry", "cap tinh": "province", "cap xa": "commune", "co quan khac": "other"}


def parse_levels(raw: str) -> tuple[Levels, list[Problem]]:
    """ "Cấp bộ, Cấp tỉnh, Cấp xã, Cơ quan khác" → flags."""
    flags: dict[str, bool] = {}
    problems: list[Problem] = []
    for part in (p.strip() for p in fold(raw).split(",")):
        if not part:
            continue
        key = _LEVEL_WORDS.get(part)
        if key is None:
            problems.append(Problem("implementing_level", clean_line(raw), Reason.LEVEL_UNKNOWN, detail=part))
        else:
            flags[key] = True
    return Levels(**flags), problems


def split_agencies(raw: str | None) -> list[str]:
    """ "Bảo hiểm xã hội cấp Tỉnh, Bảo hiểm xã hội cấp huyện" → two agencies.

    Split on commas only where the next part starts with a capital letter, so that
    "Ủy ban nhân dân xã, phường, thị trấn" stays one agency.
    """
    text = clean_line(raw).rstrip(".;")
    if not text:
        return []
    agencies: list[str] = []
    for part in text.split(","):
        piece = part.strip()
        if not piece:
            continue
        if agencies and not piece[0].isupper():
            agencies[-1] = f"{agencies[-1]}, {piece}"
        else:
            agencies.append(piece)
    return agencies


_RESULT_CODE = re.compile(r"\s*Mã:\s*(KQ(?:\.[A-Z]*\d+)+)")


def parse_results(raw: str) -> str:
    """ "Phiếu …Mã: KQ.G01.00263Giấy …Mã: KQ.G01.000066" → one result per line with its code."""
    text = clean(raw)
    if not text:
        return ""
    lines: list[str] = []
    position = 0
    for match in _RESULT_CODE.finditer(text):
        name = text[position : match.start()].strip()
        lines.append(f"{name} ({match.group(1)})" if name else f"({match.group(1)})")
        position = match.end()
    tail = text[position:].strip()
    if tail:
        lines.append(tail)
    return "\n".join(lines)


def context_text(parts: Iterable[str]) -> str:
    """The text searched for the unit of a bare time number."""
    return "\n".join(p for p in parts if p)

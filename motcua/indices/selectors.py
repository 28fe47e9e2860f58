"""Reads of the service-quality index (Decision 766, RULES.md §2): the index of a unit for a
period, the items behind each number, and the ranking of a province's communes.

* ``service_index``: one aggregate query per source (dossiers, petitions, procedures) plus one
  for the supplement time of indicator 2.2; a province counts all its communes' dossiers.
* ``indicator_items``: the dossiers, petitions or procedures in a numerator or denominator, each
  with why it counts; staff of the unit or of its province only (``INDEX_ITEMS_VIEW``).
* ``service_ranking``: every commune of a province from the same queries grouped by unit, with
  competition ranks and the change since the previous period.

The index itself holds no personal data and is public, as the national portal publishes it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core.calendar import calendar_for
from motcua.core.choices import UnitLevel
from motcua.core.exceptions import NotFound, PermissionDenied
from motcua.core.models import AdministrativeUnit
from motcua.core.periods import VN, Period
from motcua.core.permissions import INDEX_ITEMS_VIEW
from motcua.core.scoping import unit_in_scope
from motcua.dossiers import clock
from motcua.dossiers.choices import Channel, ClockChangeKind, DossierStatus, Timeliness
from motcua.dossiers.models import ClockChange, Document, Dossier, DossierEvent
from motcua.feedback.models import Petition
from motcua.indices import measures as m
from motcua.indices.choices import Part, Status
from motcua.indices.compute import (
    GROUP_NAMES,
    GroupResult,
    IndicatorResult,
    competition_ranks,
    grade_for,
    round2,
    score_indicator,
    score_percent,
)
from motcua.indices.exceptions import IndexErrorCode
from motcua.indices.models import Grade, Indicator
from motcua.satisfaction.choices import DISLIKE_LEVELS
from motcua.satisfaction.models import Rating

AVERAGE_TIME = "2.2"
DAY = Decimal(86400)


@dataclass
class ServiceIndex:
    unit: AdministrativeUnit
    period: Period
    groups: list[GroupResult]
    grade: Grade | None = None

    @property
    def total(self) -> Decimal:
        return sum((g.points for g in self.groups), Decimal(0))

    @property
    def max(self) -> Decimal:
        """The points that could be computed (indicators without data are left out, never zero)."""
        return sum((g.max for g in self.groups), Decimal(0))

    @property
    def max_defined(self) -> Decimal:
        return sum((g.max_defined for g in self.groups), Decimal(0))

    @property
    def handled_dossiers(self) -> bool:
        """Whether the unit received or processed any dossier in the period (2.1 has data)."""
        try:
            return self.indicator("2.1").status == Status.OK
        except KeyError:
            return False

    @property
    def score(self) -> Decimal | None:
        """The total as a percent of the points that could be computed; None for a unit that
        handled no dossier in the period (the "6 points if there were no petitions" rule and the
        catalogue's indicators alone would otherwise give an idle commune a full score)."""
        return score_percent(self.total, self.max) if self.handled_dossiers else None

    def indicator(self, code: str) -> IndicatorResult:
        for group in self.groups:
            for result in group.indicators:
                if result.code == code:
                    return result
        raise KeyError(code)


def indicators_active() -> list[Indicator]:
    return list(Indicator.objects.filter(active=True).order_by("group", "position", "code"))


def _lookup_hours(indicators: Iterable[Indicator]) -> int:
    hours = [int(i.parameters.get("lookup_window_hours", 24)) for i in indicators if i.code in ("4.5a", "4.5b")]
    return max(hours, default=24)


def window_for(unit: AdministrativeUnit, period: Period, *, now: datetime | None = None, lookup_hours: int = 24) -> m.Window:
    level = UnitLevel.COMMUNE if unit.level == UnitLevel.COMMUNE else UnitLevel.PROVINCE
    return m.Window(path=unit.path, level=level, period=period, cutoff=period.cutoff(now), lookup_hours=lookup_hours)


# --- Counting -------------------------------------------------------------------------------------

_GROUP_FIELD = {m.DOSSIER: "receiving_unit_id", m.PETITION: "unit_id"}


def _completed(w: m.Window) -> Q:
    """2.2: "Đã xử lý xong" or "Đã trả kết quả", received in the period (RULES.md §2.2)."""
    return m.received_in(w) & Q(status__in=m.COMPLETED)


def _counts(window: m.Window, codes: Iterable[str], *, grouped: bool) -> dict[Any, dict[str, Any]]:
    """{unit id or None: {"<code>:n": int, "<code>:d": int, "2.2:elapsed": timedelta, ...}}."""
    aggregates: dict[str, dict[str, Any]] = defaultdict(dict)
    names: dict[str, str] = {}
    wanted = [code for code in codes if code in m.MEASURES]
    for index, code in enumerate(wanted):
        measure = m.MEASURES[code]
        for tag, part in (("n", measure.numerator), ("d", measure.denominator)):
            alias = f"m{index}{tag}"
            names[alias] = f"{code}:{tag}"
            target = "procedure" if part.distinct else "pk"
            aggregates[part.source][alias] = Count(target, filter=part.condition(window), distinct=bool(part.distinct))
    average = AVERAGE_TIME in codes
    if average:
        elapsed = ExpressionWrapper(F("idx_end") - F("received_at"), output_field=DurationField())
        aggregates[m.DOSSIER]["avg_d"] = Count("pk", filter=_completed(window))
        aggregates[m.DOSSIER]["avg_e"] = Sum(elapsed, filter=_completed(window))
        names["avg_d"], names["avg_e"] = f"{AVERAGE_TIME}:d", f"{AVERAGE_TIME}:elapsed"
    result: dict[Any, dict[str, Any]] = defaultdict(dict)
    shared: dict[str, Any] = {}
    for source, fields in aggregates.items():
        qs = m.SOURCES[source](window)
        if grouped and source in _GROUP_FIELD:
            key = _GROUP_FIELD[source]
            for row in qs.values(key).annotate(**fields).order_by():
                result[row[key]].update({names[a]: row[a] for a in fields})
        else:
            row = qs.aggregate(**fields)
            if grouped:
                shared.update({names[a]: row[a] for a in fields})
            else:
                result[None].update({names[a]: row[a] for a in fields})
    if average:
        _supplement_sums(window, result, grouped=grouped)
    if grouped:
        for counts in result.values():
            counts.update(shared)
        result["shared"] = shared
    return result


def _supplement_sums(window: m.Window, result: dict[Any, dict[str, Any]], *, grouped: bool) -> None:
    """2.2: the citizen's supplement time of the completed dossiers, Σ(resumed − requested), as
    Σ(resume − receipt) − Σ(pause − receipt) (portable: sums of durations, not of instants)."""
    since = ExpressionWrapper(F("at") - F("dossier__received_at"), output_field=DurationField())
    fields = {
        "resumed": Sum(since, filter=Q(kind=ClockChangeKind.RESUME)),
        "paused": Sum(since, filter=Q(kind=ClockChangeKind.PAUSE)),
    }
    # The same dossiers as ``_completed`` over ``dossier_source``, as joins (not an IN subquery).
    qs = ClockChange.objects.filter(
        dossier__receiving_unit__path__startswith=window.path,
        dossier__received_at__gte=window.period.start,
        dossier__received_at__lt=window.period.end,
        dossier__status__in=m.COMPLETED,
        kind__in=[ClockChangeKind.PAUSE, ClockChangeKind.RESUME],
    )
    rows = (
        list(qs.values("dossier__receiving_unit_id").annotate(**fields).order_by())
        if grouped
        else [{"dossier__receiving_unit_id": None, **qs.aggregate(**fields)}]
    )
    for row in rows:
        supplement = (row["resumed"] or timedelta(0)) - (row["paused"] or timedelta(0))
        result[row["dossier__receiving_unit_id"]][f"{AVERAGE_TIME}:supplement"] = supplement


def _average_time(indicator: Indicator, counts: dict[str, Any]) -> IndicatorResult:
    completed = int(counts.get(f"{AVERAGE_TIME}:d") or 0)
    elapsed = (counts.get(f"{AVERAGE_TIME}:elapsed") or timedelta(0)) - (counts.get(f"{AVERAGE_TIME}:supplement") or timedelta(0))
    status = Status.OK if completed else Status.NO_DATA
    days = round2(Decimal(elapsed.total_seconds()) / DAY)
    rate = round2(days / completed) if completed else None
    return IndicatorResult(
        indicator.code, indicator.group, indicator.name, days, completed, rate, None, indicator.max_points, status,
        indicator.confirmed, indicator.notes, unit="days",
    )  # fmt: skip


def _result(indicator: Indicator, counts: dict[str, Any]) -> IndicatorResult:
    code = indicator.code
    if code == AVERAGE_TIME:
        return _average_time(indicator, counts)
    if code not in m.MEASURES:
        status = Status.NO_DATA if code in m.NO_DATA else Status.NOT_COMPUTABLE
        why = str(m.NOT_COMPUTABLE.get(code, _("MotCua has no measure for this indicator yet.")))
        return IndicatorResult(
            code, indicator.group, indicator.name, None, None, None, None, indicator.max_points, status, indicator.confirmed, why
        )
    return score_indicator(
        code=code,
        group=indicator.group,
        name=indicator.name,
        formula=indicator.formula,
        parameters=indicator.parameters or {},
        max_points=indicator.max_points,
        confirmed=indicator.confirmed,
        numerator=int(counts.get(f"{code}:n") or 0),
        denominator=int(counts.get(f"{code}:d") or 0),
        note=indicator.notes,
    )


def _build(
    unit: AdministrativeUnit, period: Period, indicators: list[Indicator], counts: dict[str, Any], grades: list[Grade]
) -> ServiceIndex:
    groups = {code: GroupResult(code, str(name)) for code, name in GROUP_NAMES.items()}
    for indicator in indicators:
        groups[indicator.group].indicators.append(_result(indicator, counts))
    index = ServiceIndex(unit=unit, period=period, groups=list(groups.values()))
    index.grade = grade_for(index.score, [(g.min_score, g) for g in grades])
    return index


def service_index(*, unit: AdministrativeUnit, period: Period, now: datetime | None = None) -> ServiceIndex:
    """The index of a commune, or of a province (all the dossiers of its communes), for a period."""
    indicators = indicators_active()
    window = window_for(unit, period, now=now, lookup_hours=_lookup_hours(indicators))
    counts = _counts(window, [i.code for i in indicators], grouped=False)[None]
    return _build(unit, period, indicators, counts, list(Grade.objects.all()))


# --- Ranking (RULES.md §2.3) ----------------------------------------------------------------------


@dataclass
class RankRow:
    index: ServiceIndex
    rank: int | None = None
    previous_score: Decimal | None = None
    group_ranks: dict[int, int | None] = field(default_factory=dict)

    @property
    def change(self) -> Decimal | None:
        score = self.index.score
        return round2(score - self.previous_score) if score is not None and self.previous_score is not None else None


def province_communes(parent: AdministrativeUnit) -> list[AdministrativeUnit]:
    return list(
        AdministrativeUnit.objects.filter(path__startswith=parent.path, level=UnitLevel.COMMUNE, valid_to__isnull=True)
        .exclude(pk=parent.pk)
        .order_by("code")
    )


def _indices_by_commune(
    parent: AdministrativeUnit,
    communes: list[AdministrativeUnit],
    period: Period,
    indicators: list[Indicator],
    now: datetime | None,
) -> dict[int, ServiceIndex]:
    grades = list(Grade.objects.all())
    window = window_for(parent, period, now=now, lookup_hours=_lookup_hours(indicators))
    # Procedure indicators are the same for every commune: count them at the commune level.
    commune_window = m.Window(parent.path, UnitLevel.COMMUNE, period, window.cutoff, window.lookup_hours)
    counts = _counts(commune_window, [i.code for i in indicators], grouped=True)
    shared = counts.get("shared", {})
    return {u.pk: _build(u, period, indicators, counts.get(u.pk, dict(shared)), grades) for u in communes}


def service_ranking(*, parent: AdministrativeUnit, period: Period, now: datetime | None = None) -> list[RankRow]:
    """The communes of a province ranked by score (the total as a percent of the points that
    could be computed, so a commune is not ranked down for an indicator nobody can compute), with
    their ranks per group and the change of score since the previous period."""
    if parent.level != UnitLevel.PROVINCE:
        raise NotFound(IndexErrorCode.UNIT_NOT_FOUND, _("Rankings are by province: %(code)s is not one.") % {"code": parent.code})
    indicators = indicators_active()
    communes = province_communes(parent)
    current = _indices_by_commune(parent, communes, period, indicators, now)
    previous = _indices_by_commune(parent, communes, period.previous(), indicators, now)
    rows = [RankRow(current[u.pk], previous_score=previous[u.pk].score) for u in communes]
    for row, rank in zip(rows, competition_ranks([r.index.score for r in rows]), strict=True):
        row.rank = rank
    for group in GROUP_NAMES:
        values = [next(g for g in r.index.groups if g.code == group) for r in rows]
        ranks = competition_ranks([score_percent(g.points, g.max) for g in values])
        for row, rank in zip(rows, ranks, strict=True):
            row.group_ranks[group] = rank
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.index.unit.code))
    return rows


# --- Items: why each dossier, petition or procedure counts ----------------------------------------


@dataclass(frozen=True)
class Item:
    code: str
    reason: str
    value: Decimal | None = None  # 2.2: the dossier's processing time in days


@dataclass(frozen=True)
class Items:
    count: int
    items: list[Item]


def items_allowed(user: User | AnonymousUser | None, unit: AdministrativeUnit) -> bool:
    """Staff of the unit, or of a unit above it (its province), holding ``INDEX_ITEMS_VIEW``."""
    return bool(user is not None and user.is_authenticated and user.has_perm(INDEX_ITEMS_VIEW) and unit_in_scope(user, unit))


def _when(value: datetime | None) -> str:
    return timezone.localtime(value, VN).strftime("%d/%m/%Y %H:%M") if value else "—"


def indicator_get(code: str) -> Indicator:
    indicator = Indicator.objects.filter(code=code, active=True).first()
    if indicator is None:
        raise NotFound(IndexErrorCode.INDICATOR_NOT_FOUND, _("No indicator has the code %(code)s.") % {"code": code})
    return indicator


def indicator_items(
    *,
    user: User | AnonymousUser | None,
    unit: AdministrativeUnit,
    period: Period,
    code: str,
    part: Part = Part.NUMERATOR,
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
) -> Items:
    """The items of an indicator's numerator or denominator, each with its reason; exactly as
    many as the number on the index (the same query conditions)."""
    if not items_allowed(user, unit):
        raise PermissionDenied(IndexErrorCode.FORBIDDEN, _("You do not have permission to do this."))
    indicator = indicator_get(code)
    window = window_for(unit, period, now=now, lookup_hours=_lookup_hours([indicator]))
    if code == AVERAGE_TIME:
        return _average_items(window, limit=limit, offset=offset)
    measure = m.MEASURES.get(code)
    if measure is None:
        raise NotFound(IndexErrorCode.NO_ITEMS, _("This indicator is not computed from MotCua's data: it has no items."))
    chosen = measure.numerator if part == Part.NUMERATOR else measure.denominator
    qs = m.SOURCES[chosen.source](window).filter(chosen.condition(window))
    if chosen.distinct:
        procedures = Procedure.objects.filter(pk__in=qs.values("procedure_id")).order_by("code")
        return _procedure_items(code, procedures, part, limit=limit, offset=offset)
    if chosen.source == m.PROCEDURE:
        return _procedure_items(code, qs.order_by("code"), part, limit=limit, offset=offset)
    if chosen.source == m.PETITION:
        return _petition_items(code, window, qs, limit=limit, offset=offset)
    return _dossier_items(code, window, qs, limit=limit, offset=offset)


def _procedure_items(code: str, qs: QuerySet[Procedure], part: Part, *, limit: int, offset: int) -> Items:
    count = qs.count()
    rows = list(qs.values("code", "online_level")[offset : offset + limit])
    if code == "1.3":
        text = _("All seven components published.") if part == Part.NUMERATOR else _("Published procedure of the unit's level.")
        return Items(count, [Item(r["code"], text) for r in rows])
    if code in ("4.5a",):
        text = (
            _("At least one dossier whose applicant was looked up in the population registry.")
            if part == Part.NUMERATOR
            else _("At least one dossier of a person received in the period.")
        )
        return Items(count, [Item(r["code"], text) for r in rows])
    if code == "3.2" and part == Part.NUMERATOR:
        return Items(count, [Item(r["code"], _("At least one online dossier received in the period.")) for r in rows])
    return Items(count, [Item(r["code"], _("Online level: %(level)s.") % {"level": r["online_level"]}) for r in rows])


def _petition_items(code: str, window: m.Window, qs: QuerySet[Petition], *, limit: int, offset: int) -> Items:
    count = qs.count()
    merged = Exists(Petition.objects.unrestricted(m.SYSTEM_READ).filter(merged_into=OuterRef("pk")))
    rows = list(qs.annotate(idx_merged=merged).order_by("received_at", "pk")[offset : offset + limit])
    items = []
    for p in rows:
        bits = [_("received %(at)s") % {"at": _when(p.received_at)}]
        if code == "5.1":
            bits.append(_("reporting class: %(c)s") % {"c": p.get_report_class_display() or _("not classified")})
        else:
            if p.approved_at is not None and p.approved_at < window.cutoff:
                verdict = _("on time") if p.answered_on_time else _("late")
                bits.append(
                    _("answer approved %(at)s, due %(due)s: %(v)s")
                    % {"at": _when(p.approved_at), "due": _when(p.answer_due_at), "v": verdict}
                )
            else:
                state = _("within time") if p.answer_due_at >= window.cutoff else _("overdue")
                bits.append(
                    _("not answered by %(at)s, due %(due)s: %(v)s")
                    % {"at": _when(window.cutoff), "due": _when(p.answer_due_at), "v": state}
                )
            if code == "5.3":
                if p.verdict:
                    bits.append(_("petitioner's verdict: %(v)s") % {"v": p.get_verdict_display()})
                if p.reopen_count:
                    bits.append(_("reopened"))
                if p.idx_merged:
                    bits.append(_("a repeated petition was merged into it"))
        items.append(Item(p.code, "; ".join(bits)))
    return Items(count, items)


def _events_by_dossier(ids: list[int]) -> dict[int, list[tuple[str, datetime]]]:
    events: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    for dossier_id, action, at in (
        DossierEvent.objects.filter(dossier_id__in=ids).order_by("dossier_id", "seq").values_list("dossier_id", "action", "at")
    ):
        events[dossier_id].append((action, at))
    return events


def _dossier_rows(window: m.Window, qs: QuerySet[Dossier], *, limit: int, offset: int) -> tuple[int, list[Dossier]]:
    count = qs.count()
    levels = [int(level) for level in DISLIKE_LEVELS]
    annotated = qs.annotate(
        v_end=F("idx_end"),
        v_pause=F("idx_pause"),
        v_petition=Exists(Petition.objects.unrestricted(m.SYSTEM_READ).filter(dossier=OuterRef("pk"))),
        v_dislike=Exists(Rating.objects.unrestricted(m.SYSTEM_READ).filter(dossier=OuterRef("pk"), overall__in=levels)),
        v_result=Exists(Document.objects.filter(dossier=OuterRef("pk"), is_result=True).exclude(file="")),
        v_digitised=Exists(Document.objects.filter(dossier=OuterRef("pk"), is_result=False, digitized=True)),
        v_reused=Exists(Document.objects.filter(dossier=OuterRef("pk"), source_document__isnull=False)),
        v_lookup=m.population_lookup(window.lookup_hours),
    ).select_related("receiving_unit", "procedure")
    return count, list(annotated.order_by("received_at", "pk")[offset : offset + limit])


def timeliness_reason(row: Dossier, window: m.Window, events: list[tuple[str, datetime]]) -> str:
    """Why a dossier is within time or not in 2.1 (RULES.md §1.6): end of processing,
    appointment, supplement time subtracted, pending supplement, two requests."""
    end: datetime | None = row.v_end  # type: ignore[attr-defined]  # annotation
    bits = [_("received %(at)s") % {"at": _when(row.received_at)}]
    if row.received_at is not None and row.received_at < window.period.start:
        bits.append(_("carried over: still in processing when the period began"))
    calendar = calendar_for(row.receiving_unit)
    outcome = clock.dossier_outcome(events, due_at=row.due_at, received_at=row.received_at, calendar=calendar)
    due = _when(row.due_at)
    pending = row.status == DossierStatus.SUPPLEMENT_REQUESTED
    if end is not None and end < window.cutoff:
        if pending and row.supplement_count >= 2:
            bits.append(_("waiting for a supplement after %(n)s requests: late") % {"n": row.supplement_count})
        elif pending:
            ok = row.due_at is not None and end <= row.due_at
            bits.append(
                _("waiting for the applicant since the supplement request of %(at)s, judged at it against %(due)s: %(v)s")
                % {"at": _when(end), "due": due, "v": _("within time") if ok else _("late")}
            )
        else:
            end_at = outcome.end_at or end
            label = (
                Timeliness(row.timeliness).label
                if row.timeliness
                else (_("on time") if row.due_at and end_at <= row.due_at else _("late"))
            )
            bits.append(
                _("end of processing %(at)s (%(status)s), appointment %(due)s: %(v)s")
                % {"at": _when(end_at), "status": row.get_status_display(), "due": due, "v": label}
            )
            if outcome.supplement_pending and outcome.end_at is not None and outcome.end_at < end:
                bits.append(_("refused or stopped while a supplement was pending: it ends at the request"))
    else:
        ok = row.due_at is not None and row.due_at >= window.cutoff
        bits.append(
            _("still open at %(at)s, appointment %(due)s: %(v)s")
            % {"at": _when(window.cutoff), "due": due, "v": _("within time") if ok else _("overdue")}
        )
    if outcome.supplement_days > 0:
        bits.append(
            _("supplement time subtracted: %(days)s working days (the appointment moved by it)")
            % {"days": clock.days_text(clock.as_days(outcome.supplement_days))}
        )
    return "; ".join(bits)


def _dossier_items(code: str, window: m.Window, qs: QuerySet[Dossier], *, limit: int, offset: int) -> Items:
    count, rows = _dossier_rows(window, qs, limit=limit, offset=offset)
    events = _events_by_dossier([r.pk for r in rows]) if code in ("2.1", "5.4") else {}
    items = []
    for r in rows:
        a: Any = r  # the annotations
        if code in ("2.1", "5.4"):
            reason = timeliness_reason(r, window, events.get(r.pk, []))
            if code == "5.4":
                flags = [_("drew a petition") if a.v_petition else _("no petition")]
                flags.append(_("rated with a dislike") if a.v_dislike else _("no dislike"))
                reason = "; ".join([reason, *flags])
        elif code in ("3.0", "3.3"):
            reason = _("received %(at)s, channel: %(channel)s") % {
                "at": _when(r.received_at),
                "channel": Channel(r.channel).label,
            }
        elif code == "4.1":
            reason = "; ".join([r.get_status_display(), _("result file attached") if a.v_result else _("no result file")])
        elif code == "4.2":
            digitised = _("a digitised component") if a.v_digitised else _("no digitised component")
            result = _("result file attached") if a.v_result else _("no result file")
            reason = "; ".join([digitised, r.get_status_display(), result])
        elif code == "4.3":
            reason = _("a document reused from an earlier dossier") if a.v_reused else _("no reused document")
        elif a.v_lookup:  # 4.5b
            reason = _("applicant looked up in the population registry before receipt")
        else:
            reason = _("no population-registry look-up before receipt")
        items.append(Item(r.code, reason))
    return Items(count, items)


def _average_items(window: m.Window, *, limit: int, offset: int) -> Items:
    """2.2: the completed dossiers, each with its processing time (receipt → end of processing,
    minus the supplement time, in days; the same arithmetic as the aggregate)."""
    qs = m.dossier_source(window).filter(_completed(window))
    count = qs.count()
    rows = list(qs.annotate(v_end=F("idx_end")).order_by("received_at", "pk")[offset : offset + limit])
    changes: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    for dossier_id, kind, at in ClockChange.objects.filter(
        dossier_id__in=[r.pk for r in rows], kind__in=[ClockChangeKind.PAUSE, ClockChangeKind.RESUME]
    ).values_list("dossier_id", "kind", "at"):
        changes[dossier_id].append((kind, at))
    items = []
    for r in rows:
        end: datetime = r.v_end
        assert r.received_at is not None
        supplement = sum(
            ((at - r.received_at) * (1 if kind == ClockChangeKind.RESUME else -1) for kind, at in changes[r.pk]), timedelta(0)
        )
        days = round2(Decimal((end - r.received_at - supplement).total_seconds()) / DAY)
        reason = _("received %(r)s, end of processing %(e)s, supplement time subtracted: %(s)s days: %(d)s days") % {
            "r": _when(r.received_at), "e": _when(end), "s": clock.days_text(round2(Decimal(supplement.total_seconds()) / DAY)),
            "d": clock.days_text(days),
        }  # fmt: skip
        items.append(Item(r.code, reason, days))
    return Items(count, items)

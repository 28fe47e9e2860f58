"""Reads of ratings (RULES.md §3.2, §2.2 indicator 5.4).

Privacy rules (docs/satisfaction.md):

- staff see ratings only as aggregates per unit and period, and a group of fewer than
  ``MIN_GROUP`` ratings is suppressed (``rating_aggregates``); only periods that have ended
  are shown, grouped by the day of the rating, so a figure never changes after it is shown and
  one new rating cannot be read off the difference between two looks;
- individual ratings of a dossier or a unit are shown only to a leader of that unit (their own
  unit or one below it), and every drill-down is audited as ``rating.drilldown``
  (``rating_drilldown``, ``rating_of_dossier``); refused attempts are audited as ``rating.denied``;
- ``dislike_dossiers`` is the 5.4 input for the index computation, a system read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.choices import Role
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.models import AdministrativeUnit
from motcua.core.permissions import RATING_AGGREGATE_VIEW, RATING_DRILLDOWN, user_roles
from motcua.core.scoping import user_unit, user_unit_code
from motcua.dossiers.choices import RATABLE_STATUSES, DossierAction
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.satisfaction.choices import DISLIKE_LEVELS, Level
from motcua.satisfaction.exceptions import SatisfactionErrorCode
from motcua.satisfaction.models import Rating, RatingCriterion

Actor = User | AnonymousUser | None

# The smallest group whose figures staff may see (a k-anonymity threshold).
MIN_GROUP = 5


@dataclass(frozen=True)
class RatingSummary:
    count: int
    average: float | None
    satisfied_share: float | None  # satisfied + very satisfied, the SIPAS-style share


@dataclass(frozen=True)
class RatingGroup:
    """The ratings of one unit in one period. Counts are None when the group is suppressed."""

    unit_code: str
    unit_name: str
    suppressed: bool
    count: int | None
    by_level: dict[Level, int] | None
    dislikes: int | None
    dislike_rate: float | None  # dislikes ÷ count, rounded to 4 decimals


@dataclass(frozen=True)
class RatingRow:
    """One rating as a leader's drill-down shows it (nothing about the applicant)."""

    dossier_code: str
    procedure_code: str
    rated_on: date
    overall: Level
    dislike: bool
    answers: dict[str, int]
    comment: str
    channel: str


def rating_summary(*, user: User | AnonymousUser, since: date | None = None) -> RatingSummary:
    qs = Rating.objects.restrict(user, "aggregate")
    if since is not None:
        qs = qs.filter(month__gte=since)
    agg = qs.aggregate(n=Count("id"), avg=Avg("overall"), good=Count("id", filter=Q(overall__gte=4)))
    n = agg["n"] or 0
    return RatingSummary(n, float(agg["avg"]) if agg["avg"] is not None else None, (agg["good"] / n) if n else None)


def active_criteria() -> list[RatingCriterion]:
    return list(RatingCriterion.objects.filter(active=True))


def rating_details_open(rating: Rating, *, today: date | None = None) -> bool:
    """Whether the applicant may still add the optional details to ``rating``: on the day it
    was given, once, while it has neither answers nor comment."""
    return not rating.answers and not rating.comment and rating.created_at == (today or timezone.localdate())


def rating_for_link(dossier: Dossier) -> Rating | None:
    """The rating of the dossier a signed rating link named (``dossiers.ratings.dossier_for_token``)."""
    return Rating.objects.unrestricted("the applicant's own signed rating link").filter(dossier=dossier).first()


# Waiting dossiers older than this are not offered on the counter's tablet: the citizen who
# was served has gone, and the next one must not rate someone else's dossier.
KIOSK_WINDOW = timedelta(minutes=30)


def kiosk_next_dossier(*, user: Actor, now: datetime | None = None) -> Dossier | None:
    """The dossier the counter's tablet offers to rate: the last one this officer closed
    (returned, refused or stopped) in the last ``KIOSK_WINDOW``, in their scope, not yet
    rated. None for anyone else."""
    if not isinstance(user, User) or not user.is_active:
        return None
    since = (now or timezone.now()) - KIOSK_WINDOW
    waiting = Dossier.objects.restrict(user, "view").filter(status__in=list(RATABLE_STATUSES), rated=False)
    event = (
        DossierEvent.objects.filter(
            actor=user,
            action__in=[DossierAction.RETURN_RESULT, DossierAction.REFUSE, DossierAction.STOP],
            at__gte=since,
            dossier__in=waiting,
        )
        .select_related("dossier__procedure")
        .order_by("-at", "-id")
        .first()
    )
    return event.dossier if event else None


# --- Guards ------------------------------------------------------------------------------------


def _deny(user: Actor, *, attempt: str, object_type: str = "", object_id: str = "", not_found: bool = False) -> DomainError:
    """Audit a refused attempt (committed on its own) and return the error to raise."""
    with transaction.atomic():
        audit_record(
            action="rating.denied",
            actor=user,
            unit_code=user_unit_code(user),
            object_type=object_type,
            object_id=object_id,
            data={"attempt": attempt},
        )
    if not_found:
        return NotFound(SatisfactionErrorCode.RATING_NOT_FOUND, _("Nothing to show for this unit or dossier."))
    return PermissionDenied(SatisfactionErrorCode.FORBIDDEN, _("You do not have permission to do this."))


def _period_check(start: date, end: date, *, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if end <= start:
        raise DomainError(
            SatisfactionErrorCode.RATING_PERIOD_INVALID,
            _("The period must end after it starts."),
            fields={"end": _("Too early.")},
        )
    if end > today:
        raise DomainError(
            SatisfactionErrorCode.RATING_PERIOD_OPEN,
            _("Ratings are shown for periods that have ended; this one ends on %(day)s.")
            % {"day": (end - timedelta(days=1)).strftime("%d/%m/%Y")},
            fields={"end": _("Not ended yet.")},
        )


def _leader_of(user: Actor, unit: AdministrativeUnit) -> bool:
    """A leader whose own unit is ``unit`` or above it (not widened by other roles)."""
    if not isinstance(user, User) or not user.is_active or not user.has_perm(RATING_DRILLDOWN):
        return False
    if Role.LEADER not in user_roles(user):
        return False
    own = user_unit(user)
    return own is not None and unit.path.startswith(own.path)


# --- Aggregates (any staff member with the permission, in scope) -------------------------------


def rating_aggregates(
    *, user: Actor, start: date, end: date, unit_code: str | None = None, today: date | None = None
) -> list[RatingGroup]:
    """Counts per level and the dislike rate per unit in scope, for ratings given on days in
    [start, end). Groups under ``MIN_GROUP`` are suppressed. ``unit_code`` narrows to one unit
    (404 outside the user's scope)."""
    if not isinstance(user, User) or not user.is_active or not user.has_perm(RATING_AGGREGATE_VIEW):
        raise _deny(user, attempt="aggregates", object_type="unit", object_id=unit_code or "")
    _period_check(start, end, today=today)
    units = AdministrativeUnit.objects.filter(valid_to__isnull=True).restrict(user, "view")
    if unit_code is not None:
        units = units.filter(code=unit_code)
        if not units.exists():
            raise _deny(user, attempt="aggregates", object_type="unit", object_id=unit_code, not_found=True)
    names = dict(units.values_list("code", "name"))
    rows = (
        Rating.objects.restrict(user, "aggregate")
        .filter(unit_code__in=list(names), created_at__gte=start, created_at__lt=end)
        .values("unit_code", "overall")
        .annotate(n=Count("id"))
        .order_by()
    )
    levels: dict[str, dict[Level, int]] = {}
    for row in rows:
        levels.setdefault(row["unit_code"], {level: 0 for level in Level})[Level(row["overall"])] = row["n"]
    groups = []
    for code in sorted(levels):
        by_level = levels[code]
        count = sum(by_level.values())
        if count < MIN_GROUP:
            groups.append(RatingGroup(code, names[code], True, None, None, None, None))
            continue
        dislikes = sum(n for level, n in by_level.items() if level in DISLIKE_LEVELS)
        groups.append(RatingGroup(code, names[code], False, count, by_level, dislikes, round(dislikes / count, 4)))
    return groups


# --- Drill-down (leaders of the unit; audited) ------------------------------------------------


def _row(rating: Rating, dossier_code: str) -> RatingRow:
    return RatingRow(
        dossier_code=dossier_code,
        procedure_code=rating.procedure_code,
        rated_on=rating.created_at,
        overall=Level(rating.overall),
        dislike=rating.overall in DISLIKE_LEVELS,
        answers=dict(rating.answers),
        comment=rating.comment,
        channel=rating.channel,
    )


def rating_drilldown(*, user: Actor, unit_code: str, start: date, end: date) -> list[RatingRow]:
    """The individual ratings of one unit given on days in [start, end), for a leader of the
    unit. Audited as ``rating.drilldown`` (with the number of ratings shown)."""
    unit = AdministrativeUnit.objects.filter(code=unit_code, valid_to__isnull=True).first()
    if unit is None or not _leader_of(user, unit):
        not_found = unit is None or (isinstance(user, User) and user.has_perm(RATING_DRILLDOWN))
        raise _deny(user, attempt="drilldown", object_type="unit", object_id=unit_code, not_found=not_found)
    if end <= start:
        raise DomainError(
            SatisfactionErrorCode.RATING_PERIOD_INVALID,
            _("The period must end after it starts."),
            fields={"end": _("Too early.")},
        )
    ratings = list(
        Rating.objects.restrict(user, "drilldown")
        .filter(unit_code=unit_code, created_at__gte=start, created_at__lt=end)
        .select_related("dossier")
        .order_by("created_at", "id")
    )
    rows = [_row(r, r.dossier.code if r.dossier else "") for r in ratings]
    with transaction.atomic():
        audit_record(
            action="rating.drilldown",
            actor=user,
            unit_code=user_unit_code(user),
            object_type="unit",
            object_id=unit_code,
            data={"start": start.isoformat(), "end": end.isoformat(), "shown": len(rows)},
        )
    return rows


def rating_of_dossier(*, user: Actor, code: str) -> RatingRow | None:
    """The rating of one dossier (None if it was not rated), for a leader of its receiving
    unit. Audited as ``rating.drilldown`` on the dossier."""
    dossier = Dossier.objects.restrict(user, "view").select_related("receiving_unit").filter(code=code).first()
    if dossier is None or not _leader_of(user, dossier.receiving_unit):
        # Missing and out of scope look the same (404) to whoever may drill down; others are refused.
        not_found = isinstance(user, User) and user.has_perm(RATING_DRILLDOWN)
        raise _deny(user, attempt="drilldown", object_type="dossier", object_id=code, not_found=not_found)
    rating = Rating.objects.restrict(user, "drilldown").filter(dossier=dossier).first()
    with transaction.atomic():
        audit_record(
            action="rating.drilldown",
            actor=user,
            unit_code=user_unit_code(user),
            object_type="dossier",
            object_id=code,
            data={"shown": 1 if rating else 0},
        )
    return _row(rating, code) if rating else None


# --- Indicator 5.4 input (system read for the index computation) ------------------------------


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def dislike_dossiers(*, unit: AdministrativeUnit, start: date, end: date) -> QuerySet[Dossier]:
    """RULES.md §2.2 indicator 5.4: the dossiers of ``unit`` (and the units below it) counted in
    [start, end) that drew a "dislike" (overall level in ``DISLIKE_LEVELS``).

    A dossier is counted by its receipt date (§2.2 shared conventions); one refused before
    receipt (online, never received) by its submission date. For the index computation only:
    it names individual dossiers, so it must not be shown to staff (count it, or union it with
    the dossiers that drew a petition, by id).
    """
    since, until = _day_start(start), _day_start(end)
    counted = Q(received_at__gte=since, received_at__lt=until) | Q(
        received_at__isnull=True, submitted_at__gte=since, submitted_at__lt=until
    )
    rated_badly = Rating.objects.unrestricted("indicator 5.4: a system read for the index").filter(
        overall__in=[level.value for level in DISLIKE_LEVELS], dossier__isnull=False
    )
    return (
        Dossier.objects.unrestricted("indicator 5.4: a system read for the index")
        .filter(counted, receiving_unit__path__startswith=unit.path)
        .filter(pk__in=rated_badly.values("dossier_id"))
        .order_by("pk")
    )


def month_bounds(value: str | None, *, today: date | None = None) -> tuple[date, date]:
    """``YYYY-MM`` → (first day, first day of the next month); by default the last ended month."""
    today = today or timezone.localdate()
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        start = date(year, month, 1)
    except ValueError:
        this = today.replace(day=1)
        start = this.replace(year=this.year - 1, month=12) if this.month == 1 else this.replace(month=this.month - 1)
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, end

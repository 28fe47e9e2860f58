"""Enumerations of the catalogue, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeUnit(models.TextChoices):
    """The unit of a lead time.

    The national portal offers "Ngày làm việc", "Ngày" and "Giờ". "Ngày" is kept apart from
    "Ngày làm việc" (calendar days, Civil Code Art. 146–148) and "Giờ" means elapsed hours;
    the working-hour unit exists for texts that say "giờ làm việc" (customs inspections).
    ``SAME_DAY`` is its own unit, not "1 working day": "trong ngày", "ngay trong ngày", "ngay
    sau khi nhận đủ hồ sơ" (RULES.md §1.6; Decree 23/2015 Art. 7 as amended by Decree
    280/2025). Its value is always 0.
    """

    WORKING_DAY = "working_day", _("working days")
    CALENDAR_DAY = "calendar_day", _("calendar days")
    WORKING_HOUR = "working_hour", _("working hours")
    HOUR = "hour", _("hours")
    SAME_DAY = "same_day", _("within the day")


class Channel(models.TextChoices):
    """How a dossier can be submitted (Decree 118/2025 Art. 15)."""

    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    POSTAL = "postal", _("By post")


# The channel names as written on the national portal.
CHANNEL_BY_SOURCE_NAME: dict[str, Channel] = {
    "trực tiếp": Channel.IN_PERSON,
    "trực tuyến": Channel.ONLINE,
    "dịch vụ bưu chính": Channel.POSTAL,
}


class OnlineLevel(models.TextChoices):
    """How much of the procedure can be done online (Decree 224/2026: end-to-end by default)."""

    FULL = "full", _("End-to-end online")
    PARTIAL = "partial", _("Partly online")
    NONE = "none", _("Not online")
    UNKNOWN = "unknown", _("Not stated")

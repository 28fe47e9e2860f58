"""The procedure catalogue: sectors, procedures and their structured parts."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.catalog.choices import Channel, OnlineLevel, TimeUnit
from motcua.catalog.parsing import drop_repeated_words, excerpt, split_agencies
from motcua.core.text import decimal_text, fold
from motcua.core.urls_public import public_url


def format_number(value: Decimal) -> str:
    """5.00 → "5", 0.50 → "0,5" in Vietnamese ("0.5" in English): ``core.text.decimal_text``."""
    return decimal_text(value, separator=str(formats.get_format("DECIMAL_SEPARATOR")))


def format_amount(amount: int) -> str:
    """10000 → "10.000" in Vietnamese, "10,000" in English (Django's vi format has no grouping)."""
    return f"{amount:,}".replace(",", str(formats.get_format("THOUSAND_SEPARATOR")))


def format_duration(value: Decimal | None, unit: str) -> str:
    """A lead time in words: "5 ngày làm việc", "8 giờ" (in the active language)."""
    if unit == TimeUnit.SAME_DAY:
        return str(TimeUnit.SAME_DAY.label)
    if value is None or not unit:
        return ""
    count = int(value) if value == value.to_integral_value() else 2  # a fraction reads as plural in English
    number = format_number(value)
    if unit == TimeUnit.WORKING_DAY:
        return ngettext("%(n)s working day", "%(n)s working days", count) % {"n": number}
    if unit == TimeUnit.CALENDAR_DAY:
        return ngettext("%(n)s day", "%(n)s days", count) % {"n": number}
    if unit == TimeUnit.WORKING_HOUR:
        return ngettext("%(n)s working hour", "%(n)s working hours", count) % {"n": number}
    if unit == TimeUnit.HOUR:
        return ngettext("%(n)s hour", "%(n)s hours", count) % {"n": number}
    return f"{number} {unit}"


def fees_display(fees: Iterable[ProcedureFee]) -> str:
    """A procedure's fees on one line, each distinct amount once: "Miễn phí"; "Miễn phí (Trực
    tuyến); 5.000 đồng (Trực tiếp)" when the channels differ. Three channels that are all free
    read "Miễn phí", never "miễn phí miễn phí miễn phí"."""
    shown: dict[str, list[str]] = {}
    for fee in fees:
        amount = fee.amount_display or fee.description
        if not amount:
            continue
        channels = shown.setdefault(excerpt(amount, 80), [])
        label = str(fee.get_channel_display()) if fee.channel else ""
        if label and label not in channels:
            channels.append(label)
    if len(shown) == 1:
        return drop_repeated_words(next(iter(shown)))
    return "; ".join(
        drop_repeated_words(f"{amount} ({', '.join(channels)})" if channels else amount) for amount, channels in shown.items()
    )


class Sector(models.Model):
    """A field of administrative procedures (lĩnh vực), e.g. "Hộ tịch"."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    slug = models.SlugField(_("short name in addresses"), max_length=120, unique=True)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name_folded"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="catalog_sector_name_not_empty"),
            models.CheckConstraint(condition=~Q(slug=""), name="catalog_sector_slug_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep the folded name in step; a renamed sector re-folds its procedures' search text."""
        self.name_folded = fold(self.name)
        if not self.slug:
            self.slug = self.slug_for(self.name)
        super().save(*args, **kwargs)
        procedures = list(self.procedures.all())
        for procedure in procedures:
            procedure.search_text = Procedure.build_search_text(procedure.code, procedure.name, self.name)
        Procedure.objects.bulk_update(procedures, ["search_text"], batch_size=500)

    @staticmethod
    def slug_for(name: str) -> str:
        return slugify(fold(name))[:120] or "linh-vuc"


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) as published on the national portal.

    Imported fields are overwritten by a re-import; ``service_norm_*``, ``receipt_cutoff``,
    ``online_level``, ``is_published`` and the validity dates are local and kept.
    """

    code = models.CharField(_("procedure code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=1000)
    name_folded = models.CharField(max_length=1000, editable=False)
    # Folded code + name + sector: what the catalogue search looks in.
    search_text = models.TextField(editable=False, default="")
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="procedures")
    implementing_level = models.CharField(_("implementing level"), max_length=200, blank=True)
    level_ministry = models.BooleanField(_("ministry level"), default=False)
    level_province = models.BooleanField(_("province level"), default=False)
    level_commune = models.BooleanField(_("commune level"), default=False)
    level_other = models.BooleanField(_("other agency"), default=False)
    procedure_type = models.CharField(_("procedure type"), max_length=200, blank=True)
    decision_no = models.CharField(_("publication decision"), max_length=100, blank=True)
    subjects = models.TextField(_("who may apply"), blank=True)
    competent_agency = models.TextField(_("competent agency"), blank=True)
    implementing_agency = models.TextField(_("implementing agency"), blank=True)
    coordinating_agency = models.TextField(_("coordinating agency"), blank=True)
    receiving_address = models.TextField(_("where to submit"), blank=True)
    steps = models.TextField(_("steps"), blank=True)
    requirements = models.TextField(_("requirements and conditions"), blank=True)
    result = models.TextField(_("result"), blank=True)
    documents_note = models.TextField(_("notes on the documents"), blank=True)
    lead_time_value = models.DecimalField(_("lead time"), max_digits=8, decimal_places=2, null=True, blank=True)
    lead_time_unit = models.CharField(_("lead time unit"), max_length=20, choices=TimeUnit.choices, blank=True)
    lead_time_text = models.CharField(_("lead time as published"), max_length=200, blank=True)
    lead_time_assumed = models.BooleanField(
        _("lead time unit inferred"), default=False, help_text=_("The published time had no unit; the unit was inferred.")
    )
    service_norm_value = models.DecimalField(
        _("internal service norm"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The unit's own target, shorter than or equal to the legal lead time."),
    )
    service_norm_unit = models.CharField(_("service norm unit"), max_length=20, choices=TimeUnit.choices, blank=True)
    receipt_cutoff = models.TimeField(
        _("receipt cut-off"),
        null=True,
        blank=True,
        help_text=_(
            "Same-day procedures only: a dossier received after this time is due at the close of the next "
            "working day. Periods of N days never use a cut-off. Empty: the default (15:00)."
        ),
    )
    online_level = models.CharField(
        _("online service level"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.UNKNOWN
    )
    is_published = models.BooleanField(_("published"), default=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until (exclusive)"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # What the importer could not parse: [{"field", "raw", "reason", "detail"}].
    parse_notes = models.JSONField(_("import notes"), default=list, blank=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["name_folded"]
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="catalog_procedure_code_not_empty"),
            models.CheckConstraint(
                condition=Q(lead_time_value__isnull=True) | Q(lead_time_value__gte=0),
                name="catalog_procedure_lead_time_not_negative",
            ),
            models.CheckConstraint(
                condition=(Q(lead_time_value__isnull=True) & Q(lead_time_unit=""))
                | (Q(lead_time_value__isnull=False) & Q(lead_time_unit__in=TimeUnit.values)),
                name="catalog_procedure_lead_time_unit_with_value",
            ),
            models.CheckConstraint(
                condition=~Q(lead_time_unit=TimeUnit.SAME_DAY) | Q(lead_time_value=0),
                name="catalog_procedure_same_day_value_zero",
            ),
            models.CheckConstraint(
                condition=Q(service_norm_value__isnull=True) | Q(service_norm_value__gte=0),
                name="catalog_procedure_service_norm_not_negative",
            ),
            models.CheckConstraint(
                condition=(Q(service_norm_value__isnull=True) & Q(service_norm_unit=""))
                | (Q(service_norm_value__isnull=False) & Q(service_norm_unit__in=TimeUnit.values)),
                name="catalog_procedure_service_norm_unit_with_value",
            ),
            models.CheckConstraint(condition=Q(online_level__in=OnlineLevel.values), name="catalog_procedure_online_level_valid"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="catalog_procedure_validity_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Re-fold the search columns on every save (admin edits included)."""
        self.name_folded = fold(self.name)
        self.search_text = self.build_search_text(self.code, self.name, self.sector.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "name_folded", "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("catalog:detail", args=[self.code])

    @staticmethod
    def build_search_text(code: str, name: str, sector_name: str) -> str:
        return fold(f"{code} {name} {sector_name}")

    @property
    def public_url(self) -> str:
        """The page's full address (what its QR code holds): ``core.urls_public.public_url``."""
        return public_url(self.get_absolute_url())

    @property
    def lead_time_display(self) -> str:
        return format_duration(self.lead_time_value, self.lead_time_unit)

    @property
    def service_norm_display(self) -> str:
        return format_duration(self.service_norm_value, self.service_norm_unit)

    @property
    def fees_display(self) -> str:
        """The fees on one line (``fees_display``), from the prefetched fees when there are."""
        return fees_display(self.fees.all())

    @property
    def competent_agencies(self) -> list[str]:
        return split_agencies(self.competent_agency)

    @property
    def default_competent_agency(self) -> str:
        """A commune-level procedure that names no competent agency is decided by the commune
        People's Committee (shown "theo mặc định"); "" when an agency is named or the procedure
        is not commune-level."""
        if self.competent_agencies or not self.level_commune:
            return ""
        return str(_("Commune People's Committee"))

    @property
    def is_same_day(self) -> bool:
        """A same-day procedure ("trong ngày"): the only kind the receipt cut-off applies to (RULES.md §1.6)."""
        return self.lead_time_unit == TimeUnit.SAME_DAY

    @property
    def implementing_agencies(self) -> list[str]:
        return split_agencies(self.implementing_agency)

    @property
    def coordinating_agencies(self) -> list[str]:
        return split_agencies(self.coordinating_agency)

    @property
    def levels(self) -> list[str]:
        labels = [
            (self.level_ministry, _("Ministry level")),
            (self.level_province, _("Province level")),
            (self.level_commune, _("Commune level")),
            (self.level_other, _("Other agencies")),
        ]
        return [str(label) for flag, label in labels if flag]


class ProcedureChannel(models.Model):
    """One row of the portal's "Cách thức thực hiện" table: a channel with its time, fee and note."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="channels")
    position = models.PositiveSmallIntegerField(_("position"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    time_value = models.DecimalField(_("time limit"), max_digits=8, decimal_places=2, null=True, blank=True)
    time_unit = models.CharField(_("time unit"), max_length=20, choices=TimeUnit.choices, blank=True)
    time_text = models.CharField(_("time as published"), max_length=200, blank=True)
    time_assumed = models.BooleanField(_("time unit inferred"), default=False)
    fee_text = models.TextField(_("fee as published"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("submission channel")
        verbose_name_plural = _("submission channels")
        ordering = ["procedure", "position"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "position"], name="catalog_channel_position_uniq"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="catalog_channel_channel_valid"),
            models.CheckConstraint(
                condition=Q(time_value__isnull=True) | Q(time_value__gte=0), name="catalog_channel_time_not_negative"
            ),
            models.CheckConstraint(
                condition=(Q(time_value__isnull=True) & Q(time_unit=""))
                | (Q(time_value__isnull=False) & Q(time_unit__in=TimeUnit.values)),
                name="catalog_channel_time_unit_with_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{Channel(self.channel).label} · {self.time_display or self.time_text}"

    @property
    def time_display(self) -> str:
        return format_duration(self.time_value, self.time_unit)


class ProcedureDocument(models.Model):
    """One required document (thành phần hồ sơ)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(_("position"))
    group = models.TextField(_("group heading"), blank=True)
    name = models.TextField(_("document"))
    form_template = models.CharField(_("form file"), max_length=255, blank=True)
    quantity_text = models.CharField(_("quantity as published"), max_length=100, blank=True)
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    note = models.TextField(_("note"), blank=True, help_text=_("What the catalogue says beyond the document itself."))
    conditional = models.BooleanField(
        _("only in some cases"), default=False, help_text=_("Needed only in the case the document's text names.")
    )

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["procedure", "position"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "position"], name="catalog_document_position_uniq"),
            models.CheckConstraint(condition=~Q(name=""), name="catalog_document_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name[:80]

    @property
    def quantity_display(self) -> str:
        parts = []
        if self.originals:
            parts.append(ngettext("%(n)s original", "%(n)s originals", self.originals) % {"n": self.originals})
        if self.copies:
            parts.append(ngettext("%(n)s copy", "%(n)s copies", self.copies) % {"n": self.copies})
        return ", ".join(parts)


class ProcedureFee(models.Model):
    """A fee or charge (phí, lệ phí), for one channel or (channel empty) for all."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField(_("position"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    is_free = models.BooleanField(_("free of charge"), default=False)
    amount_vnd = models.PositiveBigIntegerField(_("amount (đồng)"), null=True, blank=True)
    amount_text = models.CharField(_("amount as published"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    decided_by_province = models.BooleanField(
        _("set by the province"), default=False, help_text=_("The provincial People's Council sets the actual amount.")
    )

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["procedure", "position"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "position"], name="catalog_fee_position_uniq"),
            models.CheckConstraint(condition=Q(channel="") | Q(channel__in=Channel.values), name="catalog_fee_channel_valid"),
            models.CheckConstraint(condition=~(Q(is_free=True) & Q(amount_vnd__gt=0)), name="catalog_fee_free_has_no_amount"),
        ]

    def __str__(self) -> str:
        return self.amount_display or self.description[:80]

    @property
    def amount_display(self) -> str:
        if self.is_free:
            return str(_("Free"))
        if self.amount_vnd is not None:
            return _("%(amount)s VND") % {"amount": format_amount(self.amount_vnd)}
        return self.amount_text


class LegalBasis(models.Model):
    """One legal document the procedure rests on (căn cứ pháp lý)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="legal_bases")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.TextField(_("title"))
    number = models.CharField(_("document number"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal basis")
        ordering = ["procedure", "position"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "position"], name="catalog_legalbasis_position_uniq"),
            models.CheckConstraint(condition=~Q(title=""), name="catalog_legalbasis_title_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title[:80]}".strip()

"""Citizens, their addresses, consents, encrypted face templates and the access log.

A citizen is a national person, not bound to a unit: scoping is by purpose (every read names
one and is logged with the reader's unit) and, for face search, by the unit where a template
was enrolled. Changes belong to the holding unit: ``Citizen``, ``Consent`` and ``FaceTemplate``
declare them as ``restrict(user, action)`` actions ("edit", "merge", "erase"; "manage"). There is
no queryset "view" action on them: a national one would let staff browse every citizen's
consents and templates, which the purpose rule forbids; they are read through the citizen that a
logged, purposeful look-up reached (``citizen.consents``). See docs/identity.md.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.models import AdministrativeUnit
from motcua.core.permissions import ACCESS_LOG_VIEW, CONSENT_MANAGE, IDENTITY_EDIT, IDENTITY_ERASE, IDENTITY_MERGE
from motcua.core.querysets import RestrictedManager, Scope, ScopeRule, Via
from motcua.core.text import fold
from motcua.identity.choices import AccessAction, AccessPurpose, AddressKind, ConsentPurpose, FaceSource, NotifyChannel, Sex


def citizen_ref_new() -> str:
    """A random, URL-safe reference of 128 bits: what URLs carry instead of the database id."""
    return secrets.token_urlsafe(16)


class Citizen(models.Model):
    """``ref`` is the opaque reference that links carry (never the sequential id); ``unit`` is the
    holding unit, where the record was created: only staff of that unit (and above) may change
    its contacts or erase it (docs/identity.md, "Holding unit").

    Scoped for changes only (``strict=False``): reads are national by purpose (an exact personal
    ID, a card scan, a face match, a signed link), each one logged as a ``DataAccess`` row. A
    record without a holding unit is changed by system administrators only."""

    ref = models.CharField(max_length=32, unique=True, default=citizen_ref_new, editable=False)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("holding unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    personal_id = models.CharField(_("personal ID"), max_length=12, unique=True)
    old_id = models.CharField(_("old ID number (CMND)"), max_length=12, blank=True)
    full_name = models.CharField(_("full name"), max_length=200)
    full_name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    card_issue_date = models.DateField(_("card issue date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()
    scope = Scope(
        {
            "edit": ScopeRule(IDENTITY_EDIT, (Via("unit", "unit"),)),  # contacts, card refresh of contacts
            "merge": ScopeRule(IDENTITY_MERGE, (Via("unit", "unit"),)),
            "erase": ScopeRule(IDENTITY_ERASE, (Via("unit", "unit"),)),
        },
        strict=False,
    )

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        ordering = ["full_name_folded", "personal_id"]
        permissions = [
            ("merge_citizen", _("Can merge duplicate citizen records")),
            ("export_citizen", _("Can export everything held about a citizen")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(personal_id__regex=r"^[0-9]{12}$"), name="identity_citizen_personal_id_12_digits"),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="identity_citizen_sex_valid"),
            models.CheckConstraint(condition=~Q(full_name=""), name="identity_citizen_name_required"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.personal_id})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.full_name_folded = fold(self.full_name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Address(models.Model):
    """A residence; ``valid_to`` set means historical. ``unit`` is the current commune when known
    (addresses written before July 2025 have 3–4 levels and keep their text as written)."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(_("kind"), max_length=20, choices=AddressKind.choices)
    text = models.CharField(_("address"), max_length=500)
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("commune"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["citizen", "kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "kind"], condition=Q(valid_to__isnull=True), name="identity_address_one_current_per_kind"
            ),
            models.CheckConstraint(condition=Q(kind__in=AddressKind.values), name="identity_address_kind_valid"),
            models.CheckConstraint(condition=~Q(text=""), name="identity_address_text_required"),
        ]

    def __str__(self) -> str:
        return self.text


class Consent(models.Model):
    """The citizen's consent to one use of their face; withdrawing it deletes its templates.
    ``unit`` is the holding unit (where it was recorded): "manage" (withdraw) is that unit's or
    a unit above it. Strict: every direct read is restricted or says why it is not."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    evidence = models.CharField(_("evidence (form number or how it was given)"), max_length=200)
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(_("given at"))
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = RestrictedManager()
    scope = Scope({"manage": ScopeRule(CONSENT_MANAGE, (Via("unit", "unit"),))})

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="identity_consent_one_active_per_purpose",
            ),
            models.CheckConstraint(condition=Q(purpose__in=ConsentPurpose.values), name="identity_consent_purpose_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id}: {self.purpose}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class FaceTemplate(models.Model):
    """An encrypted 128-d embedding. ``unit`` is where it was enrolled: 1:N search is scoped by it
    (by the purpose's units, ``FACE_SEARCH_SCOPE``). The template goes with its consent: "manage"
    (delete) belongs to the unit holding the consent, wherever the face was enrolled."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="face_templates")
    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="templates")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=20, choices=FaceSource.choices)
    ciphertext = models.BinaryField()
    key_id = models.CharField(max_length=16)
    model_name = models.CharField(max_length=60)
    model_version = models.CharField(max_length=40)
    liveness = models.CharField(max_length=20, default="not_checked")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    last_matched_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedManager()
    scope = Scope({"manage": ScopeRule(CONSENT_MANAGE, (Via("unit", "consent__unit"),))})

    class Meta:
        verbose_name = _("face template")
        verbose_name_plural = _("face templates")
        permissions = [("search_face", _("Can search citizens by face"))]
        indexes = [models.Index(fields=["unit", "id"], name="identity_face_unit_id")]

    def __str__(self) -> str:
        return f"template #{self.pk} of citizen {self.citizen_id}"


class DataAccess(models.Model):
    """One read of a citizen's data or one face match: who, when, why, for which dossier.
    The citizen can read these rows (public access-log page, after a one-time code)."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="accesses")
    accessed_at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("who"), max_length=200)
    agency_name = models.CharField(_("agency"), max_length=255, blank=True)
    unit = models.ForeignKey(AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=30, choices=AccessPurpose.choices)
    action = models.CharField(_("what"), max_length=20, choices=AccessAction.choices)
    dossier_ref = models.CharField(_("dossier"), max_length=60, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = RestrictedManager()
    scope = Scope({"view": ScopeRule(ACCESS_LOG_VIEW, (Via("path", "unit__path"),))})

    class Meta:
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        ordering = ["-accessed_at", "-id"]
        indexes = [models.Index(fields=["citizen", "-accessed_at"], name="identity_access_citizen_time")]

    def __str__(self) -> str:
        return f"{self.accessed_at:%d/%m/%Y %H:%M} {self.actor_name} {self.action}"


class AccessCode(models.Model):
    """A one-time code sent to the citizen's registered phone or e-mail."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="access_codes")
    code_hash = models.CharField(max_length=128)
    channel = models.CharField(max_length=10, choices=NotifyChannel.choices)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("access code")
        verbose_name_plural = _("access codes")

    def __str__(self) -> str:
        return f"code for citizen {self.citizen_id}"

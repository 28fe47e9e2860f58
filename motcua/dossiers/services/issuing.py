"""Issuing slips: numbering, the signer's printed name, the receipt (BM.01) with its control sheet (BM.05)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError
from motcua.core.models import Agency
from motcua.dossiers import numbering
from motcua.dossiers.choices import (
    SlipForm,
)
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.models import CounterVisit, Dossier, Slip
from motcua.dossiers.services.common import next_serial


def _signer_name(signer: User) -> str:
    """The full name a slip prints in its signature block; refused when the account has none
    (RULES.md §1.5: "a staff account without a full name cannot sign")."""
    name = " ".join(signer.get_full_name().split())
    if not name:
        raise DomainError(
            DossierErrorCode.SIGNER_NAME_MISSING,
            _(
                "Your account has no full name, and this slip must print the signer's full name. "
                "Ask an administrator to record your first and last name, then try again."
            ),
            status_code=409,
        )
    return name


def _slip(
    *,
    form: SlipForm,
    agency: Agency,
    at: datetime,
    data: dict[str, Any],
    signer: User | None,
    dossier: Dossier | None = None,
    visit: CounterVisit | None = None,
) -> Slip:
    """Number and record a slip of a dossier or of a counter visit (exactly one of them).
    ``signer``: the person whose name the slip prints (None only for a form without a signature
    block, BM.05)."""
    if signer is not None:
        _signer_name(signer)
    year = timezone.localtime(at).year
    serial = next_serial(numbering.slip_counter_key(form, agency.pk, year))
    if form == SlipForm.RECEIPT:
        # BM.01 "Quyển số … Số thứ tự …": one book per receiving agency per year, whose
        # sequence is the receipt serial; fixed at issue like the number.
        data = {**data, "book": numbering.book_number(year), "book_serial": serial}
    return Slip.objects.create(
        dossier=dossier,
        visit=visit,
        form=form,
        agency=agency,
        year=year,
        serial=serial,
        number=numbering.slip_number(form, serial),
        issued_at=at,
        data=data,
    )

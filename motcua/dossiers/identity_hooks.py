"""What dossiers adds to a recognised citizen at the counter (identity never imports dossiers).

Registered in ``DossiersConfig.ready()`` with ``motcua.identity.hooks``:
* counter profile: the citizen's earlier dossiers the officer may see, and the reusable
  digitized documents from them (offered for reuse on the new intake);
* export: the citizen's dossiers the officer may see (``Dossier.objects.restrict(user, "view")``);
  every one of them in the citizen's own export (data-subject access, Law 91/2025);
* erasure: dossiers are administrative records kept under the archives rules, so erasing the
  citizen's identity record leaves them in place (the provider says so in the log).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.http import urlencode

from motcua.dossiers.models import Document, Dossier
from motcua.identity.links import citizen_link

MAX_EARLIER = 20


def dossiers_for_counter(*, user: User, citizen: Any, purpose: str, dossier_ref: str = "") -> dict[str, Any]:
    earlier = list(
        Dossier.objects.restrict(user, "view")
        .filter(applicant_id_number=citizen.personal_id)
        .select_related("procedure")
        .order_by("-received_at", "-id")[:MAX_EARLIER]
    )
    documents = (
        Document.objects.filter(dossier__in=[d.pk for d in earlier], reusable=True, digitized=True)
        .exclude(file="")
        .select_related("dossier")
        .order_by("-uploaded_at")
    )
    return {
        "intake_url": reverse("dossiers:intake") + "?" + urlencode({"citizen": citizen_link(user=user, citizen=citizen)}),
        "dossiers": [
            {
                "code": d.code,
                "procedure": d.procedure.name,
                "status": d.status,
                "received_at": d.received_at.isoformat() if d.received_at else None,
            }
            for d in earlier
        ],
        "reusable_documents": [
            {"id": doc.pk, "name": doc.name, "content_type": doc.content_type, "from_dossier": doc.dossier.code}
            for doc in documents
        ],
    }


def dossiers_for_export(*, citizen: Any, user: User | None) -> dict[str, Any]:
    """Staff export (``user``): only dossiers in the user's scope. Own export (None): all."""
    dossiers = (
        Dossier.objects.unrestricted("the citizen's own export, after the one-time code")
        if user is None
        else Dossier.objects.restrict(user, "view")
    )
    rows = (
        dossiers.filter(applicant_id_number=citizen.personal_id)
        .select_related("procedure", "receiving_agency")
        .prefetch_related("documents")
        .order_by("received_at", "id")
    )
    return {
        "dossiers": [
            {
                "code": d.code,
                "procedure": d.procedure.name,
                "receiving_agency": d.receiving_agency.name,
                "status": d.status,
                "received_at": d.received_at.isoformat() if d.received_at else None,
                "due_at": d.due_at.isoformat() if d.due_at else None,
                "returned_at": d.returned_at.isoformat() if d.returned_at else None,
                "applicant_name": d.applicant_name,
                "applicant_address": d.applicant_address,
                "applicant_phone": d.applicant_phone,
                "applicant_email": d.applicant_email,
                "documents": [doc.name for doc in d.documents.all()],
            }
            for d in rows
        ]
    }


def dossiers_on_erasure(*, citizen: Any, actor: Any) -> dict[str, Any]:
    kept = (
        Dossier.objects.unrestricted("erasure counts the dossiers kept as records")
        .filter(applicant_id_number=citizen.personal_id)
        .count()
    )
    return {"dossiers_kept_as_records": kept}

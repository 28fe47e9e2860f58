"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over petitions, at ``/open311/v2/``.

- services: the 8 content categories of Decree 20/2008 Art. 5 (RULES.md §5); their definition
  carries the petition's own fields as attributes (kind, procedure, dossier, officer concerned).
- jurisdiction_id: the commune's official code; a POST must name one, GETs may filter by it.
- requests: petitions; status ``open`` while a step runs, ``closed`` once answered, forwarded,
  refused, merged or closed. Output never carries the petitioner: no name, phone, e-mail or
  address; ``description`` and the answer (``status_notes``) appear only once the answer is
  published, as on the public page (Art. 19).
- POST requests needs ``api_key`` (a MotCua API key); the petition is filed at once, so the
  answer has the ``service_request_id`` and the token (``tokens/{token}``) is the same code.

Every format is both JSON and XML, as the specification requires; errors are
``[{"code": 400, "description": "…"}]`` or ``<errors><error>…</error></errors>``.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core import throttle
from motcua.core.apikeys import user_for_key
from motcua.core.exceptions import DomainError
from motcua.core.models import AdministrativeUnit
from motcua.feedback.choices import OPEN_STATUSES, ContentCategory, PetitionChannel, PetitionKind, PetitionStatus
from motcua.feedback.models import Petition
from motcua.feedback.services import PetitionInput, petition_submit

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-08T00:00:00+07:00"
FORMATS = {"json": "application/json", "xml": "text/xml"}
MAX_IDS = 100
PAGE = 200  # the most requests one GET returns (newest first), as portals commonly cap it
CLOSED = [s for s in PetitionStatus if s not in OPEN_STATUSES]
ATTRIBUTES: tuple[dict[str, Any], ...] = (
    {
        "code": "kind",
        "datatype": "singlevaluelist",
        "required": False,
        "description": "Phản ánh (feedback) or kiến nghị (proposal with a solution)",
        "values": [{"key": k.value, "name": str(k.label)} for k in PetitionKind],
    },
    {"code": "title", "datatype": "string", "required": False, "description": "A short title (default: the description's start)"},
    {"code": "procedure_code", "datatype": "string", "required": False, "description": "The national procedure code, if any"},
    {"code": "dossier_code", "datatype": "string", "required": False, "description": "The dossier code on the receipt, if any"},
    {"code": "officer_named", "datatype": "string", "required": False, "description": "The officer concerned, if any"},
)


# POST requests: at most this many per API key and per client address in each window
# (settings ``MOTCUA_OPEN311_POST_PER_KEY``, ``MOTCUA_OPEN311_POST_PER_ADDRESS``,
# ``MOTCUA_OPEN311_POST_WINDOW``; docs/feedback.md "Open311").
POST_PER_KEY = 60
POST_PER_ADDRESS = 120
POST_WINDOW = 600  # seconds


class Open311Error(Exception):
    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


# --- Rendering ------------------------------------------------------------------------------


def _xml_value(parent: ET.Element, name: str, value: Any) -> None:
    child = ET.SubElement(parent, name)
    if isinstance(value, list):
        item_name = {"values": "value", "attributes": "attribute", "endpoints": "endpoint", "formats": "format"}.get(name, "item")
        for item in value:
            if isinstance(item, dict):
                element = ET.SubElement(child, item_name)
                for key, inner in item.items():
                    _xml_value(element, key, inner)
            else:
                ET.SubElement(child, item_name).text = _text(item)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _xml_value(child, key, inner)
    else:
        child.text = _text(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render(data: Any, fmt: str, *, root: str, item: str, status: int = 200) -> HttpResponse:
    """JSON as is, or XML with ``root`` holding one ``item`` element per list entry (or the
    object's fields directly for a single object)."""
    if fmt == "json":
        return JsonResponse(data, safe=False, status=status, json_dumps_params={"ensure_ascii": False})
    top = ET.Element(root)
    for entry in data if isinstance(data, list) else [data]:
        element = ET.SubElement(top, item) if isinstance(data, list) else top
        for key, value in entry.items():
            _xml_value(element, key, value)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
    return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)


def error(fmt: str, code: int, description: str, *, retry_after: int | None = None) -> HttpResponse:
    response = render([{"code": code, "description": description}], fmt, root="errors", item="error", status=code)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


# --- Data ---------------------------------------------------------------------------------------


def service_list() -> list[dict[str, Any]]:
    return [
        {
            "service_code": category.value,
            "service_name": str(category.label),
            "description": str(category.label),
            "metadata": True,
            "type": "realtime",
            "keywords": "phản ánh, kiến nghị",
            "group": str(_("Feedback and petitions")),
        }
        for category in ContentCategory
    ]


def service_definition(code: str) -> dict[str, Any]:
    if code not in ContentCategory.values:
        raise Open311Error(404, _("No service has the code %(code)s.") % {"code": code})
    attributes = [
        {"variable": True, "datatype_description": "", "order": order, **attribute}
        for order, attribute in enumerate(ATTRIBUTES, start=1)
    ]
    return {"service_code": code, "attributes": attributes}


@dataclass(frozen=True)
class Labels:
    """Status and category names in the reader's language, worded once per answer
    (``get_status_display`` per row cost half of a 200-row list: bench_open311.py)."""

    status: dict[str, str]
    category: dict[str, str]


def labels() -> Labels:
    return Labels(
        status={str(value): str(label) for value, label in PetitionStatus.choices},
        category={str(value): str(label) for value, label in ContentCategory.choices},
    )


def request_row(petition: Petition, names: Labels | None = None) -> dict[str, Any]:
    """One request as Open311 shows it: nothing about the petitioner."""
    names = names or labels()
    published = petition.published_at is not None and petition.status in (PetitionStatus.PUBLISHED, PetitionStatus.CLOSED)
    updated = petition.closed_at or petition.published_at or petition.approved_at or petition.received_at
    return {
        "service_request_id": petition.code,
        "status": "open" if petition.status in OPEN_STATUSES else "closed",
        "status_notes": petition.answer if published else names.status.get(petition.status, petition.status),
        "service_name": names.category.get(petition.category, ""),
        "service_code": petition.category,
        "description": petition.content if published else "",
        "agency_responsible": petition.forwarded_to or petition.agency.name,
        "service_notice": "",
        "requested_datetime": _iso(petition.received_at),
        "updated_datetime": _iso(updated),
        "expected_datetime": _iso(petition.answer_due_at) if petition.status in OPEN_STATUSES else None,
        "address": petition.place,
        "address_id": "",
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }


def _requests_qs() -> QuerySet[Petition]:
    return (
        Petition.objects.unrestricted("Open311 lists requests publicly; request_row never reads the petitioner")
        .select_related("agency")
        .only(
            "code", "status", "answer", "category", "content", "forwarded_to", "received_at", "approved_at",
            "published_at", "closed_at", "answer_due_at", "place", "agency__name", "unit_id",
        )
    )  # fmt: skip


def _date_param(request: HttpRequest, name: str) -> datetime | None:
    text = request.GET.get(name, "")
    if not text:
        return None
    value = parse_datetime(text[:40].replace(" ", "+"))
    if value is None or timezone.is_naive(value):
        raise Open311Error(
            400, _("%(name)s must be a W3C date and time with its offset (2026-03-01T00:00:00+07:00).") % {"name": name}
        )
    return value


def requests_find(request: HttpRequest) -> list[dict[str, Any]]:
    """GET requests: by ids (overriding the rest), else service_code, status, start/end dates and
    jurisdiction; newest first, at most ``PAGE`` (the specification's default window is 90 days)."""
    qs = _requests_qs()
    ids = [i.strip().upper() for i in request.GET.get("service_request_id", "")[:4000].split(",") if i.strip()]
    if ids:
        if len(ids) > MAX_IDS:
            raise Open311Error(400, _("At most %(n)s ids at once.") % {"n": MAX_IDS})
        names = labels()
        return [request_row(p, names) for p in qs.filter(code__in=ids).order_by("-received_at")]
    jurisdiction = request.GET.get("jurisdiction_id", "")[:10]
    if jurisdiction:
        qs = qs.filter(unit__code=jurisdiction)
    code = request.GET.get("service_code", "")[:20]
    if code:
        qs = qs.filter(category=code)
    status = request.GET.get("status", "")[:20]
    if status:
        wanted = {s.strip() for s in status.split(",")}
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, _("status is open, closed or both."))
        condition = Q()
        if "open" in wanted:
            condition |= Q(status__in=OPEN_STATUSES)
        if "closed" in wanted:
            condition |= Q(status__in=CLOSED)
        qs = qs.filter(condition)
    start, end = _date_param(request, "start_date"), _date_param(request, "end_date")
    if start is None and end is None:
        start = timezone.now() - timedelta(days=90)
    if start is not None:
        qs = qs.filter(received_at__gte=start)
    if end is not None:
        qs = qs.filter(received_at__lte=end)
    names = labels()
    return [request_row(p, names) for p in qs.order_by("-received_at", "-id")[:PAGE]]


def post_throttle(request: HttpRequest) -> None:
    """Count one POST for the client address and for the API key it carries (``core.throttle``,
    in the shared cache); past either limit, a 429 with the seconds left in the window.

    The window is aligned on the clock (a fixed window of ``MOTCUA_OPEN311_POST_WINDOW``
    seconds), so every client knows when it ends: that is ``Retry-After``. The address is counted
    first and even without a key, so guessing keys is limited too."""
    window = int(getattr(settings, "MOTCUA_OPEN311_POST_WINDOW", POST_WINDOW))
    now = time.time()
    bucket = str(int(now // window))
    retry_after = max(1, int(window - now % window + 0.999))
    address = request.META.get("REMOTE_ADDR", "")
    per_address = int(getattr(settings, "MOTCUA_OPEN311_POST_PER_ADDRESS", POST_PER_ADDRESS))
    if throttle.count_hit("open311.post.address", address, bucket, window_seconds=window) > per_address:
        raise Open311Error(429, _("Too many requests from this address. Try again later."), retry_after=retry_after)
    key = request.POST.get("api_key", "")[:200]
    per_key = int(getattr(settings, "MOTCUA_OPEN311_POST_PER_KEY", POST_PER_KEY))
    if key and throttle.count_hit("open311.post.key", key, bucket, window_seconds=window) > per_key:
        raise Open311Error(429, _("Too many requests with this api_key. Try again later."), retry_after=retry_after)


def request_create(request: HttpRequest) -> list[dict[str, Any]]:
    post_throttle(request)
    user = user_for_key(request.POST.get("api_key", "")[:200]) if request.POST.get("api_key") else None
    if user is None:
        raise Open311Error(403, _("A valid api_key is required to create a request."))
    jurisdiction = request.POST.get("jurisdiction_id", "")[:10]
    if not AdministrativeUnit.objects.filter(code=jurisdiction, valid_to__isnull=True).exists():
        raise Open311Error(400, _("jurisdiction_id must be the code of a commune or ward."))
    code = request.POST.get("service_code", "")[:20]
    if code not in ContentCategory.values:
        raise Open311Error(404, _("No service has the code %(code)s.") % {"code": code})
    description = request.POST.get("description", "")[:20000]

    def attribute(name: str, limit: int = 200) -> str:
        return request.POST.get(f"attribute[{name}]", "")[:limit]

    kind = attribute("kind", 20) or PetitionKind.FEEDBACK
    if kind not in PetitionKind.values:
        raise Open311Error(400, _("attribute[kind] is feedback or proposal."))
    name = " ".join(part for part in (request.POST.get("last_name", "")[:70], request.POST.get("first_name", "")[:70]) if part)
    title = attribute("title") or description.strip().split("\n")[0][:120]
    data = PetitionInput(
        title=title,
        content=description,
        channel=PetitionChannel.API,
        kind=PetitionKind(kind),
        category=code,
        petitioner_name=name,
        petitioner_address=request.POST.get("address_string", "")[:300],
        petitioner_phone=request.POST.get("phone", "")[:20],
        petitioner_email=request.POST.get("email", "")[:254],
        unit_code=jurisdiction,
        procedure_code=attribute("procedure_code", 40),
        dossier_code=attribute("dossier_code", 60),
        place=request.POST.get("address_string", "")[:200],
        officer_named=attribute("officer_named", 150),
        idempotency_key=_device_key(request.POST.get("device_id", "")[:40], description),
    )
    try:
        petition = petition_submit(actor=user, data=data).petition
    except DomainError as exc:
        details = "; ".join(f"{field}: {message}" for field, message in exc.fields.items()) or str(exc.message)
        raise Open311Error(exc.status_code if exc.status_code in (400, 403, 404, 409) else 400, details) from exc
    return [
        {"service_request_id": petition.code, "token": petition.code, "service_notice": _notice(petition), "account_id": None}
    ]


def _device_key(device_id: str, description: str) -> str:
    """A client that sends the same description again from the same device gets the same request."""
    if not device_id:
        return ""
    return f"open311:{device_id}:{hashlib.sha256(description.encode()).hexdigest()[:24]}"


def _notice(petition: Petition) -> str:
    return _("Received; the answer is due by %(date)s.") % {
        "date": timezone.localtime(petition.answer_due_at).strftime("%d/%m/%Y")
    }


# --- Views ---------------------------------------------------------------------------------------


def _fmt(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Open311Error(404, _("Use .json or .xml."))
    return fmt


def _respond(fmt: str, build: Any, *, root: str, item: str) -> HttpResponse:
    try:
        checked = _fmt(fmt)  # before build(): a POST to an unknown format files nothing
        return render(build(), checked, root=root, item=item)
    except Open311Error as exc:
        return error(fmt if fmt in FORMATS else "json", exc.code, exc.description, retry_after=exc.retry_after)


@require_GET
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/")
    data = {
        "changeset": CHANGESET,
        "contact": str(_("The one-stop desk of each commune (see /phan-anh/).")),
        "key_service": str(_("Ask the commune's one-stop desk or the MotCua administrator for an API key.")),
        "endpoints": [
            {"specification": SPEC, "url": base, "changeset": CHANGESET, "type": "production", "formats": list(FORMATS.values())}
        ],
    }
    return _respond(fmt, lambda: data, root="discovery", item="discovery")


@require_GET
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return _respond(fmt, service_list, root="services", item="service")


@require_GET
def service(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    return _respond(fmt, lambda: service_definition(code), root="service_definition", item="service_definition")


@csrf_exempt  # an API for other systems: authenticated by api_key, never by the session cookie
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _respond(fmt, lambda: request_create(request), root="service_requests", item="request")
    return _respond(fmt, lambda: requests_find(request), root="service_requests", item="request")


@require_GET
def request_detail(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    def build() -> list[dict[str, Any]]:
        rows = [request_row(p) for p in _requests_qs().filter(code=code[:60].upper())]
        if not rows:
            raise Open311Error(404, _("No request has the id %(id)s.") % {"id": code[:60]})
        return rows

    return _respond(fmt, build, root="service_requests", item="request")


@require_GET
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    def build() -> list[dict[str, Any]]:
        rows = _requests_qs().filter(code=token[:60].upper()).values_list("code", flat=True)
        if not rows:
            raise Open311Error(404, _("No request has the token %(token)s.") % {"token": token[:60]})
        return [{"service_request_id": code, "token": code} for code in rows]

    return _respond(fmt, build, root="service_requests", item="request")

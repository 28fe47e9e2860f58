"""The vessel registry pages under /so-dang-ky/tau-ca/: thin adapters over selectors and
services (list, record with history, import with the all-errors report and progress, review
campaigns)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.permissions import REGISTRY_EDIT, REGISTRY_IMPORT, REGISTRY_VIEW, staff_with_permission
from motcua.core.scoping import user_unit
from motcua.registries.common.jobs import import_get, import_start
from motcua.registries.common.models import ImportJob
from motcua.registries.vessels import rules
from motcua.registries.vessels.choices import CampaignStatus, Flag, Gear, ItemState, SizeClass, VesselAction, VesselStatus
from motcua.registries.vessels.exports import campaign_xlsx, vessels_xlsx
from motcua.registries.vessels.filters import EXPIRING, VesselFilter
from motcua.registries.vessels.forms import ActForm, AssignForm, CampaignForm, CheckForm, ImportForm
from motcua.registries.vessels.models import CHECKS, Vessel
from motcua.registries.vessels.selectors import (
    campaign_get,
    campaign_items,
    campaign_list,
    campaign_progress,
    campaign_three_nos,
    item_get,
    vessel_flag_counts,
    vessel_hamlets,
    vessel_history,
    vessel_list,
    vessel_read,
)
from motcua.registries.vessels.services import ActInput, campaign_assign, campaign_open, item_check, vessel_act, vessel_owner_link
from motcua.registries.vessels.workflow import WORKFLOW

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 50


def _staff(request: HttpRequest, perm: str = REGISTRY_VIEW) -> User:
    return staff_with_permission(request, perm)


def _flag_choices() -> list[tuple[str, str]]:
    return [(EXPIRING, str(_expiring_label())), *((str(v), str(lbl)) for v, lbl in Flag.choices)]


def _expiring_label() -> str:
    from django.utils.translation import gettext as _

    return _("Certificate expired or expiring within 90 days")


@login_required
@require_GET
def vessel_list_view(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    flt = VesselFilter.from_params(request.GET)
    now = timezone.now()
    page = Paginator(vessel_list(user=user, filters=flt, now=now), PER_PAGE).get_page(request.GET.get("page"))
    counts = vessel_flag_counts(user=user, now=now) if not request.htmx else {}  # type: ignore[attr-defined]  # django-htmx
    context = {
        "page": page,
        "flt": flt,
        "query": flt.as_query(),
        "statuses": VesselStatus.choices,
        "sizes": SizeClass.choices,
        "gears": Gear.choices,
        "flags": _flag_choices(),
        "hamlets": vessel_hamlets(user=user),
        "flag_counts": [(v, text, counts.get(v, 0)) for v, text in _flag_choices()],
        "today": timezone.localdate(now),
    }
    template = "vessels/partials/_results.html" if request.htmx else "vessels/list.html"  # type: ignore[attr-defined]  # django-htmx
    return render(request, template, context)


@login_required
@require_GET
def vessel_export(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    vessels = vessel_list(user=user, filters=VesselFilter.from_params(request.GET)).iterator(chunk_size=2000)
    response = HttpResponse(vessels_xlsx(vessels), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="tau-ca.xlsx"'
    return response


def _certificates(vessel: Vessel) -> list[dict[str, Any]]:
    from django.utils.translation import gettext as _

    today = timezone.localdate()
    return [
        {
            "label": _("Safety certificate"),
            "number": vessel.safety_certificate_number,
            "issued": vessel.inspected_on,
            "expires": vessel.inspection_expires_on,
            "required": vessel.needs.inspection,
            "band": rules.expiry_warning(vessel.inspection_expires_on, today),
        },
        {
            "label": _("Fishing licence"),
            "number": vessel.licence_number,
            "issued": vessel.licence_issued_on,
            "expires": vessel.licence_expires_on,
            "required": vessel.needs.licence,
            "band": rules.expiry_warning(vessel.licence_expires_on, today),
        },
    ]


def _detail_context(user: User, pk: int) -> dict[str, Any]:
    try:
        vessel = vessel_read(user=user, pk=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    now = timezone.now()
    perms = set(user.get_all_permissions())
    return {
        "vessel": vessel,
        "needs": vessel.needs,
        "flags": [Flag(f) for f in vessel.flags(timezone.localdate(now), now)],
        "certificates": _certificates(vessel),
        "history": vessel_history(vessel=vessel),
        "actions": [VesselAction(a) for a in WORKFLOW.actions(vessel.status, perms)],
        "can_edit": REGISTRY_EDIT in perms,
        "form": ActForm(),
    }


@login_required
@require_GET
def vessel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    return render(request, "vessels/detail.html", _detail_context(user, pk))


@login_required
@require_POST
def vessel_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _staff(request, REGISTRY_EDIT)
    try:
        act = VesselAction(action)
    except ValueError:
        raise Http404 from None
    form = ActForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            vessel_act(actor=user, pk=pk, action=act, data=ActInput(**form.cleaned_data))
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            error = str(exc.message)
        else:
            return redirect("vessels:detail", pk=pk)
    context = _detail_context(user, pk)
    context.update({"form": form, "error": error})
    return render(request, "vessels/detail.html", context, status=400)


@login_required
@require_POST
def vessel_owner(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request, REGISTRY_EDIT)
    try:
        vessel_owner_link(actor=user, pk=pk)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from exc
    except DomainError as exc:
        context = _detail_context(user, pk)
        context["error"] = str(exc.message)
        return render(request, "vessels/detail.html", context, status=exc.status_code)
    return redirect("vessels:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    user = _staff(request, REGISTRY_IMPORT)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = import_start(actor=user, registry="vessels", filename=upload.name, content=upload.read())
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(str(exc.message)) from exc
            except DomainError as exc:
                form.add_error("file", str(exc.message))
            else:
                return redirect("vessels:import_job", job_id=job.pk)
        jobs = ImportJob.objects.restrict(user, "view").filter(registry="vessels").defer("content")[:10]
        return render(request, "vessels/import.html", {"form": form, "jobs": jobs}, status=400)
    jobs = ImportJob.objects.restrict(user, "view").filter(registry="vessels").defer("content")[:10]
    return render(request, "vessels/import.html", {"form": form, "jobs": jobs})


@login_required
@require_GET
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    user = _staff(request, REGISTRY_IMPORT)
    try:
        job = import_get(user=user, job_id=job_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    template = "vessels/partials/_job.html" if request.htmx else "vessels/job.html"  # type: ignore[attr-defined]  # django-htmx
    return render(request, template, {"job": job})


@login_required
@require_http_methods(["GET", "POST"])
def campaigns(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = CampaignForm(request.POST or None)
    status = 200
    if request.method == "POST":
        _staff(request, REGISTRY_EDIT)
        if form.is_valid():
            try:
                campaign = campaign_open(actor=user, **form.cleaned_data)
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(str(exc.message)) from exc
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                return redirect("vessels:campaign", pk=campaign.pk)
        status = 400
    return render(
        request,
        "vessels/campaigns.html",
        {"campaigns": campaign_list(user=user), "form": form, "can_edit": user.has_perm(REGISTRY_EDIT)},
        status=status,
    )


def _officers(user: User) -> list[tuple[int, str]]:
    unit = user_unit(user)
    staff = (
        User.objects.filter(staff_profile__agency__unit=unit, is_active=True).order_by("username")
        if unit
        else User.objects.none()
    )
    return [(u.pk, u.get_full_name() or u.get_username()) for u in staff if u.has_perm(REGISTRY_EDIT)]


def _campaign_context(request: HttpRequest, user: User, pk: int) -> dict[str, Any]:
    try:
        campaign = campaign_get(user=user, pk=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    hamlet = request.GET.get("hamlet", "")[:100]
    state = request.GET.get("state", "")
    assignee = request.GET.get("assignee", "")[:12]
    by_hamlet, by_state = campaign_progress(user=user, campaign=campaign)
    items = campaign_items(user=user, campaign=campaign, hamlet=hamlet, state=state, assignee=assignee)
    hamlets = [h.hamlet for h in by_hamlet if h.hamlet != "—"]
    total = sum(by_state.values())
    return {
        "campaign": campaign,
        "by_hamlet": by_hamlet,
        "by_state": [(ItemState(s).label, n) for s, n in by_state.items()],
        "total": total,
        "done": by_state.get(ItemState.DONE, 0),
        "percent": round(100 * by_state.get(ItemState.DONE, 0) / total) if total else 0,
        "three_nos": campaign_three_nos(user=user, campaign=campaign),
        "page": Paginator(items, PER_PAGE).get_page(request.GET.get("page")),
        "hamlets": hamlets,
        "states": ItemState.choices,
        "flt": {"hamlet": hamlet, "state": state, "assignee": assignee},
        "open": campaign.status == CampaignStatus.OPEN,
        "can_edit": user.has_perm(REGISTRY_EDIT),
        "assign_form": AssignForm(officers=_officers(user), hamlets=hamlets),
    }


@login_required
@require_GET
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    return render(request, "vessels/campaign.html", _campaign_context(request, user, pk))


@login_required
@require_POST
def campaign_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request, REGISTRY_EDIT)
    context = _campaign_context(request, user, pk)
    form = AssignForm(request.POST, officers=_officers(user), hamlets=context["hamlets"])
    if form.is_valid():
        try:
            campaign_assign(
                actor=user, campaign_id=pk, officer_id=form.cleaned_data["officer"], hamlet=form.cleaned_data["hamlet"]
            )
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            return redirect("vessels:campaign", pk=pk)
    context["assign_form"] = form
    return render(request, "vessels/campaign.html", context, status=400)


@login_required
@require_GET
def campaign_export(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    try:
        item = campaign_get(user=user, pk=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    response = HttpResponse(campaign_xlsx(campaign_items(user=user, campaign=item).iterator(chunk_size=2000)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ra-soat-{item.pk}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def item_page(request: HttpRequest, item_id: int) -> HttpResponse:
    user = _staff(request)
    try:
        item = item_get(user=user, pk=item_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    initial = {name: getattr(item, name) for name in CHECKS if getattr(item, name)} | {"note": item.note}
    form = CheckForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        _staff(request, REGISTRY_EDIT)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item_check(actor=user, item_id=item.pk, results={k: data[k] for k in CHECKS}, note=data.get("note", ""))
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(str(exc.message)) from exc
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                return redirect("vessels:campaign", pk=item.campaign_id)
        status = 400
    now = timezone.now()
    vessel = item.vessel
    return render(
        request,
        "vessels/item.html",
        {
            "item": item,
            "vessel": vessel,
            "needs": vessel.needs,
            "flags": [Flag(f) for f in vessel.flags(timezone.localdate(now), now)],
            "form": form,
            "answers": [
                (form.fields[name].label, getattr(item, f"get_{name}_display")() if getattr(item, name) else "")
                for name in CHECKS
            ],
            "can_edit": user.has_perm(REGISTRY_EDIT) and item.campaign.status == CampaignStatus.OPEN,
        },
        status=status,
    )

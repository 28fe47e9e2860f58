"""The registries API (``/api/v1/registries``): thin adapters over the vessel selectors and the
framework's import job. Personal data (the owner's ID) only on the one-record read, audited."""

from typing import Annotated, Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from motcua.core.apikeys import ApiKeyAuth
from motcua.core.exceptions import PermissionDenied
from motcua.core.permissions import REGISTRY_IMPORT, REGISTRY_VIEW
from motcua.core.schemas import ErrorOut
from motcua.registries.common.exceptions import RegistryErrorCode
from motcua.registries.common.jobs import import_get
from motcua.registries.common.models import ImportJob, RecordChange
from motcua.registries.vessels.choices import Flag, Gear, SizeClass, VesselStatus
from motcua.registries.vessels.filters import VesselFilter
from motcua.registries.vessels.models import Vessel
from motcua.registries.vessels.schemas import ChangeOut, ImportJobOut, VesselOut, VesselRowOut
from motcua.registries.vessels.selectors import vessel_history, vessel_list, vessel_read

router = Router(tags=["registries"], auth=[ApiKeyAuth(), django_auth])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
FLAG_LIST = ", ".join([*Flag.values, "expiring"])
FLAG_PATTERN = "^(" + "|".join([*Flag.values, "expiring"]) + ")?$"
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _user(request: HttpRequest, perm: str = REGISTRY_VIEW) -> User:
    user = request.user
    if not isinstance(user, User) or not user.has_perm(perm):
        raise PermissionDenied(RegistryErrorCode.FORBIDDEN, _("You do not have permission to do this."))
    return user


@router.get("/vessels", response={200: list[VesselRowOut], **ERRORS}, summary="Fishing vessels of the caller's unit, filtered")
@paginate(LimitOffsetPagination)
def list_vessels(
    request: HttpRequest,
    q: Annotated[str, Query(max_length=100, description="Words of the number, name, owner or hamlet (diacritics ignored)")] = "",
    status: Annotated[VesselStatus | None, Query()] = None,
    size_class: Annotated[SizeClass | None, Query()] = None,
    hamlet: Annotated[str, Query(max_length=100)] = "",
    gear: Annotated[Gear | None, Query()] = None,
    flag: Annotated[str, Query(max_length=20, pattern=FLAG_PATTERN, description="A warning: " + FLAG_LIST)] = "",
) -> Any:
    user = _user(request)
    data = {"q": q, "status": status or "", "size_class": size_class or "", "hamlet": hamlet, "gear": gear or "", "flag": flag}
    return vessel_list(user=user, filters=VesselFilter.from_params(data))


@router.get("/vessels/{vessel_id}", response={200: VesselOut, **ERRORS}, summary="One vessel with its owner (an audited read)")
def get_vessel(request: HttpRequest, vessel_id: Id) -> Vessel:
    user = _user(request)
    return vessel_read(user=user, pk=vessel_id)


@router.get(
    "/vessels/{vessel_id}/history", response={200: list[ChangeOut], **ERRORS}, summary="Every change of one vessel, newest first"
)
def get_vessel_history(request: HttpRequest, vessel_id: Id) -> list[RecordChange]:
    user = _user(request)
    return vessel_history(vessel=vessel_read(user=user, pk=vessel_id, audit=False))


@router.get(
    "/imports/{job_id}", response={200: ImportJobOut, **ERRORS}, summary="An import's status, progress and every row error"
)
def get_import(request: HttpRequest, job_id: Id) -> ImportJob:
    user = _user(request, REGISTRY_IMPORT)
    return import_get(user=user, job_id=job_id)

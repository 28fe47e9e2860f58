"""Who may change procedures: anonymous, a reception officer (not admin staff), a unit
administrator (admin staff, view only) and a data officer. Denials change nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from motcua.catalog.choices import TimeUnit
from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedure_list
from motcua.catalog.services import procedure_update
from motcua.catalog.tests.factories import (
    LegalBasisFactory,
    ProcedureChannelFactory,
    ProcedureDocumentFactory,
    ProcedureFactory,
    ProcedureFeeFactory,
    SectorFactory,
    staff_user,
)
from motcua.core.choices import Role
from motcua.core.exceptions import DomainError, PermissionDenied
from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def procedure() -> Procedure:
    procedure = ProcedureFactory.create(name="Đăng ký giám hộ", sector=SectorFactory.create(name="Hộ tịch thử"))
    ProcedureChannelFactory.create(procedure=procedure, position=1)
    ProcedureDocumentFactory.create(procedure=procedure, position=1, name="Tờ khai đăng ký giám hộ")
    ProcedureFeeFactory.create(procedure=procedure, position=1)
    LegalBasisFactory.create(procedure=procedure, position=1)
    return procedure


def change_url(procedure: Procedure) -> str:
    return f"/admin/catalog/procedure/{procedure.pk}/change/"


def _value(bound: Any) -> list[str]:
    value = bound.value()
    if value is None or value is False:
        return []
    if value is True:
        return ["on"]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def form_data(client: Client, procedure: Procedure) -> dict[str, Any]:
    """What the change page would post back unchanged: main form, management forms, inline rows."""
    context = client.get(change_url(procedure)).context
    data: dict[str, Any] = {}
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            values = _value(form[name])
            if values:
                data[form.add_prefix(name)] = values if len(values) > 1 else values[0]
    return data


def state(procedure: Procedure) -> tuple[Any, ...]:
    fresh = Procedure.objects.get(pk=procedure.pk)
    return (fresh.name, fresh.lead_time_value, fresh.version, tuple(fresh.documents.values_list("name", flat=True)))


def test_anonymous_is_sent_to_the_admin_login(client: Client, procedure: Procedure) -> None:
    before = state(procedure)

    get = client.get(change_url(procedure))
    post = client.post(change_url(procedure), {"name": "Đổi tên"})

    assert (get.status_code, post.status_code) == (302, 302)
    assert get["Location"].startswith("/admin/login/")
    assert state(procedure) == before


def test_reception_officer_is_refused(client: Client, procedure: Procedure) -> None:
    client.force_login(staff_user("tiepnhan", Role.RECEPTION_OFFICER))
    before = state(procedure)

    get = client.get(change_url(procedure))
    post = client.post(change_url(procedure), {"name": "Đổi tên"})

    assert (get.status_code, post.status_code) == (302, 302)  # not admin staff: sent to the admin login
    assert get["Location"].startswith("/admin/login/")
    assert state(procedure) == before


def test_unit_administrator_may_look_but_not_change(client: Client, procedure: Procedure) -> None:
    data_officer = Client()
    data_officer.force_login(staff_user("dulieu", Role.DATA_OFFICER))
    data = form_data(data_officer, procedure)
    data["name"] = "Đổi tên"
    client.force_login(staff_user("quantri", Role.UNIT_ADMINISTRATOR))
    before = state(procedure)

    get = client.get(change_url(procedure))
    post = client.post(change_url(procedure), data)

    assert get.status_code == 200
    assert 'name="name"' not in get.content.decode()  # read-only view
    assert post.status_code == 403
    assert state(procedure) == before


def test_data_officer_changes_a_procedure_and_its_rows(client: Client, procedure: Procedure) -> None:
    officer = staff_user("dulieu", Role.DATA_OFFICER)
    client.force_login(officer)
    data = form_data(client, procedure)
    data.update({"name": "Đăng ký giám sát việc giám hộ", "lead_time_value": "3", "lead_time_unit": TimeUnit.WORKING_DAY.value})
    data["documents-0-name"] = "Tờ khai đăng ký giám sát việc giám hộ"

    response = client.post(change_url(procedure), data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert state(procedure) == (
        "Đăng ký giám sát việc giám hộ",
        Decimal("3.00"),
        procedure.version + 1,
        ("Tờ khai đăng ký giám sát việc giám hộ",),
    )
    event = AuditEvent.objects.filter(action="procedure.update", object_id=procedure.code).latest("id")
    assert (event.actor_id, event.data["version"]) == (officer.pk, procedure.version + 1)
    assert {"name", "lead_time_value", "proceduredocument"} <= set(event.data["changed"])
    assert [p.code for p in procedure_list(q="giam sat viec giam ho", sector=procedure.sector.slug)] == [procedure.code]


def test_data_officer_finds_procedures_without_accents_in_the_admin(client: Client, procedure: Procedure) -> None:
    client.force_login(staff_user("dulieu", Role.DATA_OFFICER))

    html = client.get("/admin/catalog/procedure/", {"q": "dang ky giam ho"}).content.decode()

    assert change_url(procedure) in html


def test_procedure_update_refuses_a_role_without_permission(procedure: Procedure) -> None:
    before = state(procedure)

    with pytest.raises(PermissionDenied):
        procedure_update(actor=staff_user("tiepnhan", Role.RECEPTION_OFFICER), code=procedure.code, changes={"name": "Đổi tên"})

    assert state(procedure) == before


def test_procedure_update_saves_bumps_the_version_and_audits(procedure: Procedure) -> None:
    officer = staff_user("dulieu", Role.DATA_OFFICER)

    updated = procedure_update(
        actor=officer,
        code=procedure.code,
        changes={"service_norm_value": Decimal("2"), "service_norm_unit": TimeUnit.WORKING_DAY},
    )

    assert (updated.service_norm_value, updated.version) == (Decimal("2"), procedure.version + 1)
    event = AuditEvent.objects.filter(action="procedure.update", object_id=procedure.code).latest("id")
    assert event.data["changed"]["service_norm_value"] == {"from": None, "to": "2"}


def test_procedure_update_refuses_fields_the_import_owns(procedure: Procedure) -> None:
    with pytest.raises(DomainError) as caught:
        procedure_update(actor=staff_user("dulieu", Role.DATA_OFFICER), code=procedure.code, changes={"code": "1.000000"})

    assert caught.value.code == "catalog_field_not_editable"


def test_procedure_update_checks_the_unit_goes_with_the_value(procedure: Procedure) -> None:
    with pytest.raises(DomainError) as caught:
        procedure_update(actor=staff_user("dulieu", Role.DATA_OFFICER), code=procedure.code, changes={"lead_time_unit": ""})

    assert caught.value.code == "catalog_procedure_invalid"
    assert Procedure.objects.get(pk=procedure.pk).lead_time_unit == TimeUnit.WORKING_DAY

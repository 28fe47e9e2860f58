"""The vessel pages and their permission matrix (anonymous, another commune, a role without the
permission, the right role; a refusal changes nothing) — issue 13 item 2."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from motcua.core.choices import Role
from motcua.core.tests.factories import staff_user
from motcua.registries.common.models import ImportJob, RecordChange
from motcua.registries.vessels.choices import ItemState, VesselStatus
from motcua.registries.vessels.models import ReviewCampaign, ReviewItem, Vessel
from motcua.registries.vessels.services import campaign_open
from motcua.registries.vessels.tests.factories import administrator, officer, row, vessel, xlsx

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _campaign() -> tuple[Vessel, ReviewCampaign, ReviewItem]:
    boat = vessel()
    review = campaign_open(actor=officer(), name="Tổng rà soát 2026", starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31))
    return boat, review, ReviewItem.objects.unrestricted("test").get(campaign=review)


def _get_pages(boat: Vessel, review: ReviewCampaign, item: ReviewItem, job: ImportJob | None = None) -> list[str]:
    pages = [
        "/so-dang-ky/tau-ca/",
        "/so-dang-ky/tau-ca/xuat.xlsx",
        f"/so-dang-ky/tau-ca/{boat.pk}/",
        "/so-dang-ky/tau-ca/ra-soat/",
        f"/so-dang-ky/tau-ca/ra-soat/{review.pk}/",
        f"/so-dang-ky/tau-ca/ra-soat/{review.pk}/ket-qua.xlsx",
        f"/so-dang-ky/tau-ca/ra-soat/muc/{item.pk}/",
    ]
    return pages


def test_the_officer_finds_a_vessel_without_accents_and_opens_its_page_with_history() -> None:
    boat = vessel(owner_name="Nguyễn Văn Tám")
    client = _client(officer())

    listing = client.get("/so-dang-ky/tau-ca/?q=nguyen van tam")
    missing = client.get("/so-dang-ky/tau-ca/?q=khong co ai")
    page = client.get(f"/so-dang-ky/tau-ca/{boat.pk}/")

    assert listing.status_code == 200 and "CM-01234-TS" in listing.content.decode()
    assert "CM-01234-TS" not in missing.content.decode()
    body = page.content.decode()
    assert page.status_code == 200 and "Nguyễn Văn Tám" in body and "max_length_m" in body  # the history names the field


def test_the_list_filters_by_size_class_and_warning() -> None:
    vessel(registration_number="CM-00001-TS", max_length_m=8, licence_number="")
    vessel(registration_number="CM-00002-TS", max_length_m=16, licence_number="GP-1", licence_expires_on=date(2099, 1, 1))
    client = _client(officer())

    small = client.get("/so-dang-ky/tau-ca/?size_class=6to12").content.decode()
    no_licence = client.get("/so-dang-ky/tau-ca/?flag=no_licence").content.decode()

    assert "CM-00001-TS" in small and "CM-00002-TS" not in small
    assert "CM-00001-TS" in no_licence and "CM-00002-TS" not in no_licence


def test_the_list_keeps_a_query_budget(django_assert_max_num_queries: object) -> None:
    for n in range(1, 30):
        vessel(registration_number=f"CM-{n:05d}-TS")
    client = _client(officer())

    with django_assert_max_num_queries(14):  # type: ignore[operator]
        response = client.get("/so-dang-ky/tau-ca/")

    assert response.status_code == 200


def test_anonymous_visitors_go_to_the_login_page_and_nothing_changes() -> None:
    boat, review, item = _campaign()

    codes = [Client().get(url).status_code for url in _get_pages(boat, review, item)]
    post = Client().post(f"/so-dang-ky/tau-ca/{boat.pk}/delete/", {"on": "01/12/2026"})

    assert set(codes) == {302} and post.status_code == 302
    assert Vessel.objects.unrestricted("test").get().status == VesselStatus.ACTIVE


def test_another_commune_gets_404_and_changes_nothing() -> None:
    boat, review, item = _campaign()
    client = _client(officer("khac", code="32214"))

    codes = [client.get(url).status_code for url in _get_pages(boat, review, item)[2:] if not url.endswith("/ra-soat/")]
    listing = client.get("/so-dang-ky/tau-ca/").content.decode()
    posts = [
        client.post(f"/so-dang-ky/tau-ca/{boat.pk}/delete/", {"on": "01/12/2026"}).status_code,
        client.post(f"/so-dang-ky/tau-ca/ra-soat/muc/{item.pk}/", {"check_registration": "ok"}).status_code,
    ]

    assert set(codes) == {404} and set(posts) == {404}
    assert "CM-01234-TS" not in listing
    assert Vessel.objects.unrestricted("test").get().status == VesselStatus.ACTIVE
    assert ReviewItem.objects.unrestricted("test").get().state == ItemState.PENDING


def test_a_role_without_the_permission_gets_403_and_changes_nothing() -> None:
    boat, review, item = _campaign()
    protector = _client(staff_user("dpo", Role.DATA_PROTECTION_OFFICER))
    leader = _client(staff_user("lanhdao", Role.LEADER))
    changes = RecordChange.objects.count()

    codes = [protector.get(url).status_code for url in _get_pages(boat, review, item)]
    leader_reads = [leader.get(url).status_code for url in _get_pages(boat, review, item)]
    leader_writes = [
        leader.post(f"/so-dang-ky/tau-ca/{boat.pk}/delete/", {"on": "01/12/2026"}).status_code,
        leader.post(f"/so-dang-ky/tau-ca/ra-soat/muc/{item.pk}/", {"check_registration": "ok"}).status_code,
        leader.post("/so-dang-ky/tau-ca/ra-soat/", {"name": "x", "starts_on": "01/12/2026", "ends_on": "02/12/2026"}).status_code,
        leader.get("/so-dang-ky/tau-ca/nhap/").status_code,
    ]

    assert set(codes) == {403}
    assert set(leader_reads) == {200}  # the leader reads the registry
    assert set(leader_writes) == {403}
    assert Vessel.objects.unrestricted("test").get().status == VesselStatus.ACTIVE
    assert RecordChange.objects.count() == changes and ReviewCampaign.objects.unrestricted("test").count() == 1


def test_the_officer_deletes_a_registration_and_the_history_shows_it() -> None:
    boat = vessel()
    client = _client(officer())

    refused = client.post(f"/so-dang-ky/tau-ca/{boat.pk}/delete/", {"on": ""})
    done = client.post(f"/so-dang-ky/tau-ca/{boat.pk}/delete/", {"on": "01/12/2026"})

    boat.refresh_from_db()
    assert refused.status_code == 400 and done.status_code == 302
    assert boat.status == VesselStatus.DELETED and boat.deleted_on == date(2026, 12, 1)
    assert RecordChange.objects.filter(record_id=boat.pk, field="status", old="active", new="deleted").exists()


def test_the_import_page_shows_every_row_error_then_the_good_file_imports(
    django_capture_on_commit_callbacks: object,
) -> None:
    client = _client(administrator())
    bad = xlsx([row(1), row(2, number="sai"), row(3, registered="32/01/2020")])

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        refused = client.post("/so-dang-ky/tau-ca/nhap/", {"file": _upload(bad)})
    job = ImportJob.objects.unrestricted("test").get()
    page = client.get(refused["Location"]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        client.post("/so-dang-ky/tau-ca/nhap/", {"file": _upload(xlsx([row(1), row(2)]))})

    assert job.status == "refused" and len(job.errors) == 2
    assert "“sai”" in page and "32/01/2020" in page
    assert Vessel.objects.unrestricted("test").count() == 2


def _upload(content: bytes) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        "tau.xlsx", content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_an_officer_may_not_import_and_nothing_is_recorded() -> None:
    response = _client(officer()).post("/so-dang-ky/tau-ca/nhap/", {"file": _upload(xlsx([row(1)]))})

    assert response.status_code == 403 and not ImportJob.objects.unrestricted("test").exists()


def test_another_communes_import_job_is_not_found() -> None:
    job = ImportJob.objects.create(
        registry="vessels", unit=officer().staff_profile.agency.unit, filename="a.xlsx", sha256="x", content=b""
    )

    response = _client(administrator("qt2", code="32214")).get(f"/so-dang-ky/tau-ca/nhap/{job.pk}/")

    assert response.status_code == 404


def test_the_campaign_checklist_is_saved_and_a_3_khong_vessel_is_listed() -> None:
    """RULES.md §7.4: the checklist per vessel, progress by hamlet, "3 không" listed."""
    _boat, review, item = _campaign()
    client = _client(officer())
    answers = {
        "check_registration": "missing",
        "check_inspection": "missing",
        "check_licence": "missing",
        "check_vms": "not_required",
        "check_owner_identity": "ok",
        "check_residence": "ok",
        "check_gear_zone": "ok",
        "check_catch_logs": "missing",
    }

    partial = client.post(f"/so-dang-ky/tau-ca/ra-soat/muc/{item.pk}/", {"check_registration": "ok"})
    saved = client.post(f"/so-dang-ky/tau-ca/ra-soat/muc/{item.pk}/", answers)
    page = client.get(f"/so-dang-ky/tau-ca/ra-soat/{review.pk}/").content.decode()
    export = client.get(f"/so-dang-ky/tau-ca/ra-soat/{review.pk}/ket-qua.xlsx")

    item.refresh_from_db()
    assert partial.status_code == 400 and saved.status_code == 302
    assert item.state == ItemState.DONE and item.three_nos
    assert ">Ấp Cái Đôi</a></td><td>1</td><td>1</td><td>100</td>" in page  # progress by hamlet: 1 of 1, 100 %
    assert 'value="100"' in page and "(theo phiếu rà soát)" in page  # listed as "3 không" from the checklist
    assert export.status_code == 200 and export.content[:2] == b"PK"


def test_the_officer_assigns_a_hamlets_checklists() -> None:
    _boat, review, item = _campaign()
    me = officer()
    client = _client(me)

    response = client.post(f"/so-dang-ky/tau-ca/ra-soat/{review.pk}/phan-cong/", {"officer": me.pk, "hamlet": "Ấp Cái Đôi"})

    item.refresh_from_db()
    assert response.status_code == 302 and item.assigned_to == me


def test_the_leader_reads_a_checklist_with_its_answers_in_words() -> None:
    _boat, _review, item = _campaign()
    from motcua.registries.vessels.services import item_check

    item_check(actor=officer(), item_id=item.pk, results=dict.fromkeys(
        ["check_registration", "check_inspection", "check_licence", "check_vms", "check_owner_identity",
         "check_residence", "check_gear_zone", "check_catch_logs"], "ok"))  # fmt: skip

    body = _client(staff_user("lanhdao", Role.LEADER)).get(f"/so-dang-ky/tau-ca/ra-soat/muc/{item.pk}/").content.decode()

    assert "<dd>Đạt</dd>" in body and 'type="radio"' not in body


def test_the_owner_is_linked_to_the_citizen_registry_and_the_read_is_in_the_access_log() -> None:
    """Issue 13 item 2: the owner is a citizen of the identity registry when known (reuse, not
    retyping); the look-up is a purposeful read the citizen can see."""
    from motcua.identity.models import DataAccess
    from motcua.identity.tests.factories import CitizenFactory

    citizen = CitizenFactory.create(personal_id="096085004217", full_name="Lâm Văn Nhựt")
    boat = vessel(owner_name="Lam Van Nhut", owner_personal_id="096085004217")
    stranger = vessel(registration_number="CM-00009-TS", owner_personal_id="096085009999")
    client = _client(officer())

    linked = client.post(f"/so-dang-ky/tau-ca/{boat.pk}/chu-tau/")
    unknown = client.post(f"/so-dang-ky/tau-ca/{stranger.pk}/chu-tau/")

    boat.refresh_from_db()
    stranger.refresh_from_db()
    assert linked.status_code == 302 and boat.owner_citizen == citizen and boat.owner_name == "Lâm Văn Nhựt"
    assert unknown.status_code == 404 and stranger.owner_citizen is None
    assert DataAccess.objects.filter(citizen=citizen, purpose="registry_record").count() == 1

"""The answer-template pages and the picker on a petition's page in a real headless Chromium:
axe-core finds no violation and nothing scrolls sideways at 390 or 1366 px; choosing a
template fills in the answer without any script of ours (a plain GET form)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from motcua.core.tests.browser import CLEAN
from motcua.core.tests.browser import visit_and_check as _checked
from motcua.core.tests.factories import current_unit
from motcua.dossiers.tests.test_browser import _login
from motcua.feedback.choices import Classification, ContentCategory, PetitionAction, ReportClass
from motcua.feedback.models import AnswerTemplate
from motcua.feedback.services import ActInput, petition_act
from motcua.feedback.tests.factories import leader, officer, petition

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_template_pages_and_the_picker_are_accessible_and_fill_in_the_answer(
    page: Page, live_server: LiveServer, units: None
) -> None:
    base = live_server.url
    item = petition()
    user = officer()
    leader()
    data = ActInput(
        classification=Classification.WITHIN_COMPETENCE, category=ContentCategory.OBSTACLE, report_class=ReportClass.CONDUCT
    )
    petition_act(actor=user, code=item.code, action=PetitionAction.CLASSIFY, data=data)
    petition_act(actor=user, code=item.code, action=PetitionAction.START)
    template = AnswerTemplate.objects.create(
        unit=current_unit("32218"),
        category=ContentCategory.OBSTACLE,
        title="Trả lời chậm trả kết quả",
        body="Phản ánh {ma_phan_anh} ngày {ngay_tiep_nhan}: {co_quan} đã kiểm tra.",
    )
    _login(page, base, "chutich")
    manager_pages = ["/phan-anh/mau-tra-loi/", "/phan-anh/mau-tra-loi/tao/", f"/phan-anh/mau-tra-loi/{template.pk}/"]
    found = {path: _checked(page, base + path) for path in manager_pages}
    detail = f"/phan-anh/so/{item.code}/"
    found[detail] = _checked(page, base + detail)

    page.select_option("#answer-template", str(template.pk))
    page.click("form.template-picker button[type=submit]")
    page.wait_for_load_state("networkidle")

    assert found == dict.fromkeys([*manager_pages, detail], CLEAN)
    assert page.input_value("#draft_answer-answer").startswith(f"Phản ánh {item.code} ngày ")

"""The admin in Vietnamese names third-party apps and models in Vietnamese too (issue 10 item 9):
no "OTP_TOTP", "TOTP devices", "Task Results", "Tasks Database Backend" or "Show counts"."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

ENGLISH_LABELS = ["OTP_TOTP", "Otp_Totp", "TOTP devices", "Task Results", "Tasks Database Backend", "Show counts", "Successful"]


@pytest.fixture
def superuser_client(client: Client) -> Client:
    user = User.objects.create_superuser("quantri", "quantri@example.vn", "x")
    client.force_login(user)
    return client


def test_admin_index_in_vietnamese_has_no_english_third_party_labels(superuser_client: Client) -> None:
    html = superuser_client.get("/admin/").content.decode()

    assert [label for label in ENGLISH_LABELS if label in html] == []
    assert "Thiết bị TOTP" in html
    assert "Kết quả tác vụ" in html
    assert "Tác vụ nền" in html


def test_task_results_list_in_vietnamese_has_no_english_labels(superuser_client: Client) -> None:
    html = superuser_client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()

    assert [label for label in ENGLISH_LABELS if label in html] == []
    assert "Kết quả tác vụ" in html


def test_translated_names_leave_third_party_migrations_unchanged() -> None:
    """Only ``_meta.verbose_name`` is set, which the autodetector does not read."""
    call_command("makemigrations", "otp_totp", "django_tasks_database", "--check", "--dry-run", verbosity=0)

"""Media storage chosen from the environment (DESIGN.md: every backend from the environment,
the embedded one by default; issue 9 item 14)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.config import settings as settings_module
from motcua.config.settings import media_storage


def test_media_storage_defaults_to_the_file_system() -> None:
    assert media_storage("", {}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert media_storage("filesystem", {}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


@pytest.fixture
def storages_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """django-storages is an optional extra, not installed in the test environment."""
    monkeypatch.setattr(settings_module, "find_spec", lambda name: object() if name == "storages" else None)


def test_s3_media_storage_is_private_with_signed_links(storages_installed: None) -> None:
    backend = media_storage(
        "s3", {"MOTCUA_S3_BUCKET": "hoso", "MOTCUA_S3_ENDPOINT_URL": "https://s3.example.vn", "MOTCUA_S3_REGION": "hn"}
    )

    assert backend == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "hoso",
            "location": "media",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "endpoint_url": "https://s3.example.vn",
            "region_name": "hn",
        },
    }


def test_s3_media_storage_without_a_bucket_is_a_configuration_error(storages_installed: None) -> None:
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_S3_BUCKET"):
        media_storage("s3", {})


def test_s3_media_storage_without_django_storages_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings_module, "find_spec", lambda name: None)

    with pytest.raises(ImproperlyConfigured, match=r"motcua\[s3\]"):
        media_storage("s3", {"MOTCUA_S3_BUCKET": "hoso"})


def test_media_storage_accepts_a_storage_class_path() -> None:
    assert media_storage("myorg.storage.VaultStorage", {}) == {"BACKEND": "myorg.storage.VaultStorage"}


def test_unknown_media_storage_name_is_a_configuration_error() -> None:
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE"):
        media_storage("ftp", {})

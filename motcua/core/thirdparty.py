"""Names of third-party apps and models in the reader's language (issue 10 item 9).

django-otp and django-tasks-db name their apps and some models with plain strings ("OTP_TOTP",
"TOTP devices", "Tasks Database Backend"), which no catalogue can translate. ``translate_labels``
(called from ``CoreConfig.ready``) gives them lazy translated names. Only ``_meta.verbose_name``
and ``_meta.verbose_name_plural`` are set, not ``_meta.original_attrs``, so the migration
autodetector (which reads ``original_attrs``) sees no change in those apps.

Strings those apps do pass through gettext ("Task Results", admin's "Show counts") are
translated in our own catalogue (``LOCALE_PATHS`` wins over the apps' catalogues).
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

APP_NAMES = {
    "otp_totp": _("Two-step sign-in (TOTP)"),
    "django_tasks_database": _("Background tasks"),
}

MODEL_NAMES = {
    ("otp_totp", "totpdevice"): (_("TOTP device"), _("TOTP devices")),
}


def translate_labels() -> None:
    for label, name in APP_NAMES.items():
        if apps.is_installed(label) or label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name
    for (app_label, model_name), (singular, plural) in MODEL_NAMES.items():
        if app_label not in apps.app_configs:
            continue
        opts = apps.get_model(app_label, model_name)._meta
        opts.verbose_name = singular
        opts.verbose_name_plural = plural

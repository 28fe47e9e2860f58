from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from motcua.core.calendar import calendar_cache_clear
        from motcua.core.models import CalendarOverride
        from motcua.core.thirdparty import translate_labels

        translate_labels()

        def forget(**_kwargs: object) -> None:
            transaction.on_commit(calendar_cache_clear)

        post_save.connect(forget, sender=CalendarOverride, dispatch_uid="motcua.calendar.forget.save", weak=False)
        post_delete.connect(forget, sender=CalendarOverride, dispatch_uid="motcua.calendar.forget.delete", weak=False)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VesselsConfig(AppConfig):
    name = "motcua.registries.vessels"
    label = "registries_vessels"
    verbose_name = _("Fishing vessels")

    def ready(self) -> None:
        from motcua.registries.common.importing import registry_register
        from motcua.registries.vessels.definition import VESSELS

        registry_register(VESSELS)

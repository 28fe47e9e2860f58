from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistriesCommonConfig(AppConfig):
    name = "motcua.registries.common"
    label = "registries_common"
    verbose_name = _("Registries")

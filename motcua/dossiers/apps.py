from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from motcua.dossiers.identity_hooks import dossiers_for_counter, dossiers_for_export, dossiers_on_erasure
        from motcua.identity.hooks import counter_profile_providers, erasure_providers, export_providers

        counter_profile_providers.register("dossiers", dossiers_for_counter)
        export_providers.register("dossiers", dossiers_for_export)
        erasure_providers.register("dossiers", dossiers_on_erasure)

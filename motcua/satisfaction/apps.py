from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SatisfactionConfig(AppConfig):
    name = "motcua.satisfaction"
    label = "satisfaction"
    verbose_name = _("Citizen satisfaction")

    def ready(self) -> None:
        from motcua.core.events import subscribe
        from motcua.satisfaction.services import invite_rating

        subscribe("dossier.returned", invite_rating)
        subscribe("dossier.closed", invite_rating)  # refused or stopped: the applicant may rate too

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    label = "feedback"
    verbose_name = _("Feedback and petitions")

    def ready(self) -> None:
        from motcua.core.workspace import attention_providers
        from motcua.feedback.dialogues.hooks import leader_attention

        attention_providers.register("dialogue_commitments", leader_attention)

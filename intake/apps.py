from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Participatory budget: editions and proposals")

    def ready(self):
        from . import phases

        phases.blocker_register("open_intake", phases.edition_without_pools)

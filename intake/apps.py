from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Participatory budget: editions and proposals")

    def ready(self):
        from ballots.option_pages import option_pages_register

        from . import phases
        from .projects import box_project_pages

        phases.blocker_register("open_intake", phases.edition_without_pools)
        option_pages_register(box_project_pages)

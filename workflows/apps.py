from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Review workflows")

    def ready(self):
        from intake.phases import blocker_register
        from intake.signals import proposal_submitted

        from .receivers import review_on_submit
        from .schedules import schedules_register
        from .selectors import open_review_blockers

        # A submit starts (or, after a correction, resumes) the proposal's review, in the
        # submit's own transaction; voting cannot open while review steps are open.
        proposal_submitted.connect(review_on_submit, dispatch_uid="wotum-review-on-submit")
        blocker_register("open_voting", open_review_blockers)
        schedules_register()

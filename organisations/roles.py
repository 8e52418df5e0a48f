"""Roles: what each kind of person may do, as Django groups with permissions.

A staff member holds a role within one organisation through a ``Membership``; the
group of the same name carries the role's permissions. Residents hold no membership:
every signed-up person is in the ``resident`` group.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    INTAKE_CLERK = "intake_clerk", _("Intake clerk")
    FORMAL_REVIEWER = "formal_reviewer", _("Formal reviewer")
    MERIT_REVIEWER = "merit_reviewer", _("Merit reviewer")
    BUDGET_ADMIN = "budget_admin", _("Budget administrator")
    COMPANY_SECRETARY = "company_secretary", _("Company secretary")
    SHAREHOLDER = "shareholder", _("Shareholder or board member")
    COUNCIL_OPERATOR = "council_operator", _("Council operator")
    COUNCIL_CHAIR = "council_chair", _("Council chair")
    COUNCILLOR = "councillor", _("Councillor")


# Staff roles are held per organisation; the resident role belongs to every account.
STAFF_ROLES = [role for role in Role if role != Role.RESIDENT]

# role -> permissions ("app_label.codename"). Apps add theirs as their models appear; a
# permission whose model does not exist yet is skipped until it does.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.RESIDENT: [],
    Role.INTAKE_CLERK: ["audit.view_auditrecord", "intake.enter_paper_proposal",
                        "intake.import_proposals", "intake.view_all_proposals",
                        "ballots.enter_paper_ballot"],
    # viewflow lists a task only to people who may also view its process model.
    Role.FORMAL_REVIEWER: ["intake.review_formally", "intake.view_all_proposals",
                           "workflows.view_proposalreviewprocess"],
    Role.MERIT_REVIEWER: ["intake.review_merit", "intake.view_all_proposals",
                          "workflows.view_proposalreviewprocess"],
    Role.BUDGET_ADMIN: ["audit.view_auditrecord", "notifications.view_outboundemail",
                        "intake.manage_edition", "intake.view_all_proposals",
                        "intake.import_proposals", "ballots.enter_paper_ballot",
                        "ballots.view_live_report", "ballots.manage_ballotbox"],
    Role.COMPANY_SECRETARY: ["audit.view_auditrecord", "notifications.view_outboundemail",
                             "meetings.run_meeting", "ballots.record_attendance"],
    Role.SHAREHOLDER: [],
    Role.COUNCIL_OPERATOR: ["audit.view_auditrecord", "meetings.run_meeting",
                            "ballots.record_attendance", "council.manage_councillors"],
    Role.COUNCIL_CHAIR: ["audit.view_auditrecord", "meetings.run_meeting",
                         "ballots.record_attendance"],
    Role.COUNCILLOR: [],
}


def ensure_role_groups(group_model):
    for role in Role:
        group_model.objects.get_or_create(name=role.value)


def sync_role_permissions(sender=None, **kwargs):
    """Give each role group exactly the permissions ROLE_PERMISSIONS names."""
    from django.contrib.auth.models import Group, Permission

    ensure_role_groups(Group)
    for role, names in ROLE_PERMISSIONS.items():
        wanted = []
        for name in names:
            app_label, codename = name.split(".", 1)
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        Group.objects.get(name=role).permissions.set(wanted)


def roles_with_permission(permission: str) -> list[str]:
    return [role for role, names in ROLE_PERMISSIONS.items() if permission in names]

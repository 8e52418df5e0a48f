"""What the intake views share: staff scoping, errors turned into messages and form errors."""
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.functional import cached_property

from organisations.mixins import OrganisationScopedMixin
from organisations.roles import roles_with_permission

from ..models import Edition


def org_perm(user, permission: str, organisation) -> bool:
    """``permission`` held in ``organisation`` (roles elsewhere do not count)."""
    return user.has_perm(permission, Edition(organisation=organisation))


def form_errors_add(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its fields where it names them."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class StaffMixin(OrganisationScopedMixin):
    """A staff page of one organisation; another organisation's, or a wrong role's, is a 404."""

    permission = "intake.view_all_proposals"

    @property
    def organisation_roles(self):
        return tuple(roles_with_permission(self.permission))

    @cached_property
    def edition(self) -> Edition:
        edition = get_object_or_404(Edition.objects.select_related("organisation"),
                                    pk=self.kwargs["pk"], organisation=self.organisation)
        if not self.request.user.has_perm(self.permission, edition):
            raise Http404
        return edition

    def get_context_data(self, **kwargs):
        user, organisation = self.request.user, self.organisation
        kwargs.setdefault("can_manage", org_perm(user, "intake.manage_edition", organisation))
        kwargs.setdefault("can_enter_paper", org_perm(user, "intake.enter_paper_proposal",
                                                      organisation))
        kwargs.setdefault("can_import", org_perm(user, "intake.import_proposals", organisation))
        return super().get_context_data(**kwargs)


def confirm_render(request, *, question, consequence, confirm_label, fields, cancel_url):
    """Ask before an action that cannot be undone; the answer is the same POST, confirmed."""
    return render(request, "intake/confirm.html", {
        "question": question, "consequence": consequence, "confirm_label": confirm_label,
        "fields": fields, "cancel_url": cancel_url, "action": request.path})

"""Writes for editions and proposals. Views, forms, tasks and imports call these."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from viewflow.fsm import TransitionNotAllowed

from audit.services import audit_record
from audit.transitions import transition_run

from . import phases
from .models import Attachment, Edition, Proposal


class PhaseBlocked(ValidationError):
    """A phase change refused, with every reason why."""

    def __init__(self, blockers: list[str]):
        self.blockers = blockers
        super().__init__(blockers)


def edition_move(*, edition: Edition, transition: str, actor) -> Edition:
    """Move ``edition`` to its next phase as ``actor`` (None: the scheduler)."""
    blockers = phases.blockers_for(edition, transition)
    if blockers:
        raise PhaseBlocked(blockers)
    try:
        return transition_run(edition, transition, actor=actor)
    except TransitionNotAllowed as error:
        raise PhaseBlocked([_("The edition is in the phase “%(phase)s”; this step is not "
                              "possible now.") % {"phase": edition.get_state_display()}]) from error


# The scheduled job: a phase's end date moves the edition on.
_SCHEDULE = [
    (Edition.State.DRAFT, "intake_starts_at", "open_intake"),
    (Edition.State.INTAKE, "intake_ends_at", "start_review"),
    (Edition.State.REVIEW, "voting_starts_at", "open_voting"),
    (Edition.State.VOTING, "voting_ends_at", "close"),
]


def editions_advance_due(now=None) -> list[tuple[int, str, str]]:
    """Move every edition whose phase date has come; return (id, transition, outcome) rows.

    A blocked move (say, review tasks still open) stays where it is and is reported; the
    audit trail shows who moved what: the system.
    """
    now = now or timezone.now()
    report = []
    for state, date_field, transition in _SCHEDULE:
        due = Edition.objects.filter(state=state, **{f"{date_field}__lte": now})
        for edition in due:
            try:
                edition_move(edition=edition, transition=transition, actor=None)
                report.append((edition.pk, transition, "moved"))
            except PhaseBlocked as blocked:
                report.append((edition.pk, transition, "; ".join(blocked.blockers)))
    return report


def _applicant_submitted_count(proposal: Proposal) -> int:
    others = Proposal.objects.filter(edition=proposal.edition, number__isnull=False).exclude(
        pk=proposal.pk)
    if proposal.applicant_id:
        return others.filter(applicant_id=proposal.applicant_id).count()
    if proposal.applicant_email:
        return others.filter(applicant__isnull=True,
                             applicant_email__iexact=proposal.applicant_email).count()
    return 0


def proposal_submit(*, proposal: Proposal, actor) -> Proposal:
    """Submit a draft (or a returned proposal) within intake and the applicant's limit.

    The edition's row is locked for the count and the number, so a double submit or two
    tabs at once cannot pass the limit or take the same number.
    """
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=proposal.edition_id)
        refusal = edition.refusal("intake") if proposal.state == Proposal.State.DRAFT else None
        if refusal:
            raise ValidationError(refusal, code="phase")
        current = Proposal.objects.get(pk=proposal.pk)
        if current.state == Proposal.State.SUBMITTED:
            return current  # a double submit: already done, nothing more to do
        limit = edition.max_proposals_per_applicant
        if current.number is None and _applicant_submitted_count(current) >= limit:
            raise ValidationError(ngettext(
                "You have already submitted %(limit)d proposal in this edition, the most allowed.",
                "You have already submitted %(limit)d proposals in this edition, the most "
                "allowed.", limit) % {"limit": limit}, code="limit")
        fields = {"submitted_at": timezone.now()}
        if current.number is None:
            Edition.objects.filter(pk=edition.pk).update(
                last_proposal_number=F("last_proposal_number") + 1)
            fields["number"] = Edition.objects.values_list(
                "last_proposal_number", flat=True).get(pk=edition.pk)
        return transition_run(current, "submit", actor=actor, save_fields=fields)


def attachment_add(*, proposal: Proposal, uploaded_file, actor) -> Attachment:
    """Attach a file within the edition's limits; an over-limit file leaves the rest intact."""
    edition = proposal.edition
    max_bytes = edition.max_attachment_mb * 1024 * 1024
    if uploaded_file.size > max_bytes:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s MB; the largest allowed is %(max)d MB.")
            % {"name": uploaded_file.name, "size": f"{uploaded_file.size / 1048576:.1f}",
               "max": edition.max_attachment_mb}, code="too_large")
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.attachments.count() >= edition.max_attachments_per_proposal:
            raise ValidationError(
                _("A proposal may have at most %(max)d attachments; remove one to add another.")
                % {"max": edition.max_attachments_per_proposal}, code="too_many")
        attachment = Attachment(proposal=locked, original_name=uploaded_file.name[:255],
                                size=uploaded_file.size,
                                content_type=getattr(uploaded_file, "content_type", "") or "",
                                uploaded_by=actor if getattr(actor, "pk", None) else None)
        attachment.file.save(attachment.original_name, uploaded_file, save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
        audit_record(action="proposal.attach", actor=actor, obj=locked,
                     details={"file": attachment.original_name, "size": attachment.size})
    return attachment

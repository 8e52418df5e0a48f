"""Writes for editions and proposals. Views, forms, tasks and imports call these."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from viewflow.fsm import TransitionNotAllowed

from audit.services import audit_record
from audit.transitions import transition_run
from notifications.services import email_queue_template
from reports.uploads import attachment_extension_check, attachment_type_check, megabytes

from . import phases, selectors, voting
from .imports import ImportReport, import_read
from .models import Attachment, Edition, Pool, Proposal
from .signals import proposal_submitted

EDITION_FIELDS = ("name", "year", *Edition.PHASE_DATES, "max_proposals_per_applicant",
                  "max_attachments_per_proposal", "max_attachment_mb", "ballots_per_email",
                  "pesel_required", "minimum_voter_age", "selection_rule",
                  "preliminary_results_during_voting")
POOL_FIELDS = ("kind", "name", "budget", "choices_per_ballot", "position")
PROPOSAL_FIELDS = ("title", "pool", "category", "location", "latitude", "longitude",
                   "description", "justification", "estimated_cost", "applicant_name",
                   "applicant_email")
# Settings stay changeable until the vote opens: ballots are printed from them then.
EDITION_FROZEN = (Edition.State.VOTING, Edition.State.CLOSED)


class PhaseBlocked(ValidationError):
    """A phase change refused, with every reason why."""

    def __init__(self, blockers: list[str]):
        self.blockers = blockers
        super().__init__(blockers)


def edition_move(*, edition: Edition, transition: str, actor) -> Edition:
    """Move ``edition`` to its next phase as ``actor`` (None: the scheduler).

    Opening the vote builds and opens the ballot box in the same transaction; closing it
    closes the box and queues the computation of the results.
    """
    blockers = phases.blockers_for(edition, transition)
    if blockers:
        raise PhaseBlocked(blockers)
    try:
        with transaction.atomic():
            moved = transition_run(edition, transition, actor=actor,
                                   save_fields=_phase_dates_now(edition, transition))
            if transition == "open_voting":
                voting.edition_ballot_prepare(edition=moved, actor=actor)
            elif transition == "close":
                voting.edition_ballot_close(edition=moved, actor=actor)
    except TransitionNotAllowed as error:
        raise PhaseBlocked([_("The edition is in the phase “%(phase)s”; this step is not "
                              "possible now.") % {"phase": edition.get_state_display()}]) from error
    return Edition.objects.get(pk=moved.pk)


# transition -> the date it makes true: a phase moved by hand (or late) moves its date too.
PHASE_DATE_OF = {"open_intake": "intake_starts_at", "start_review": "intake_ends_at",
                 "open_voting": "voting_starts_at", "close": "voting_ends_at"}


def _phase_dates_now(edition: Edition, transition: str) -> dict:
    """The phase date to set to now, so every page quotes when it really happened.

    Closing intake early, say, makes "intake closes" now, not the planned date that
    has not come; a date already past (the timetable moved it on time) stays as planned.
    """
    field, now = PHASE_DATE_OF.get(transition), timezone.now()
    if field is None:
        return {}
    planned = getattr(edition, field)
    if planned is not None and planned <= now:
        return {}
    changes = {field: now}
    if transition == "open_voting" and edition.voting_ends_at and edition.voting_ends_at <= now:
        changes["voting_ends_at"] = None  # never a vote that ended before it opened
    return changes


def edition_save(*, organisation, actor, fields: dict, pools: list[dict],
                 edition: Edition | None = None) -> Edition:
    """Create or change an edition and its pools as one audited step.

    ``pools`` are dicts of POOL_FIELDS plus ``id`` (an existing pool) and ``delete``.
    """
    if not actor.has_perm("intake.manage_edition", edition or Edition(organisation=organisation)):
        raise PermissionDenied
    with transaction.atomic():
        if edition is None:
            edition, action = Edition(organisation=organisation), "edition.create"
        else:
            edition = Edition.objects.select_for_update().get(pk=edition.pk,
                                                              organisation=organisation)
            action = "edition.update"
            if edition.state in EDITION_FROZEN:
                raise ValidationError(_("The edition is in the phase “%(phase)s”; its settings "
                                        "can no longer be changed.")
                                      % {"phase": edition.get_state_display()}, code="phase")
        changed = {name: str(fields[name]) for name in EDITION_FIELDS
                   if name in fields and getattr(edition, name) != fields[name]}
        for name in changed:
            setattr(edition, name, fields[name])
        edition.full_clean()
        edition.save()
        pool_changes = _pools_save(edition, pools)
        audit_record(action=action, actor=actor, obj=edition, to_state=edition.state,
                     details={"fields": changed, "pools": pool_changes})
    return edition


def _pools_check(rows: list[dict]) -> None:
    names = [row["name"].strip().casefold() for row in rows]
    repeated = sorted({row["name"] for row, name in zip(rows, names, strict=True)
                       if names.count(name) > 1})
    if repeated:
        raise ValidationError(_("Two pools cannot have the same name: %(names)s.")
                              % {"names": ", ".join(repeated)}, code="pool_name")
    if sum(row["kind"] == Pool.Kind.CITYWIDE for row in rows) > 1:
        raise ValidationError(_("An edition has at most one city-wide pool."), code="citywide")


def _pools_save(edition: Edition, rows: list[dict]) -> list[str]:
    existing = {pool.pk: pool for pool in edition.pools.all()}
    _pools_check([row for row in rows if not row.get("delete")])
    changes = []
    # Removals first, so that a name can pass from a removed pool to a new one.
    for row in sorted(rows, key=lambda row: not row.get("delete")):
        pool = existing.get(row.get("id")) if row.get("id") else None
        if row.get("delete"):
            if pool is not None:
                if pool.proposals.exists():
                    raise ValidationError(_("The pool “%(name)s” has proposals; it cannot be "
                                            "removed.") % {"name": pool.name}, code="pool_used")
                pool.delete()
                changes.append(f"-{pool.name}")
            continue
        pool = pool or Pool(edition=edition)
        for name in POOL_FIELDS:
            if name in row:
                setattr(pool, name, row[name])
        pool.full_clean()
        pool.save()
        changes.append(pool.name)
    return changes


def _create_permission_check(edition: Edition, actor, channel: str, applicant) -> None:
    if channel == Proposal.Channel.ONLINE:
        if applicant is None or applicant.pk != actor.pk:
            raise PermissionDenied
        if not selectors.account_confirmed(actor):
            raise ValidationError(_("Confirm your e-mail address before you write a proposal."),
                                  code="unconfirmed")
    needed = {Proposal.Channel.PAPER: "intake.enter_paper_proposal",
              Proposal.Channel.IMPORT: "intake.import_proposals"}.get(channel)
    if needed and not actor.has_perm(needed, edition):
        raise PermissionDenied


def _fields_assign(proposal: Proposal, fields: dict) -> list[str]:
    """Set PROPOSAL_FIELDS from ``fields``; return the names that changed."""
    pool = fields.get("pool")
    if pool is not None and pool.edition_id != proposal.edition_id:
        raise ValidationError({"pool": _("Choose a pool of this edition.")})
    changed = []
    if pool is not None and proposal.pool_id != pool.pk:
        proposal.pool = pool
        changed.append("pool")
    for name in PROPOSAL_FIELDS:
        if name != "pool" and name in fields and getattr(proposal, name) != fields[name]:
            setattr(proposal, name, fields[name])
            changed.append(name)
    if "applicant" in fields and proposal.applicant_id != getattr(fields["applicant"], "pk", None):
        proposal.applicant = fields["applicant"]
        changed.append("applicant")
    return changed


def proposal_create(*, edition: Edition, actor, fields: dict,
                    channel: str = Proposal.Channel.ONLINE, applicant=None,
                    import_key: str = "") -> Proposal:
    """Start a draft: online by its applicant, from paper or a file by a clerk (PB-4, 7, 8)."""
    _create_permission_check(edition, actor, channel, applicant)
    refusal = edition.refusal("intake")
    if refusal:
        raise ValidationError(refusal, code="phase")
    proposal = Proposal(edition=edition, organisation_id=edition.organisation_id,
                        channel=channel, applicant=applicant, entered_by=actor,
                        import_key=import_key)
    _fields_assign(proposal, fields)
    with transaction.atomic():
        if channel == Proposal.Channel.ONLINE:
            _drafts_cap_check(applicant)
        proposal.full_clean()
        proposal.save()
        audit_record(action="proposal.create", actor=actor, obj=proposal,
                     to_state=proposal.state, details={"channel": channel})
    return proposal


def _drafts_cap_check(applicant) -> None:
    """Refuse a new draft past WOTUM_MAX_DRAFTS_PER_ACCOUNT unsubmitted ones.

    The applicant's row is locked first, so that concurrent requests count one by one.
    """
    get_user_model().objects.select_for_update().filter(pk=applicant.pk).first()
    limit = settings.WOTUM_MAX_DRAFTS_PER_ACCOUNT
    if Proposal.objects.filter(applicant=applicant, state=Proposal.State.DRAFT).count() >= limit:
        raise ValidationError(
            _("You already have %(max)d unsubmitted drafts. Submit or delete one of them "
              "before you start another.") % {"max": limit}, code="drafts_cap")


def _editable_check(proposal: Proposal, actor) -> None:
    """Refuse changes by the wrong person, after submission, or outside intake for drafts."""
    if not selectors.proposal_editable_by(actor, proposal):
        raise PermissionDenied
    if proposal.state not in selectors.EDITABLE_STATES:
        raise ValidationError(_("This proposal has been submitted (“%(state)s”); it can no "
                                "longer be changed.") % {"state": proposal.get_state_display()},
                              code="submitted")
    if proposal.state == Proposal.State.DRAFT:
        refusal = proposal.edition.refusal("intake")
        if refusal:
            raise ValidationError(refusal, code="phase")


def proposal_update(*, proposal: Proposal, actor, fields: dict) -> Proposal:
    """Change a draft (or a proposal returned for correction)."""
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().select_related("edition").get(
            pk=proposal.pk)
        _editable_check(locked, actor)
        changed = _fields_assign(locked, fields)
        if changed:
            locked.full_clean()
            locked.save()
            audit_record(action="proposal.update", actor=actor, obj=locked,
                         from_state=locked.state, to_state=locked.state,
                         details={"fields": changed})
    return locked


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
        current = Proposal.objects.get(pk=proposal.pk)
        if current.state == Proposal.State.SUBMITTED:
            return current  # a double submit: already done, nothing more to do
        refusal = edition.refusal("intake") if current.state == Proposal.State.DRAFT else None
        if refusal:
            raise ValidationError(refusal, code="phase")
        limit = edition.max_proposals_per_applicant
        if current.number is None and _applicant_submitted_count(current) >= limit:
            raise ValidationError(_("The limit of proposals submitted by one applicant in this "
                                    "edition has been reached (%(limit)d).") % {"limit": limit},
                                  code="limit")
        fields = {"submitted_at": timezone.now()}
        if current.number is None:
            Edition.objects.filter(pk=edition.pk).update(
                last_proposal_number=F("last_proposal_number") + 1)
            fields["number"] = Edition.objects.values_list(
                "last_proposal_number", flat=True).get(pk=edition.pk)
        submitted = transition_run(current, "submit", actor=actor, save_fields=fields)
        # Other apps (the review workflow) follow submissions in this same transaction.
        proposal_submitted.send(sender=Proposal, proposal=submitted, actor=actor)
        _submission_confirm(submitted)
        return submitted


def _submission_confirm(proposal: Proposal) -> None:
    """Queue the applicant's confirmation: the number, and what happens next."""
    address = (proposal.applicant.email if proposal.applicant_id else "") \
        or proposal.applicant_email
    if not address:
        return
    url = ""
    if proposal.applicant_id:  # only an account can open the proposal's page
        url = settings.WOTUM_BASE_URL.rstrip("/") + reverse("intake:proposal_detail",
                                                            args=[proposal.pk])
    email_queue_template(
        to=address, template="intake/email/submitted", kind="proposal_submitted",
        organisation=proposal.organisation_id, language=settings.LANGUAGE_CODE,
        context={"reference": proposal.reference, "title": proposal.title,
                 "edition": proposal.edition.name, "proposal_url": url,
                 "submitted": formats.date_format(timezone.localtime(proposal.submitted_at),
                                                  "j E Y, H:i")})


def attachment_add(*, proposal: Proposal, uploaded_file, actor, public: bool = False
                   ) -> Attachment:
    """Attach a file within the edition's limits; a refused file leaves the rest intact.

    ``public``: the applicant lets the project's public page show it (pictures only).
    """
    edition = proposal.edition
    attachment_extension_check(uploaded_file.name)
    if uploaded_file.size > edition.max_attachment_mb * 1024 * 1024:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s MB; the largest allowed is %(max)d MB.")
            % {"name": uploaded_file.name, "size": megabytes(uploaded_file.size),
               "max": edition.max_attachment_mb}, code="too_large")
    content_type = attachment_type_check(uploaded_file)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().select_related("edition").get(
            pk=proposal.pk)
        _editable_check(locked, actor)
        if locked.attachments.count() >= locked.edition.max_attachments_per_proposal:
            raise ValidationError(
                _("The file “%(name)s” was not added: a proposal may have at most %(max)d "
                  "attachments; remove one to add another.")
                % {"name": uploaded_file.name, "max": edition.max_attachments_per_proposal},
                code="too_many")
        attachment = Attachment(proposal=locked, original_name=uploaded_file.name[:255],
                                size=uploaded_file.size, content_type=content_type,
                                public=public,
                                uploaded_by=actor if getattr(actor, "pk", None) else None)
        attachment.file.save(attachment.original_name, uploaded_file, save=False)
        try:
            attachment.save()
            audit_record(action="proposal.attach", actor=actor, obj=locked,
                         details={"file": attachment.original_name, "size": attachment.size})
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment


def attachment_remove(*, attachment: Attachment, actor) -> None:
    """Remove an attachment from a proposal that can still be changed."""
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("edition").get(
            pk=attachment.proposal_id)
        _editable_check(proposal, actor)
        name, stored = attachment.original_name, attachment.file.name
        storage = attachment.file.storage
        attachment.delete()
        audit_record(action="proposal.detach", actor=actor, obj=proposal,
                     details={"file": name})
        # Delete the bytes only once the row's removal is committed.
        transaction.on_commit(lambda: storage.delete(stored))


def proposals_import(*, edition: Edition, actor, uploaded_file,
                     in_request_rows: int | None = None, progress=None,
                     on_write=None) -> ImportReport:
    """Import a file of proposals, submitted in file order: all of it or none of it (PB-8).

    Rows already imported (same ``import_key``) are skipped, so a file can be sent again.
    Past ``in_request_rows`` rows, raises ``ImportTooLong`` (the worker takes the file:
    ``intake.import_jobs``); ``progress(checked, total)`` follows the check of the rows and
    ``on_write()`` runs once they all passed, before anything is written.
    """
    if not actor.has_perm("intake.import_proposals", edition):
        raise PermissionDenied
    report = ImportReport()
    refusal = edition.refusal("intake")
    if refusal:
        report.errors.append((0, refusal))
        return report
    rows, report.errors = import_read(uploaded_file, edition, sample_lines=report.sample_lines,
                                      in_request_rows=in_request_rows, progress=progress)
    if report.errors:
        return report
    if on_write is not None:
        on_write()
    with transaction.atomic():
        # One import at a time per edition: the known keys stay known until commit.
        Edition.objects.select_for_update().get(pk=edition.pk)
        known = set(Proposal.objects.filter(edition=edition, import_key__in=[r.key for r in rows])
                    .values_list("import_key", flat=True))
        for row in rows:
            if row.key in known:
                report.skipped += 1
                continue
            try:
                with transaction.atomic():
                    proposal = proposal_create(edition=edition, actor=actor, fields=row.fields,
                                               channel=Proposal.Channel.IMPORT,
                                               import_key=row.key)
                    report.created.append(proposal_submit(proposal=proposal,
                                                          actor=actor).reference)
            except ValidationError as error:
                report.errors.append((row.line, " ".join(error.messages)))
        if report.errors:
            transaction.set_rollback(True)
            report.created = []
    return report

"""PB-4 … PB-6: drafts, submission within the limit, numbers, attachments; all audited."""
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import translation

from audit.selectors import audit_for_object
from intake.models import Attachment, Proposal
from intake.services import (
    attachment_add,
    attachment_remove,
    proposal_create,
    proposal_submit,
    proposal_update,
)
from tests.factories import ProposalFactory, UserFactory

from .uploads import GOOD, upload


def _actions(proposal):
    return [record.action for record in audit_for_object(proposal)]


@pytest.mark.django_db
def test_resident_keeps_a_draft_changes_it_and_submits_it(edition, resident, proposal_fields):
    draft = proposal_create(edition=edition, actor=resident, fields=proposal_fields,
                            applicant=resident)
    assert draft.state == Proposal.State.DRAFT and draft.number is None
    changed = proposal_update(proposal=draft, actor=resident,
                              fields={**proposal_fields, "title": "Ławki i kosze"})
    assert changed.title == "Ławki i kosze"
    submitted = proposal_submit(proposal=draft, actor=resident)
    assert (submitted.state, submitted.number, submitted.reference) == ("submitted", 1, "2027/001")
    assert _actions(draft) == ["proposal.create", "proposal.update", "proposal.submit"]
    with pytest.raises(ValidationError):
        proposal_update(proposal=submitted, actor=resident, fields={"title": "Inny"})


@pytest.mark.django_db
def test_numbers_are_per_edition(edition, edition_factory, city, proposal_factory):
    other = edition_factory(organisation=city, phase="intake", year=2028)
    first = proposal_factory(edition=edition, submitted=True)
    second = proposal_factory(edition=edition, submitted=True)
    elsewhere = proposal_factory(edition=other, submitted=True)
    assert [first.number, second.number, elsewhere.number] == [1, 2, 1]


@pytest.mark.django_db
def test_an_unconfirmed_account_cannot_start_a_proposal(edition, proposal_fields):
    person = UserFactory(confirmed=False)
    with pytest.raises(ValidationError):
        proposal_create(edition=edition, actor=person, fields=proposal_fields, applicant=person)


@pytest.mark.django_db
def test_nobody_writes_an_online_proposal_for_someone_else(edition, resident, other_resident,
                                                          proposal_fields):
    with pytest.raises(PermissionDenied):
        proposal_create(edition=edition, actor=other_resident, fields=proposal_fields,
                        applicant=resident)
    draft = proposal_create(edition=edition, actor=resident, fields=proposal_fields,
                            applicant=resident)
    with pytest.raises(PermissionDenied):
        proposal_update(proposal=draft, actor=other_resident, fields={"title": "Moje"})
    with pytest.raises(PermissionDenied):
        proposal_submit(proposal=draft, actor=other_resident)


@pytest.mark.django_db
def test_the_limit_counts_submitted_proposals_and_drafts_are_unlimited(edition, resident):
    edition.max_proposals_per_applicant = 2
    edition.save()
    drafts = [ProposalFactory(edition=edition, applicant=resident) for _ in range(4)]
    proposal_submit(proposal=drafts[0], actor=resident)
    proposal_submit(proposal=drafts[1], actor=resident)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        proposal_submit(proposal=drafts[2], actor=resident)
    assert "limit" in refused.value.messages[0] and "(2)" in refused.value.messages[0]
    assert Proposal.objects.filter(applicant=resident, state="draft").count() == 2
    # Another applicant is not affected.
    assert proposal_submit(proposal=ProposalFactory(edition=edition), actor=None).number == 3


@pytest.mark.django_db
def test_a_double_submit_numbers_once_and_audits_once(edition, resident):
    draft = ProposalFactory(edition=edition, applicant=resident)
    first = proposal_submit(proposal=draft, actor=resident)
    again = proposal_submit(proposal=draft, actor=resident)
    assert first.number == again.number == 1
    assert _actions(draft).count("proposal.submit") == 1
    edition.refresh_from_db()
    assert edition.last_proposal_number == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_cannot_pass_the_limit(edition_factory, organisation_factory):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    edition = edition_factory(organisation=organisation_factory(), phase="intake",
                              max_proposals_per_applicant=3)
    resident = UserFactory()
    drafts = [ProposalFactory(edition=edition, applicant=resident) for _ in range(8)]
    barrier, outcomes = threading.Barrier(len(drafts)), []

    def submit(draft):
        try:
            barrier.wait()
            proposal_submit(proposal=draft, actor=resident)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("limit")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["limit"] * 5 + ["ok"] * 3
    numbers = sorted(Proposal.objects.filter(edition=edition).exclude(number=None)
                     .values_list("number", flat=True))
    assert numbers == [1, 2, 3]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(GOOD))
def test_every_accepted_type_is_stored_with_its_content_type(edition, resident, name):
    draft = ProposalFactory(edition=edition, applicant=resident)
    attachment = attachment_add(proposal=draft, uploaded_file=upload(name, GOOD[name]),
                                actor=resident)
    assert attachment.original_name == name
    assert attachment.content_type and attachment.content_type != "application/octet-stream"


@pytest.mark.django_db
@pytest.mark.parametrize("name,content,reason", [
    ("virus.exe", b"MZ\x90\x00", "not of an accepted type"),
    ("notes.txt", b"hello", "not of an accepted type"),
    ("plan.pdf.html", b"<html>", "not of an accepted type"),
    ("fake.pdf", b"MZ\x90\x00 pretending", "content does not match"),
    ("fake.docx", GOOD["new.xlsx"], "content does not match"),
    ("fake.png", GOOD["plan.pdf"], "content does not match"),
    ("fake.odt", GOOD["sheet.ods"], "content does not match"),
])
def test_a_disallowed_file_is_refused_with_a_clear_message(edition, resident, name, content,
                                                           reason):
    draft = ProposalFactory(edition=edition, applicant=resident)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        attachment_add(proposal=draft, uploaded_file=upload(name, content), actor=resident)
    assert reason in refused.value.messages[0] and name in refused.value.messages[0]
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_over_limit_uploads_are_refused_and_earlier_files_stay(edition, resident):
    edition.max_attachments_per_proposal, edition.max_attachment_mb = 2, 1
    edition.save()
    draft = ProposalFactory(edition=edition, applicant=resident)
    kept = [attachment_add(proposal=draft, uploaded_file=upload(f"{n}.pdf"), actor=resident)
            for n in (1, 2)]
    with translation.override("en"), pytest.raises(ValidationError) as too_many:
        attachment_add(proposal=draft, uploaded_file=upload("3.pdf"), actor=resident)
    assert "at most 2 attachments" in too_many.value.messages[0]
    with translation.override("en"), pytest.raises(ValidationError) as too_big:
        attachment_add(proposal=draft, uploaded_file=upload("big.pdf", size=1024 * 1024 + 1),
                       actor=resident)
    assert "the largest allowed is 1 MB" in too_big.value.messages[0]
    assert list(draft.attachments.all()) == kept
    for attachment in kept:
        assert attachment.file.storage.exists(attachment.file.name)


@pytest.mark.django_db
def test_files_cannot_change_after_submission(edition, resident):
    draft = ProposalFactory(edition=edition, applicant=resident)
    attachment = attachment_add(proposal=draft, uploaded_file=upload(), actor=resident)
    proposal_submit(proposal=draft, actor=resident)
    draft.refresh_from_db()
    with pytest.raises(ValidationError):
        attachment_add(proposal=draft, uploaded_file=upload("2.pdf"), actor=resident)
    with pytest.raises(ValidationError):
        attachment_remove(attachment=attachment, actor=resident)


@pytest.mark.django_db(transaction=True)
def test_removing_a_file_deletes_it_after_commit_and_is_audited(edition, resident):
    draft = ProposalFactory(edition=edition, applicant=resident)
    attachment = attachment_add(proposal=draft, uploaded_file=upload(), actor=resident)
    stored, storage = attachment.file.name, attachment.file.storage
    attachment_remove(attachment=attachment, actor=resident)
    assert not storage.exists(stored)
    assert _actions(draft) == ["proposal.attach", "proposal.detach"]


@pytest.mark.django_db
def test_a_returned_proposal_is_corrected_and_resubmitted_after_intake_keeping_its_number(
        edition, resident):
    from audit.transitions import transition_run
    from intake.services import edition_move

    proposal = ProposalFactory(edition=edition, applicant=resident, submitted=True)
    edition_move(edition=edition, transition="start_review", actor=None)
    transition_run(proposal, "return_formally", actor=None)
    proposal = Proposal.objects.get(pk=proposal.pk)
    corrected = proposal_update(proposal=proposal, actor=resident,
                                fields={"description": "Poprawiony opis."})
    again = proposal_submit(proposal=corrected, actor=resident)
    assert (again.state, again.number, again.description) == ("submitted", 1, "Poprawiony opis.")


@pytest.mark.django_db
def test_the_applicant_gets_a_confirmation_email_when_a_proposal_is_submitted(edition,
                                                                            resident):
    from notifications.models import OutboundEmail
    from notifications.services import email_text

    draft = ProposalFactory(edition=edition, applicant=resident)
    submitted = proposal_submit(proposal=draft, actor=resident)
    message = OutboundEmail.objects.get(kind="proposal_submitted")
    subject, body = email_text(message)
    assert message.to == resident.email
    assert subject == f"Wniosek {submitted.reference} złożony: {submitted.title}"
    assert f"otrzymał numer {submitted.reference}" in body
    assert f"/pb/proposals/{submitted.pk}/" in body

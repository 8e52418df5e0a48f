"""The resident's pages: write, keep drafts, attach files, submit, follow, print (PB-4 … 9)."""
import pytest
from django.urls import reverse

from intake.models import Proposal
from tests.factories import ProposalFactory

from .uploads import GOOD, upload


@pytest.fixture
def en(client):
    client.cookies.load({"django_language": "en"})
    return client


def _form(edition, **extra):
    return {"title": "Ławki w parku", "pool": edition.pools.get(name="Śródmieście").pk,
            "location": "Park", "description": "Dziesięć ławek.", "justification": "Brak",
            "estimated_cost": "12 000,50", "applicant_name": "Anna Mieszkańska",
            "action": "save", **extra}


@pytest.mark.django_db
def test_resident_writes_a_draft_with_files_then_submits_it(en, edition, resident):
    en.force_login(resident)
    page = en.get(reverse("intake:my_proposals"))
    assert edition.name in page.content.decode()
    response = en.post(reverse("intake:proposal_create", args=[edition.pk]), _form(
        edition, files=[upload("plan.pdf"), upload("photo.png", GOOD["photo.png"])]))
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert (proposal.state, str(proposal.estimated_cost), proposal.attachments.count()) == \
        ("draft", "12000.50", 2)
    response = en.post(reverse("intake:proposal_submit", args=[proposal.pk]), follow=True)
    assert "Proposal 2027/001 is submitted." in response.content.decode()
    detail = en.get(reverse("intake:proposal_detail", args=[proposal.pk])).content.decode()
    assert "2027/001" in detail and "submitted" in detail
    for step in ("Created", "File attached", "Submitted"):
        assert step in detail
    listing = en.get(reverse("intake:my_proposals")).content.decode()
    assert "Ławki w parku" in listing and "2027/001" in listing


@pytest.mark.django_db
def test_save_and_submit_in_one_step(en, edition, resident):
    en.force_login(resident)
    en.post(reverse("intake:proposal_create", args=[edition.pk]), _form(edition, action="submit"))
    assert Proposal.objects.get().reference == "2027/001"


@pytest.mark.django_db
def test_an_over_limit_upload_keeps_the_earlier_files_and_what_was_typed(en, edition, resident):
    edition.max_attachments_per_proposal = 2
    edition.save()
    en.force_login(resident)
    en.post(reverse("intake:proposal_create", args=[edition.pk]),
            _form(edition, files=[upload("1.pdf")]))
    proposal = Proposal.objects.get()
    response = en.post(reverse("intake:proposal_update", args=[proposal.pk]), _form(
        edition, title="Ławki i kosze", files=[upload("2.pdf"), upload("3.pdf")]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "at most 2 attachments" in page and "3.pdf" in page
    assert 'value="Ławki i kosze"' in page  # the typed title is still in the form
    assert 'aria-describedby="id_files_helptext id_files_error"' in page
    proposal.refresh_from_db()
    assert proposal.title == "Ławki i kosze"
    assert sorted(a.original_name for a in proposal.attachments.all()) == ["1.pdf", "2.pdf"]


@pytest.mark.django_db
def test_a_disallowed_file_is_refused_on_the_form_and_the_draft_is_saved(en, edition, resident):
    en.force_login(resident)
    response = en.post(reverse("intake:proposal_create", args=[edition.pk]),
                       _form(edition, files=[upload("run.exe", b"MZ\x90")]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "“run.exe” is not of an accepted type" in page
    proposal = Proposal.objects.get()
    assert proposal.title == "Ławki w parku" and proposal.attachments.count() == 0
    # The form now changes the saved draft instead of starting another one.
    assert reverse("intake:proposal_update", args=[proposal.pk]) in page


@pytest.mark.django_db
def test_an_invalid_form_shows_errors_tied_to_fields(en, edition, resident):
    en.force_login(resident)
    response = en.post(reverse("intake:proposal_create", args=[edition.pk]),
                       _form(edition, title="", estimated_cost="dużo"))
    page = response.content.decode()
    assert response.status_code == 400 and not Proposal.objects.exists()
    assert 'id="id_title_error"' in page and 'aria-invalid="true"' in page
    assert "is not an amount in PLN" in page


@pytest.mark.django_db
def test_the_sixth_submission_is_refused_with_the_limit(en, edition, resident):
    for _ in range(5):
        ProposalFactory(edition=edition, applicant=resident, submitted=True)
    draft = ProposalFactory(edition=edition, applicant=resident)
    en.force_login(resident)
    page = en.post(reverse("intake:proposal_submit", args=[draft.pk]), follow=True)
    assert "has been reached (5)" in page.content.decode()
    draft.refresh_from_db()
    assert draft.state == "draft"


@pytest.mark.django_db
def test_writing_is_refused_when_intake_is_closed(en, edition_factory, city, resident):
    closed = edition_factory(organisation=city, phase="review")
    en.force_login(resident)
    response = en.get(reverse("intake:proposal_create", args=[closed.pk]), follow=True)
    assert "Proposal intake closed on" in response.content.decode()


@pytest.mark.django_db
def test_a_file_is_streamed_as_an_attachment_with_its_name(client, edition, resident, clerk):
    proposal = ProposalFactory(edition=edition, applicant=resident)
    from intake.services import attachment_add, proposal_submit

    attachment = attachment_add(proposal=proposal, uploaded_file=upload("Mapa ławek.pdf"),
                                actor=resident)
    proposal_submit(proposal=proposal, actor=resident)  # staff see submitted proposals
    for person in (resident, clerk):
        client.force_login(person)
        response = client.get(reverse("intake:attachment_download", args=[attachment.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert "Mapa" in response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.django_db
def test_the_printable_form_has_the_number_date_and_fields(en, edition, resident):
    proposal = ProposalFactory(edition=edition, applicant=resident, submitted=True,
                               title="Plac zabaw")
    en.force_login(resident)
    page = en.get(reverse("intake:proposal_print", args=[proposal.pk])).content.decode()
    assert "2027/001" in page and "Plac zabaw" in page and "@media print" in page
    assert "window.print()" in page and "50,000.00 zł" in page
    draft = ProposalFactory(edition=edition, applicant=resident)
    response = en.get(reverse("intake:proposal_print", args=[draft.pk]))
    assert response.status_code == 302


@pytest.mark.django_db
def test_history_hides_staff_names_from_the_applicant(en, edition, resident, clerk):
    from intake.services import proposal_create, proposal_submit

    proposal = proposal_create(edition=edition, actor=clerk, channel="paper", applicant=resident,
                               fields={"title": "Z papieru", "pool": edition.pools.first(),
                                       "description": "Opis", "applicant_name": "Anna",
                                       "estimated_cost": 1000})
    proposal_submit(proposal=proposal, actor=clerk)
    en.force_login(resident)
    page = en.get(reverse("intake:proposal_detail", args=[proposal.pk])).content.decode()
    assert clerk.email not in page and edition.organisation.name in page
    en.force_login(clerk)
    page = en.get(reverse("intake:proposal_detail", args=[proposal.pk])).content.decode()
    assert clerk.email in page

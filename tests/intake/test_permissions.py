"""One test per role for each protected view: the right roles in, everyone else 403/404 (X-7).

Staff pages of another organisation, or of a role one does not hold, are a 404, so that
nobody learns what another city has.
"""
import pytest
from django.urls import reverse

from intake.services import attachment_add, proposal_submit
from organisations.roles import Role
from tests.factories import MembershipFactory, ProposalFactory, UserFactory

from .uploads import upload

EVERYONE = ["resident", "applicant", "clerk", "formal", "merit", "admin", "other_clerk",
            "other_admin"]


@pytest.fixture
def people(city, other_city, db):
    def member(role, organisation):
        user = UserFactory()
        MembershipFactory(user=user, organisation=organisation, role=role)
        return user

    return {
        "resident": UserFactory(), "applicant": UserFactory(),
        "clerk": member(Role.INTAKE_CLERK, city), "formal": member(Role.FORMAL_REVIEWER, city),
        "merit": member(Role.MERIT_REVIEWER, city), "admin": member(Role.BUDGET_ADMIN, city),
        "other_clerk": member(Role.INTAKE_CLERK, other_city),
        "other_admin": member(Role.BUDGET_ADMIN, other_city),
    }


@pytest.fixture
def objects(edition, people):
    applicant = people["applicant"]
    draft = ProposalFactory(edition=edition, applicant=applicant)
    draft_file = attachment_add(proposal=draft, uploaded_file=upload(), actor=applicant)
    submitted = ProposalFactory(edition=edition, applicant=applicant)
    submitted_file = attachment_add(proposal=submitted, uploaded_file=upload(), actor=applicant)
    proposal_submit(proposal=submitted, actor=applicant)
    return {"edition": edition, "draft": draft, "submitted": submitted,
            "draft_file": draft_file, "submitted_file": submitted_file}


def _staff_url(name, objects):
    edition = objects["edition"]
    if name in ("edition_list", "edition_create"):
        return reverse(f"intake:{name}", args=[edition.organisation.slug])
    return reverse(f"intake:{name}", args=[edition.organisation.slug, edition.pk])


# view name -> roles that get 200; every other role gets 404.
STAFF_PAGES = {
    "edition_list": {"clerk", "formal", "merit", "admin"},
    "edition_detail": {"clerk", "formal", "merit", "admin"},
    "edition_create": {"admin"},
    "edition_update": {"admin"},
    "paper_proposal_create": {"clerk"},
    "proposal_import": {"clerk", "admin"},
    "import_template": {"clerk", "admin"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(STAFF_PAGES))
@pytest.mark.parametrize("who", EVERYONE)
def test_staff_pages(client, people, objects, name, who):
    client.force_login(people[who])
    response = client.get(_staff_url(name, objects))
    assert response.status_code == (200 if who in STAFF_PAGES[name] else 404)


@pytest.mark.django_db
@pytest.mark.parametrize("who", EVERYONE)
def test_moving_an_edition(client, people, objects, who):
    client.force_login(people[who])
    response = client.post(_staff_url("edition_move", objects),
                           {"transition": "start_review", "confirm": "yes"})
    assert response.status_code == (302 if who == "admin" else 404)
    objects["edition"].refresh_from_db()
    assert objects["edition"].state == ("review" if who == "admin" else "intake")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["edition_list", "edition_detail", "proposal_import"])
def test_anonymous_visitors_are_sent_to_log_in(client, objects, name):
    response = client.get(_staff_url(name, objects))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


# (view, object) -> status per role; anyone not listed gets a 404. Staff of the organisation
# see submitted proposals and their files; a resident's online draft stays the resident's.
SEE = {"applicant": 200, "clerk": 200, "formal": 200, "merit": 200, "admin": 200}
OWN = {"applicant": 200}
PROPOSAL_PAGES = {
    ("proposal_detail", "submitted"): SEE,
    ("proposal_print", "submitted"): SEE,
    ("attachment_download", "submitted_file"): SEE,
    ("proposal_detail", "draft"): OWN,
    ("attachment_download", "draft_file"): OWN,
    ("proposal_update", "draft"): OWN,
    # Submitted: the applicant is sent back to the proposal; staff may look but not change.
    ("proposal_update", "submitted"): {"applicant": 302, "clerk": 403, "formal": 403,
                                       "merit": 403, "admin": 403},
}


@pytest.mark.django_db
@pytest.mark.parametrize("view,target", sorted(PROPOSAL_PAGES))
@pytest.mark.parametrize("who", EVERYONE)
def test_proposal_pages(client, people, objects, view, target, who):
    client.force_login(people[who])
    response = client.get(reverse(f"intake:{view}", args=[objects[target].pk]))
    assert response.status_code == PROPOSAL_PAGES[(view, target)].get(who, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["resident", "formal", "other_clerk"])
def test_others_cannot_submit_or_remove_files(client, people, objects, who):
    client.force_login(people[who])
    submit = client.post(reverse("intake:proposal_submit", args=[objects["draft"].pk]))
    remove = client.post(reverse("intake:attachment_remove", args=[objects["draft_file"].pk]))
    assert submit.status_code == remove.status_code == 404
    objects["draft"].refresh_from_db()
    assert objects["draft"].state == "draft" and objects["draft"].attachments.count() == 1


@pytest.mark.django_db
def test_staff_lists_leave_out_residents_online_drafts(client, people, objects):
    client.force_login(people["clerk"])
    edition = objects["edition"]
    page = client.get(reverse("intake:edition_detail",
                              args=[edition.organisation.slug, edition.pk]))
    assert [p.pk for p in page.context["proposals"]] == [objects["submitted"].pk]

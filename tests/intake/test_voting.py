"""PB-13: opening the vote puts accepted proposals on the ballot; closing it counts."""
from decimal import Decimal

import pytest
from django.urls import reverse

from ballots.models import Ballot, BallotBox, ResultSnapshot
from ballots.services import CardChoices, ballot_cast
from intake.models import Edition, Proposal
from intake.services import PhaseBlocked, edition_move
from organisations.roles import Role
from tests.workflows.conftest import decide, edition_make, proposal_make, review_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(city, staff, user_factory):
    """An edition in review: three proposals accepted (two local, one city-wide), one
    rejected."""
    formal = staff(Role.FORMAL_REVIEWER)
    merit = staff(Role.MERIT_REVIEWER)
    edition = edition_make(city)
    district, citywide = edition.pools.get(kind="district"), edition.pools.get(kind="citywide")
    applicant = user_factory()
    titles = [("Ławki", district), ("Plac zabaw", district), ("Rowery miejskie", citywide),
              ("Pomnik", citywide)]
    proposals = []
    for title, pool in titles:
        proposal = proposal_make(edition, title=title, applicant=applicant)
        Proposal.objects.filter(pk=proposal.pk).update(pool=pool)
        proposals.append(proposal)
    review_start(edition)
    for proposal in proposals[:3]:
        decide(formal, proposal, "accepted")
        decide(merit, proposal, "accepted", verified_cost=Decimal("120000"))
    decide(formal, proposals[3], "rejected", justification="Poza kompetencjami gminy.")
    return Edition.objects.get(pk=edition.pk), proposals


def test_opening_the_vote_builds_the_ballot_from_accepted_proposals(reviewed):
    edition, proposals = reviewed
    edition = edition_move(edition=edition, transition="open_voting", actor=None)

    box = edition.ballot_box
    assert box.state == BallotBox.State.OPEN
    assert (box.cards_per_email, box.pesel_required) == (edition.ballots_per_email,
                                                         edition.pesel_required)
    polls = {poll.title: poll for poll in box.polls.all()}
    assert polls["Dzielnica Północ"].choice_group == "district"
    assert polls["Ogólnomiejski"].choice_group == ""
    assert list(polls["Dzielnica Północ"].options.values_list("code", "label", "cost")) == [
        (proposals[0].reference, "Ławki", Decimal("120000.00")),
        (proposals[1].reference, "Plac zabaw", Decimal("120000.00"))]
    assert polls["Ogólnomiejski"].options.count() == 1  # the rejected one is not on it
    states = dict(Proposal.objects.values_list("title", "state"))
    assert states == {"Ławki": "on_ballot", "Plac zabaw": "on_ballot",
                      "Rowery miejskie": "on_ballot", "Pomnik": "rejected"}


def test_closing_the_vote_counts_and_computes_results(reviewed, django_capture_on_commit_callbacks):
    edition, _proposals = reviewed
    edition = edition_move(edition=edition, transition="open_voting", actor=None)
    box = edition.ballot_box
    local = box.polls.get(title="Dzielnica Północ").options.order_by("position").last()
    ballot_cast(box=box, choices=CardChoices({local.poll_id: [local.pk]}), pesel=None,
                channel="paper")

    with django_capture_on_commit_callbacks(execute=True):
        edition = edition_move(edition=edition, transition="close", actor=None)

    assert edition.ballot_box.state == BallotBox.State.CLOSED
    assert Ballot.objects.get().state == Ballot.State.COUNTED
    district = ResultSnapshot.objects.get(poll__title="Dzielnica Północ")
    assert district.data["selected"] == [local.code]
    assert ResultSnapshot.objects.count() == 2


def test_the_vote_cannot_open_while_review_tasks_are_open(city, user_factory):
    edition = edition_make(city)
    proposal_make(edition, title="Niezweryfikowany", applicant=user_factory())
    review_start(edition)
    with pytest.raises(PhaseBlocked) as blocked:
        edition_move(edition=Edition.objects.get(pk=edition.pk), transition="open_voting",
                     actor=None)
    assert "Niezweryfikowany" in blocked.value.blockers[0]
    assert not BallotBox.objects.exists()


def test_link_page_of_the_edition_box_is_public(client, reviewed):
    edition, _proposals = reviewed
    edition = edition_move(edition=edition, transition="open_voting", actor=None)
    page = client.get(reverse("ballots:link_request", args=[edition.ballot_box_id]))
    assert page.status_code == 200
    assert edition.name in page.content.decode()


def test_the_public_browses_projects_once_the_vote_opens(client, reviewed):
    edition, proposals = reviewed
    url = reverse("intake:projects", args=[edition.pk])
    assert client.get(url).status_code == 404  # still in review: no projects yet

    edition_move(edition=edition, transition="open_voting", actor=None)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("Ławki") < html.index("Plac zabaw") < html.index("Rowery miejskie")
    assert "Pomnik" not in html
    assert proposals[0].reference in html


def test_the_edition_page_links_the_vote_for_the_administrator(client, reviewed, staff):
    edition, _proposals = reviewed
    edition = edition_move(edition=edition, transition="open_voting", actor=None)
    client.force_login(staff(Role.BUDGET_ADMIN))
    page = client.get(reverse("intake:edition_detail", args=[edition.organisation.slug,
                                                             edition.pk]))
    links = page.content.decode()
    for name in ("ballots:live_report", "ballots:paper_entry", "ballots:blank_card"):
        assert reverse(name, args=[edition.ballot_box_id]) in links


def test_the_front_page_invites_residents_to_an_open_vote(client, reviewed):
    edition, _proposals = reviewed
    assert b'data-testid="votes-open"' not in client.get("/").content
    edition = edition_move(edition=edition, transition="open_voting", actor=None)
    page = client.get("/").content.decode()
    assert reverse("ballots:link_request", args=[edition.ballot_box_id]) in page
    assert reverse("intake:projects", args=[edition.pk]) in page

"""The demo review data: both queues filled, one accepted and one rejected, loadable twice."""
import pytest

from demo.people import people_load
from demo.review import review_demo_load
from evaluation.selectors import decisions_for
from intake.models import Edition, Proposal
from workflows import selectors
from workflows.models import ProposalReviewProcess

pytestmark = pytest.mark.django_db


def test_the_demo_review_is_loaded_once_with_both_queues_filled(django_user_model):
    people_load()

    edition = review_demo_load()
    review_demo_load()

    assert Edition.objects.filter(name="Budżet Obywatelski Rybnik 2026").count() == 1
    assert edition.state == Edition.State.REVIEW
    formal = django_user_model.objects.get(email="formal@wotum.localhost")
    merit = django_user_model.objects.get(email="merit@wotum.localhost")
    assert selectors.queue_for(formal).count() == 3
    assert selectors.queue_for(merit).count() == 2
    states = list(edition.proposals.values_list("state", flat=True))
    assert states.count(Proposal.State.ACCEPTED) == 1
    rejected = edition.proposals.get(state=Proposal.State.REJECTED)
    assert "budżetu obywatelskiego" in decisions_for(rejected).get().justification
    assert ProposalReviewProcess.objects.filter(proposal__edition=edition).count() == 7
    assert {p.entered_by.email for p in edition.proposals.all()} == {
        "resident@wotum.localhost", "clerk@wotum.localhost"}

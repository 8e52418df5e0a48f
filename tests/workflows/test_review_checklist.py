"""PB-11: an edition's optional checklist on the formal decision form."""
import pytest
from django.urls import reverse
from viewflow.workflow.models import Task

from evaluation.models import ReviewDecision
from intake.models import Edition, Proposal

pytestmark = pytest.mark.django_db
CRITERIA = "zgodny z prawem\nw kompetencjach gminy\n\nkoszt realny\n"


def _claimed(client, proposal, reviewer):
    task = Task.objects.filter(process__proposalreviewprocess__proposal=proposal,
                               flow_task_type="HUMAN").order_by("-pk").first()
    client.force_login(reviewer)
    client.post(reverse("workflows:task_claim", args=[task.pk]))
    return reverse("workflows:task", args=[task.pk])


def test_accepting_needs_every_criterion_ticked_and_they_are_recorded(client, reviewing,
                                                                      people):
    Edition.objects.filter(pk=reviewing.edition_id).update(review_criteria=CRITERIA)
    url = _claimed(client, reviewing, people.formal)
    page = client.get(url).content.decode()
    assert "Lista kontrolna" in page and "w kompetencjach gminy" in page

    refused = client.post(url, {"outcome": "accepted",
                                "criteria_met": ["zgodny z prawem", "koszt realny"]})
    assert refused.status_code == 400
    assert "Aby przyjąć wniosek, zaznacz wszystkie kryteria" in refused.content.decode()
    assert Proposal.objects.get(pk=reviewing.pk).state == Proposal.State.SUBMITTED

    done = client.post(url, {"outcome": "accepted", "criteria_met": [
        "zgodny z prawem", "w kompetencjach gminy", "koszt realny"]})
    assert done.status_code == 302
    decision = ReviewDecision.objects.get(proposal=reviewing)
    assert decision.criteria_met == ["zgodny z prawem", "w kompetencjach gminy", "koszt realny"]


def test_rejecting_records_the_criteria_ticked_and_needs_no_full_list(client, reviewing,
                                                                      people):
    Edition.objects.filter(pk=reviewing.edition_id).update(review_criteria=CRITERIA)
    url = _claimed(client, reviewing, people.formal)
    done = client.post(url, {"outcome": "rejected", "justification": "Poza kompetencjami.",
                             "criteria_met": ["zgodny z prawem"]})
    assert done.status_code == 302
    assert ReviewDecision.objects.get(proposal=reviewing).criteria_met == ["zgodny z prawem"]


def test_without_a_checklist_the_form_is_as_before(client, reviewing, people):
    url = _claimed(client, reviewing, people.formal)
    assert "Lista kontrolna" not in client.get(url).content.decode()
    assert client.post(url, {"outcome": "accepted"}).status_code == 302


def test_the_service_itself_refuses_a_formal_acceptance_with_criteria_unticked(reviewing,
                                                                               people):
    from django.core.exceptions import ValidationError

    from .conftest import decide

    Edition.objects.filter(pk=reviewing.edition_id).update(review_criteria=CRITERIA)
    with pytest.raises(ValidationError) as refused:
        decide(people.formal, reviewing, "accepted", criteria_met=["zgodny z prawem"])
    assert "criteria_met" in refused.value.error_dict
    assert Proposal.objects.get(pk=reviewing.pk).state == Proposal.State.SUBMITTED

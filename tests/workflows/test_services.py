"""The services check every rule themselves: viewflow's Python API checks none (PB-10)."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from viewflow.workflow.status import STATUS

from evaluation.models import ReviewDecision
from intake.models import Proposal
from organisations.roles import Role
from workflows import selectors, services

from .conftest import decide, grant, review_start, task_for

pytestmark = pytest.mark.django_db


def _task(proposal):
    from viewflow.workflow.models import Task

    return Task.objects.filter(process__proposalreviewprocess__proposal=proposal,
                               flow_task_type="HUMAN").order_by("-pk").first()


def test_claiming_assigns_the_task_to_the_reviewer(reviewing, people):
    task = _task(reviewing)

    services.review_task_assign(task=task, user=people.formal)

    task.refresh_from_db()
    assert task.owner == people.formal and task.status == STATUS.ASSIGNED
    assert task.assigned is not None
    assert list(selectors.inbox_for(people.formal)) == [task]
    assert list(selectors.queue_for(people.formal)) == []


def test_a_taken_task_cannot_be_taken_again(reviewing, people, staff):
    other_formal = staff(Role.FORMAL_REVIEWER)
    services.review_task_assign(task=_task(reviewing), user=people.formal)

    with pytest.raises(ValidationError):
        services.review_task_assign(task=_task(reviewing), user=other_formal)


def test_released_task_goes_back_to_the_queue(reviewing, people):
    task = _task(reviewing)
    services.review_task_assign(task=task, user=people.formal)

    services.review_task_release(task=task, user=people.formal)

    assert list(selectors.queue_for(people.formal)) == [_task(reviewing)]


@pytest.mark.parametrize("who", ["clerk_who_entered", "applicant", "merit", "admin",
                                 "other_city"])
def test_wrong_people_cannot_take_a_formal_task(submit, edition, people, city, other_city,
                                                staff, who):
    grant(people.clerk, city, Role.FORMAL_REVIEWER)
    proposal = submit(clerk=people.clerk) if who == "clerk_who_entered" else submit(
        applicant=grant(people.applicant, city, Role.FORMAL_REVIEWER))
    review_start(edition)
    user = {"clerk_who_entered": people.clerk, "applicant": people.applicant,
            "merit": people.merit, "admin": people.admin,
            "other_city": staff(Role.FORMAL_REVIEWER, organisation=other_city)}[who]

    with pytest.raises(PermissionDenied):
        services.review_task_assign(task=_task(proposal), user=user)
    assert _task(proposal).owner_id is None


def test_a_formal_reviewer_cannot_take_a_merit_task_without_the_merit_role(reviewing, people,
                                                                           city):
    decide(people.formal, reviewing, "accepted")

    with pytest.raises(PermissionDenied):
        services.review_task_assign(task=_task(reviewing), user=people.formal)

    grant(people.formal, city, Role.MERIT_REVIEWER)
    services.review_task_assign(task=_task(reviewing), user=people.formal)
    assert _task(reviewing).owner == people.formal


def test_only_the_reviewer_holding_the_task_may_decide(reviewing, people, staff):
    other_formal = staff(Role.FORMAL_REVIEWER)
    task = _task(reviewing)

    with pytest.raises(PermissionDenied):  # nobody holds it yet
        services.review_task_decide(task=task, user=people.formal, outcome="accepted")
    services.review_task_assign(task=task, user=people.formal)
    with pytest.raises(PermissionDenied):
        services.review_task_decide(task=task, user=other_formal, outcome="accepted")

    assert Proposal.objects.get(pk=reviewing.pk).state == Proposal.State.SUBMITTED
    assert not ReviewDecision.objects.exists()


def test_a_reviewer_who_became_the_applicant_loses_the_task(reviewing, people, city):
    task = _task(reviewing)
    services.review_task_assign(task=task, user=people.formal)
    Proposal.objects.filter(pk=reviewing.pk).update(applicant=people.formal)

    with pytest.raises(PermissionDenied):
        services.review_task_decide(task=task, user=people.formal, outcome="accepted")


def test_tasks_cannot_be_taken_or_worked_outside_the_review_phase(submit, edition, people):
    proposal = submit()

    with pytest.raises(ValidationError) as refused:
        services.review_task_assign(task=_task(proposal), user=people.formal)
    assert refused.value.code == "phase"


def test_an_incomplete_decision_changes_nothing(reviewing, people):
    task = _task(reviewing)
    services.review_task_assign(task=task, user=people.formal)

    with pytest.raises(ValidationError):
        services.review_task_decide(task=task, user=people.formal, outcome="rejected")
    with pytest.raises(ValidationError):
        services.review_task_decide(task=task, user=people.formal, outcome="returned",
                                    justification="Brak mapki.")

    task.refresh_from_db()
    assert task.status == STATUS.ASSIGNED
    assert Proposal.objects.get(pk=reviewing.pk).state == Proposal.State.SUBMITTED
    assert not ReviewDecision.objects.exists()


def test_merit_acceptance_needs_the_verified_cost(reviewing, people):
    decide(people.formal, reviewing, "accepted")
    task = task_for(people.merit, reviewing)
    services.review_task_assign(task=task, user=people.merit)

    with pytest.raises(ValidationError):
        services.review_task_decide(task=task, user=people.merit, outcome="accepted")
    services.review_task_decide(task=task, user=people.merit, outcome="accepted",
                                verified_cost=Decimal("5000"))


"""The reviewer's pages: one refusal per wrong role on each view, and the decision form."""
from decimal import Decimal

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task

from intake.models import Proposal
from organisations.roles import Role

from .conftest import decide, in_days

pytestmark = pytest.mark.django_db


def _task(proposal):
    return Task.objects.filter(process__proposalreviewprocess__proposal=proposal,
                               flow_task_type="HUMAN").order_by("-pk").first()


@pytest.fixture
def outsiders(people, staff, other_city):
    """Everyone who must not work a formal task of ``city``."""
    return {"applicant": people.applicant, "clerk": people.clerk, "admin": people.admin,
            "merit": people.merit,
            "other_city": staff(Role.FORMAL_REVIEWER, organisation=other_city)}


def test_anonymous_visitors_are_sent_to_log_in(client, reviewing):
    for url in (reverse("workflows:queue"), reverse("workflows:inbox"),
                reverse("workflows:task", args=[_task(reviewing).pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who,queue_status", [
    ("applicant", 403), ("clerk", 403), ("admin", 403), ("merit", 200), ("other_city", 200)])
def test_who_may_open_the_queue_and_inbox(client, reviewing, outsiders, who, queue_status):
    client.force_login(outsiders[who])

    for name in ("workflows:queue", "workflows:inbox"):
        response = client.get(reverse(name))
        assert response.status_code == queue_status
        if queue_status == 200:
            assert list(response.context["tasks"]) == []


@pytest.mark.parametrize("who,status", [
    ("applicant", 403), ("clerk", 403), ("admin", 403), ("merit", 404), ("other_city", 404)])
def test_wrong_roles_cannot_see_take_or_decide_a_formal_task(client, reviewing, outsiders,
                                                             who, status):
    task = _task(reviewing)
    client.force_login(outsiders[who])

    assert client.get(reverse("workflows:task", args=[task.pk])).status_code == status
    assert client.post(reverse("workflows:task_claim", args=[task.pk])).status_code == status
    assert client.post(reverse("workflows:task", args=[task.pk]),
                       {"outcome": "accepted"}).status_code == status
    assert _task(reviewing).owner_id is None


def test_a_task_taken_by_one_reviewer_is_a_404_for_another(client, reviewing, people, staff):
    decide_task = _task(reviewing)
    client.force_login(people.formal)
    client.post(reverse("workflows:task_claim", args=[decide_task.pk]))
    client.force_login(staff(Role.FORMAL_REVIEWER))

    assert client.get(reverse("workflows:task", args=[decide_task.pk])).status_code == 404
    assert client.post(reverse("workflows:task_release",
                               args=[decide_task.pk])).status_code == 404


def test_a_reviewer_claims_from_the_queue_and_accepts_through_the_pages(client, reviewing,
                                                                        people):
    task = _task(reviewing)
    client.force_login(people.formal)

    queue = client.get(reverse("workflows:queue"))
    assert list(queue.context["tasks"]) == [task]
    assert reviewing.title in queue.content.decode()
    page = client.get(reverse("workflows:task", args=[task.pk]))
    assert page.context["form"] is None and page.context["mine"] is False

    claimed = client.post(reverse("workflows:task_claim", args=[task.pk]))
    assert claimed["Location"] == reverse("workflows:task", args=[task.pk])
    page = client.get(claimed["Location"])
    assert page.context["mine"] and "verified_cost" not in page.context["form"].fields
    assert "Ławki, zieleń" in page.content.decode()

    done = client.post(reverse("workflows:task", args=[task.pk]), {"outcome": "accepted"})

    assert done.status_code == 302 and done["Location"] == reverse("workflows:inbox")
    assert Proposal.objects.get(pk=reviewing.pk).state == Proposal.State.FORMALLY_ACCEPTED
    assert list(client.get(reverse("workflows:inbox")).context["tasks"]) == []


def test_the_merit_form_requires_the_cost_to_accept_and_records_it(client, reviewing, people):
    decide(people.formal, reviewing, "accepted")
    task = _task(reviewing)
    client.force_login(people.merit)
    client.post(reverse("workflows:task_claim", args=[task.pk]))

    refused = client.post(reverse("workflows:task", args=[task.pk]), {"outcome": "accepted"})
    assert refused.status_code == 400
    assert "verified_cost" in refused.context["form"].errors
    assert 'aria-describedby="id_verified_cost_helptext id_verified_cost_error"' in (
        refused.content.decode())

    client.post(reverse("workflows:task", args=[task.pk]),
                {"outcome": "accepted", "verified_cost": "120000.50", "notes": "OK"})
    assert Proposal.objects.get(pk=reviewing.pk).verified_cost == Decimal("120000.50")


@pytest.mark.parametrize("data,field", [
    ({"outcome": "rejected"}, "justification"),
    ({"outcome": "returned", "justification": "Popraw."}, "correction_deadline"),
    ({"outcome": "returned", "justification": "Popraw.", "correction_deadline": "2000-01-01"},
     "correction_deadline"),
    ({}, "outcome"),
])
def test_the_decision_form_explains_what_is_missing(client, reviewing, people, data, field):
    task = _task(reviewing)
    client.force_login(people.formal)
    client.post(reverse("workflows:task_claim", args=[task.pk]))

    response = client.post(reverse("workflows:task", args=[task.pk]), data)

    assert response.status_code == 400 and field in response.context["form"].errors
    assert Proposal.objects.get(pk=reviewing.pk).state == Proposal.State.SUBMITTED


def test_return_for_correction_through_the_page(client, reviewing, people):
    task = _task(reviewing)
    client.force_login(people.formal)
    client.post(reverse("workflows:task_claim", args=[task.pk]))

    client.post(reverse("workflows:task", args=[task.pk]), {
        "outcome": "returned", "justification": "Dodaj mapkę.",
        "correction_deadline": in_days(7).isoformat()})

    assert Proposal.objects.get(pk=reviewing.pk).state == Proposal.State.RETURNED


def test_releasing_a_task_puts_it_back_in_the_queue(client, reviewing, people):
    task = _task(reviewing)
    client.force_login(people.formal)
    client.post(reverse("workflows:task_claim", args=[task.pk]))

    response = client.post(reverse("workflows:task_release", args=[task.pk]))

    assert response.status_code == 302
    assert list(client.get(reverse("workflows:queue")).context["tasks"]) == [task]


def test_empty_queue_and_inbox_say_so(client, people, reviewing, staff):
    client.force_login(staff(Role.MERIT_REVIEWER))

    for name in ("workflows:queue", "workflows:inbox"):
        assert 'data-testid="empty"' in client.get(reverse(name)).content.decode()


def test_returning_a_paper_proposal_tells_the_reviewer_the_office_must_contact_the_applicant(
        client, submit, edition, people):
    from .conftest import review_start

    paper = submit("Plac zabaw", clerk=people.clerk)
    review_start(edition)
    task = _task(paper)
    client.force_login(people.formal)
    client.post(reverse("workflows:task_claim", args=[task.pk]))

    page = client.post(reverse("workflows:task", args=[task.pk]), {
        "outcome": "returned", "justification": "Dodaj mapkę.",
        "correction_deadline": in_days(7).isoformat()}, follow=True).content.decode()

    assert "nie ma konta" in page and "urząd musi skontaktować się" in page
    from workflows.selectors import open_review_blockers

    [line] = open_review_blockers(edition)
    assert "urząd musi skontaktować się" in line


def test_returning_an_online_proposal_gives_no_office_warning(client, reviewing, people):
    task = _task(reviewing)
    client.force_login(people.formal)
    client.post(reverse("workflows:task_claim", args=[task.pk]))
    page = client.post(reverse("workflows:task", args=[task.pk]), {
        "outcome": "returned", "justification": "Dodaj mapkę.",
        "correction_deadline": in_days(7).isoformat()}, follow=True).content.decode()
    assert "urząd musi skontaktować się" not in page

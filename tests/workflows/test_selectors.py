"""Who sees which review task (PB-10, X-7), and what keeps an edition from voting (PB-1)."""
import pytest

from intake.models import Edition
from intake.services import PhaseBlocked, edition_move
from organisations.roles import Role
from workflows import selectors

from .conftest import decide, edition_make, grant, in_days, proposal_make, review_start

pytestmark = pytest.mark.django_db


def _queued(user):
    return [task.process.proposalreviewprocess.proposal for task in selectors.queue_for(user)]


def test_tasks_of_proposals_submitted_during_intake_wait_for_the_review_phase(submit, edition,
                                                                              people):
    proposal = submit()
    assert _queued(people.formal) == []

    review_start(edition)

    assert _queued(people.formal) == [proposal]


def test_formal_tasks_go_to_formal_reviewers_and_merit_tasks_to_merit_reviewers(reviewing,
                                                                                 people):
    assert _queued(people.formal) == [reviewing]
    assert _queued(people.merit) == []

    decide(people.formal, reviewing, "accepted")

    assert _queued(people.formal) == []
    assert _queued(people.merit) == [reviewing]


def test_a_formal_reviewer_who_also_holds_the_merit_role_sees_both_steps(reviewing, people,
                                                                         city):
    decide(people.formal, reviewing, "accepted")
    grant(people.formal, city, Role.MERIT_REVIEWER)

    assert _queued(people.formal) == [reviewing]


def test_the_clerk_who_entered_a_proposal_never_sees_its_task_even_as_a_reviewer(
        submit, edition, people, city):
    grant(people.clerk, city, Role.FORMAL_REVIEWER)
    typed_in = submit("Z papieru", clerk=people.clerk)
    other = submit("Online")
    review_start(edition)

    assert _queued(people.clerk) == [other]
    assert typed_in in _queued(people.formal)


def test_the_applicant_never_sees_their_own_proposals_task_even_as_a_reviewer(
        submit, edition, people, city):
    reviewer_applicant = grant(people.applicant, city, Role.FORMAL_REVIEWER)
    own = submit("Mój wniosek", applicant=reviewer_applicant)
    review_start(edition)

    assert own not in _queued(reviewer_applicant)
    assert own in _queued(people.formal)


def test_staff_of_another_organisation_see_no_tasks(reviewing, staff, other_city):
    stranger = staff(Role.FORMAL_REVIEWER, organisation=other_city)
    stranger_merit = staff(Role.MERIT_REVIEWER, organisation=other_city)

    assert _queued(stranger) == [] and list(selectors.inbox_for(stranger)) == []
    assert _queued(stranger_merit) == []
    assert selectors.visible_task(stranger, selectors.queue_for(
        stranger).model.objects.get(flow_task_type="HUMAN").pk) is None


def test_each_organisations_reviewers_see_only_their_own_proposals(reviewing, staff,
                                                                   other_city, user_factory):
    theirs_edition = edition_make(other_city, name="Budżet Obywatelski Inny 2026")
    theirs = proposal_make(theirs_edition, title="Ich park", applicant=user_factory())
    review_start(theirs_edition)
    their_reviewer = staff(Role.FORMAL_REVIEWER, organisation=other_city)

    assert _queued(their_reviewer) == [theirs]


def test_residents_and_other_roles_see_no_tasks(reviewing, people):
    for user in (people.applicant, people.clerk, people.admin):
        assert _queued(user) == []
        assert not selectors.is_reviewer(user)


def test_voting_cannot_open_while_review_tasks_are_open_and_the_refusal_lists_them(
        submit, edition, people):
    first = submit("Park kieszonkowy")
    second = submit("Ścieżka rowerowa")
    third = submit("Siłownia plenerowa")
    review_start(edition)
    decide(people.formal, first, "accepted")
    decide(people.formal, second, "returned", justification="Brak mapki.",
           correction_deadline=in_days(5))
    decide(people.formal, third, "rejected", justification="Poza terenem miasta.")

    with pytest.raises(PhaseBlocked) as blocked:
        edition_move(edition=Edition.objects.get(pk=edition.pk), transition="open_voting",
                     actor=people.admin)

    lines = blocked.value.blockers
    assert len(lines) == 2
    assert lines[0].startswith(f"{first.reference} Park kieszonkowy — ")
    assert lines[1].startswith(f"{second.reference} Ścieżka rowerowa — ")
    assert Edition.objects.get(pk=edition.pk).state == Edition.State.REVIEW


def test_voting_opens_once_every_review_is_done(reviewing, edition, people):
    from decimal import Decimal

    decide(people.formal, reviewing, "accepted")
    decide(people.merit, reviewing, "accepted", verified_cost=Decimal("1000"))

    assert selectors.open_review_blockers(edition) == []


def test_the_blocker_list_is_capped(submit, edition, user_factory):
    for number in range(23):
        submit(f"Wniosek {number}", applicant=user_factory())
    review_start(edition)

    lines = selectors.open_review_blockers(edition)

    assert len(lines) == 21
    assert "3" in lines[-1]

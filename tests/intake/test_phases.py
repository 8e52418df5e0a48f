"""PB-1: phases with dates, refusals that say why, the scheduler, and blockers."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time

from audit.selectors import audit_for_object
from intake.models import Edition
from intake.services import PhaseBlocked, edition_move, proposal_submit
from workflows.timetable import timetable_run

WARSAW = datetime.timezone(datetime.timedelta(hours=2))  # summer time, as on 30 May


def _dt(*args):
    return datetime.datetime(*args, tzinfo=WARSAW)


@pytest.fixture
def dated_edition(edition_factory, city):
    return edition_factory(organisation=city, intake_starts_at=_dt(2026, 5, 1, 0, 0),
                           intake_ends_at=_dt(2026, 5, 30, 23, 59),
                           voting_starts_at=_dt(2026, 9, 17, 0, 0),
                           voting_ends_at=_dt(2026, 9, 23, 23, 59))


@pytest.mark.django_db
def test_intake_refusal_after_the_closing_date_names_the_date(dated_edition):
    with freeze_time("2026-05-10 12:00:00"):
        edition_move(edition=dated_edition, transition="open_intake", actor=None)
    dated_edition.refresh_from_db()
    with translation.override("en"), freeze_time("2026-05-31 08:00:00"):
        assert dated_edition.refusal("intake") == "Proposal intake closed on 30 May 2026, 23:59."
    with translation.override("pl"), freeze_time("2026-05-31 08:00:00"):
        assert dated_edition.refusal("intake") == \
            "Nabór wniosków zakończył się 30 maja 2026, 23:59."


@pytest.mark.django_db
def test_intake_refusal_before_opening_and_while_open(dated_edition):
    with translation.override("en"), freeze_time("2026-04-20 12:00:00"):
        assert dated_edition.refusal("intake") == "Proposal intake opens on 1 May 2026, 00:00."
    with freeze_time("2026-05-10 12:00:00"):
        edition_move(edition=dated_edition, transition="open_intake", actor=None)
        dated_edition.refresh_from_db()
        assert dated_edition.refusal("intake") is None


@pytest.mark.django_db
def test_voting_refused_before_it_opens_and_after_it_closes(dated_edition):
    with translation.override("en"), freeze_time("2026-05-10 12:00:00"):
        assert dated_edition.refusal("voting") == "Voting opens on 17 September 2026, 00:00."
    with translation.override("en"), freeze_time("2026-09-24 12:00:00"):
        assert dated_edition.refusal("voting") == "Voting closed on 23 September 2026, 23:59."


@pytest.mark.django_db
def test_submit_after_intake_closed_is_refused_with_the_reason(edition, proposal_factory):
    proposal = proposal_factory(edition=edition)
    later = edition.intake_ends_at + datetime.timedelta(minutes=1)
    with translation.override("en"), freeze_time(later), \
            pytest.raises(ValidationError) as refused:
        proposal_submit(proposal=proposal, actor=proposal.applicant)
    assert refused.value.messages[0].startswith("Proposal intake closed on ")
    proposal.refresh_from_db()
    assert proposal.state == "draft" and proposal.number is None


@pytest.mark.django_db
def test_scheduler_moves_editions_whose_date_has_come_and_audits_it(dated_edition):
    with freeze_time("2026-04-30 12:00:00"):
        assert timetable_run() == []
    with freeze_time("2026-05-01 00:00:30"):
        assert timetable_run() == [("edition.open_intake", dated_edition.pk, "moved")]
    with freeze_time("2026-05-31 00:00:00"):
        assert timetable_run() == [("edition.start_review", dated_edition.pk, "moved")]
    dated_edition.refresh_from_db()
    assert dated_edition.state == Edition.State.REVIEW
    moves = [(r.action, r.actor_label) for r in audit_for_object(dated_edition)]
    assert moves == [("edition.open_intake", "system"), ("edition.start_review", "system")]


@pytest.mark.django_db
def test_scheduler_leaves_a_blocked_edition_and_reports_why(edition_factory, city):
    edition = edition_factory(organisation=city, with_pools=False,
                              intake_starts_at=timezone.now() - datetime.timedelta(hours=1))
    with translation.override("en"):
        [(step, pk, outcome)] = timetable_run()
    assert (step, pk) == ("edition.open_intake", edition.pk)
    assert "no pools" in outcome
    edition.refresh_from_db()
    assert edition.state == Edition.State.DRAFT


@pytest.mark.django_db
def test_a_move_from_the_wrong_phase_is_refused_with_a_blocker(edition):
    with translation.override("en"), pytest.raises(PhaseBlocked) as blocked:
        edition_move(edition=edition, transition="open_voting", actor=None)
    assert "proposal intake" in blocked.value.blockers[0]


@pytest.mark.django_db
def test_phase_dates_out_of_order_are_refused(edition_factory, city):
    edition = Edition(organisation=city, name="X", year=2027,
                      intake_starts_at=_dt(2026, 6, 1, 0, 0), intake_ends_at=_dt(2026, 5, 1, 0, 0))
    with pytest.raises(ValidationError) as refused:
        edition.full_clean()
    assert "intake_ends_at" in refused.value.message_dict


@pytest.mark.django_db
def test_the_celery_beat_task_runs_the_scheduler(dated_edition):
    from workflows.tasks import timetable_run_task

    with freeze_time("2026-05-01 00:01:00"):
        timetable_run_task.delay()  # eager in unit tests; tests/worker runs a real one
    dated_edition.refresh_from_db()
    assert dated_edition.state == Edition.State.INTAKE


@pytest.mark.django_db
def test_closing_intake_early_moves_the_date_every_page_quotes(dated_edition, client, staff):
    with freeze_time("2026-05-10 12:00:00"):
        edition_move(edition=dated_edition, transition="open_intake", actor=None)
    with freeze_time("2026-05-20 10:00:00"):
        moved = edition_move(edition=Edition.objects.get(pk=dated_edition.pk),
                             transition="start_review", actor=None)
    assert moved.intake_ends_at == _dt(2026, 5, 20, 12, 0)  # 10:00 UTC
    assert moved.intake_starts_at == _dt(2026, 5, 1, 0, 0)  # already past: as planned
    with translation.override("pl"), freeze_time("2026-05-21 08:00:00"):
        assert moved.refusal("intake") == "Nabór wniosków zakończył się 20 maja 2026, 12:00."
    client.force_login(staff())
    page = client.get(reverse("intake:edition_detail", args=[moved.organisation.slug, moved.pk]))
    assert "20 maja 2026" in page.content.decode()


@pytest.mark.django_db
def test_opening_the_vote_early_opens_it_now_on_the_edition_and_its_ballot_box(dated_edition):
    with freeze_time("2026-05-10 12:00:00"):
        edition = edition_move(edition=dated_edition, transition="open_intake", actor=None)
        edition = edition_move(edition=edition, transition="start_review", actor=None)
    with freeze_time("2026-06-01 12:00:00"):
        edition = edition_move(edition=edition, transition="open_voting", actor=None)
        assert edition.voting_starts_at == timezone.now()
        assert edition.ballot_box.opens_at == edition.voting_starts_at
        assert edition.ballot_box.closes_at == edition.voting_ends_at
        assert edition.refusal("voting") is None

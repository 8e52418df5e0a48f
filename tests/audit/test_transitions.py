"""Every state change is a transition that names who may run it and the audit row it
writes (issue 13). A new ``@….transition(`` without either fails here."""
import inspect
import threading

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection, connections, transaction
from django.utils import timezone
from viewflow.fsm import FSMField, TransitionNotAllowed
from viewflow.fsm.base import TransitionMethod

from audit.models import AuditRecord
from audit.selectors import audit_chain_verify
from audit.services import audit_chain
from audit.transitions import transition_claim
from ballots.models import Ballot, BallotBox, ResultRun
from ballots.pesel import pesel_check
from ballots.services import CardChoices, ballot_cast, box_close
from notifications import tasks
from notifications.models import OutboundEmail
from notifications.tasks import MAX_ATTEMPTS, email_deliver_queued
from organisations.roles import Role
from tests.concurrency import race
from tests.voting.conftest import PESEL_ADULT_F, PESEL_ADULT_M, box_make


def _every_transition():
    found = []
    for model in apps.get_models():
        if not any(isinstance(f, FSMField) for f in model._meta.concrete_fields):
            continue
        for name, method in inspect.getmembers(model, lambda a: isinstance(a, TransitionMethod)):
            found += [(f"{model._meta.label}.{name}", t) for t in method.get_transitions()]
    return found


TRANSITIONS = _every_transition()


def test_the_inventory_finds_the_transitions_of_every_process():
    names = {name for name, _t in TRANSITIONS}
    assert {"ballots.BallotBox.close", "ballots.Ballot.count", "ballots.BallotLink.use",
            "ballots.ResultRun.start", "reports.ExportJob.start", "intake.Edition.open_voting",
            "intake.Proposal.submit", "ballots.Elector.arrive", "ballots.Elector.leave",
            "meetings.Invitation.register", "council.Councillor.activate",
            "council.Councillor.end", "notifications.OutboundEmail.claim",
            "notifications.OutboundEmail.mark_sent", "notifications.OutboundEmail.retry",
            "notifications.OutboundEmail.fail", "notifications.OutboundEmail.bounce"} <= names


@pytest.mark.parametrize(("name", "transition"), TRANSITIONS,
                         ids=[f"{n}:{t.source}" for n, t in TRANSITIONS])
def test_every_transition_names_a_permission_and_its_audit_row(name, transition):
    # None lets anyone run it; viewflow's DEFAULT (no permission given) lets nobody.
    assert transition.permission is not None and callable(transition.permission), (
        f"{name} from {transition.source} names no permission")
    assert transition.custom.get("audit"), f"{name} from {transition.source} names no audit row"


pytestmark = pytest.mark.django_db


def test_opening_and_closing_a_box_audits_the_box_each_poll_and_each_counted_card(city):
    box = box_make(city)
    citywide = box.polls.get(title="Ogólnomiejski")
    option = citywide.options.first()
    for pesel in (PESEL_ADULT_M, PESEL_ADULT_F, PESEL_ADULT_M):
        ballot_cast(box=box, choices=CardChoices(by_poll={citywide.pk: [option.pk]}),
                    pesel=pesel_check(pesel, on=box.opens_at.date(), minimum_age=16),
                    channel="paper")
    with transaction.atomic():
        counted = box_close(box=box, actor=None)

    rows = AuditRecord.objects.filter(object_type__in=["ballots.ballotbox", "ballots.poll"])
    assert sorted(rows.values_list("action", flat=True)) == sorted(
        ["box.open", "box.close"] + ["poll.open", "poll.close"] * box.polls.count())
    assert rows.get(action="box.close").details == {"counted": 2} and counted == 2
    count_rows = AuditRecord.objects.filter(action="ballot.count")
    assert sorted(count_rows.values_list("object_id", flat=True)) == sorted(
        str(pk) for pk in Ballot.objects.filter(state="counted").values_list("pk", flat=True))
    assert set(count_rows.values_list("from_state", "to_state")) == {("cast", "counted")}
    audit_chain()
    assert audit_chain_verify() == []


def test_only_staff_allowed_to_manage_boxes_close_one(city, staff):
    box = box_make(city)
    clerk = staff(role=Role.INTAKE_CLERK)
    with pytest.raises(PermissionDenied), transaction.atomic():
        box_close(box=box, actor=clerk)
    assert BallotBox.objects.get(pk=box.pk).state == "open"

    with transaction.atomic():
        box_close(box=box, actor=staff(role=Role.BUDGET_ADMIN))
    assert BallotBox.objects.get(pk=box.pk).state == "closed"


def test_a_result_run_is_started_once_and_its_steps_audited(city):
    box = box_make(city)
    run = ResultRun.objects.create(box=box, rule="greedy")
    assert transition_claim(run, "start", organisation=city.pk)
    assert not transition_claim(ResultRun.objects.get(pk=run.pk), "start")
    assert transition_claim(run, "finish", organisation=city.pk)
    assert list(AuditRecord.objects.filter(object_type="ballots.resultrun").order_by("id")
                .values_list("action", "from_state", "to_state")) == [
        ("resultrun.start", "queued", "running"), ("resultrun.finish", "running", "done")]


@pytest.mark.django_db(transaction=True)
def test_two_workers_given_one_run_start_it_once(city):
    if connection.vendor != "postgresql":
        pytest.skip("the race is proven on PostgreSQL (SQLite serialises all writers)")
    box = box_make(city)
    run = ResultRun.objects.create(box=box, rule="greedy")
    barrier, won = threading.Barrier(6), []

    def worker():
        try:
            barrier.wait()
            won.append(transition_claim(ResultRun.objects.get(pk=run.pk), "start"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False] * 5 + [True]
    assert AuditRecord.objects.filter(action="resultrun.start").count() == 1


def _emails(count: int, **fields) -> list[int]:
    rows = OutboundEmail.objects.bulk_create(
        OutboundEmail(to=f"v{n}@example.org", subject="Link", body_text="x", kind="test",
                      **fields) for n in range(count))
    return sorted(row.pk for row in rows)


def test_a_delivered_batch_is_audited_once_per_step_naming_every_message():
    ids = _emails(3)
    email_deliver_queued()

    rows = AuditRecord.objects.filter(object_type="notifications.outboundemail")
    assert sorted(rows.values_list("action", "from_state", "to_state")) == [
        ("email.claim", "queued", "sending"), ("email.sent", "sending", "sent")]
    assert all(row.details["ids"] == ids for row in rows)
    # The recipients are not written to the append-only trail.
    assert not any("@" in f"{row.object_repr} {row.details}" for row in rows)
    audit_chain()
    assert audit_chain_verify() == []


def test_a_failed_send_is_audited_as_a_retry_and_then_as_given_up(settings):
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.AlwaysFailingBackend"
    [pk] = _emails(1)
    email_deliver_queued()  # eager in tests: each retry runs at once

    assert list(AuditRecord.objects.filter(object_type="notifications.outboundemail")
                .order_by("id").values_list("action", "to_state")) == [
        ("email.claim", "sending"), ("email.retry", "retrying")] * (MAX_ATTEMPTS - 1) + [
        ("email.claim", "sending"), ("email.fail", "failed")]
    assert OutboundEmail.objects.get(pk=pk).status == "failed"


def test_a_sender_whose_lease_was_taken_over_does_not_overwrite_the_new_claim(monkeypatch):
    [pk] = _emails(1)
    send_all = tasks._send_all

    def slow_sender(batch):
        send_all(batch)
        # Meanwhile the lease ran out and another sender claimed the message again.
        OutboundEmail.objects.filter(pk=pk).update(due_at=timezone.now())
        tasks._claim(OutboundEmail.objects.filter(pk=pk))

    monkeypatch.setattr(tasks, "_send_all", slow_sender)
    email_deliver_queued()

    email = OutboundEmail.objects.get(pk=pk)
    assert (email.status, email.attempts) == ("sending", 2)  # the second claim stands
    assert not AuditRecord.objects.filter(action="email.sent").exists()


def test_a_message_cannot_be_marked_sent_without_being_claimed():
    email = OutboundEmail(to="a@example.org", subject="x", kind="test")
    with pytest.raises(TransitionNotAllowed):
        email.mark_sent()


@pytest.mark.django_db(transaction=True)
def test_senders_racing_for_the_queue_claim_each_message_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the race is proven on PostgreSQL (SQLite serialises all writers)")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ids = _emails(250)
    outcomes = race(lambda _i: email_deliver_queued(), 4)

    assert sum(outcomes) == 250
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
    claimed = [pk for row in AuditRecord.objects.filter(action="email.claim")
               for pk in row.details["ids"]]
    assert sorted(claimed) == ids  # each message claimed by exactly one sender

"""PB-8, issue 12: a large file is imported by the worker, with progress, all or nothing."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from audit.models import AuditRecord
from intake.import_jobs import proposal_import_run, proposals_import_start
from intake.import_models import ProposalImport
from intake.models import Proposal

from .importfiles import csv_file, good_rows, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_requests(settings):
    """Files over 5 rows go to the worker."""
    settings.WOTUM_IMPORT_IN_REQUEST_ROWS = 5


def _start(edition, clerk, upload, capture):
    with translation.override("en"), capture(execute=True):
        return proposals_import_start(edition=edition, actor=clerk, uploaded_file=upload)


def test_a_file_over_the_row_bound_is_imported_by_the_worker_whole(
        edition, clerk, small_requests, django_capture_on_commit_callbacks):
    job = _start(edition, clerk, xlsx_file(good_rows(12)), django_capture_on_commit_callbacks)

    assert isinstance(job, ProposalImport)
    job.refresh_from_db()
    assert job.state == "done" and (job.rows_checked, job.rows_total) == (12, 12)
    assert job.report["created"] == 12 and job.report["errors"] == []
    assert (job.report["first"], job.report["last"]) == ("2027/001", "2027/012")
    assert list(Proposal.objects.order_by("number").values_list("title", flat=True)) == [
        f"Projekt {n}" for n in range(1, 13)]
    assert not job.file  # the stored upload (applicants' addresses) is gone
    assert list(AuditRecord.objects.filter(object_type="intake.proposalimport").order_by("id")
                .values_list("action", flat=True)) == [
        "proposalimport.queue", "proposalimport.start", "proposalimport.write",
        "proposalimport.finish"]


def test_a_small_file_is_still_imported_in_the_request(edition, clerk, small_requests,
                                                       django_capture_on_commit_callbacks):
    report = _start(edition, clerk, csv_file(good_rows(5)), django_capture_on_commit_callbacks)
    assert report.ok and len(report.created) == 5
    assert not ProposalImport.objects.exists()


def test_a_file_over_the_size_bound_goes_to_the_worker(edition, clerk, settings,
                                                       django_capture_on_commit_callbacks):
    settings.WOTUM_IMPORT_IN_REQUEST_BYTES = 100
    job = _start(edition, clerk, csv_file(good_rows(2)), django_capture_on_commit_callbacks)
    assert ProposalImport.objects.get(pk=job.pk).state == "done"
    assert Proposal.objects.count() == 2


def test_one_bad_row_in_a_large_file_imports_nothing_and_the_report_names_it(
        edition, clerk, small_requests, django_capture_on_commit_callbacks):
    rows = good_rows(30)
    rows[16][6] = "dużo"  # line 18: not an amount
    job = _start(edition, clerk, xlsx_file(rows), django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert job.state == "done" and job.report["created"] == 0
    [[line, reason]] = job.report["errors"]
    assert line == 18 and "not an amount" in reason
    assert Proposal.objects.count() == 0
    edition.refresh_from_db()
    assert edition.last_proposal_number == 0


def test_the_check_commits_its_progress_as_it_goes(edition, clerk, small_requests, monkeypatch,
                                                   django_capture_on_commit_callbacks):
    monkeypatch.setattr("intake.imports.PROGRESS_EVERY", 10)
    job = ProposalImport.objects.create(edition=edition, requested_by=clerk,
                                        file_name="wnioski.csv")
    job.file.save("x.csv", csv_file(good_rows(25)), save=True)

    with CaptureQueriesContext(connection) as queries:
        proposal_import_run(job.pk)

    progress = [tuple(int(n) for n in re.findall(r'"rows_(?:checked|total)" = (\d+)', q["sql"]))
                for q in queries.captured_queries
                if q["sql"].startswith('UPDATE "intake_proposalimport" SET "rows_checked"')]
    assert progress == [(10, 25), (20, 25), (25, 25)]
    assert ProposalImport.objects.get(pk=job.pk).state == "done"


def test_a_job_handed_to_two_workers_is_imported_once(edition, clerk):
    job = ProposalImport.objects.create(edition=edition, requested_by=clerk,
                                        file_name="wnioski.csv")
    job.file.save("x.csv", csv_file(good_rows(3)), save=True)
    proposal_import_run(job.pk)
    again = proposal_import_run(job.pk)  # a redelivered message
    assert again.state == "done" and Proposal.objects.count() == 3
    assert AuditRecord.objects.filter(action="proposalimport.start").count() == 1


def test_the_clerk_is_sent_to_the_progress_page_which_ends_with_the_report(
        client, edition, clerk, small_requests, django_capture_on_commit_callbacks):
    rows = good_rows(8)
    rows[2][2] = "Atlantyda"  # line 4
    client.force_login(clerk)
    url = reverse("intake:proposal_import", args=[edition.organisation.slug, edition.pk])
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs it (eager)
        answer = client.post(url, {"file": xlsx_file(rows)}, HTTP_ACCEPT_LANGUAGE="pl")
    job = ProposalImport.objects.get()
    assert answer.status_code == 302
    assert answer.url == reverse("intake:proposal_import_job",
                                 args=[edition.organisation.slug, edition.pk, job.key])

    page = client.get(answer.url, HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Nic nie zaimportowano" in page and "Atlantyda" in page
    assert 'http-equiv="refresh"' not in page  # finished: no more refreshing
    assert Proposal.objects.count() == 0


def test_a_running_import_shows_its_progress_and_refreshes_itself_without_javascript(
        client, edition, clerk):
    job = ProposalImport.objects.create(edition=edition, requested_by=clerk, file_name="a.csv",
                                        state="checking", rows_checked=400, rows_total=1000)
    client.force_login(clerk)
    page = client.get(reverse("intake:proposal_import_job",
                              args=[edition.organisation.slug, edition.pk, job.key]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"Sprawdzone wiersze: 400 z 1\W?000\.", page)
    assert 'aria-valuenow="40"' in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page

"""PB-23: ballot exports open cleanly in LibreOffice and add up to the live report.

LibreOffice (``libreoffice --headless --convert-to csv``) reads every file as a person's
spreadsheet would. Without it the conversion tests are skipped — except where
WOTUM_REQUIRE_LIBREOFFICE=1 (CI), where its absence fails them.
"""
import csv
import io
import os
import re
import shutil
import subprocess
from collections import Counter

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from ballots.results import box_results_compute
from ballots.statistics import box_statistics
from organisations.roles import Role
from reports.models import ExportJob

pytestmark = pytest.mark.django_db

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
REQUIRED = os.environ.get("WOTUM_REQUIRE_LIBREOFFICE", "") == "1"
KINDS = ("results", "invalid", "voters")


@pytest.fixture
def libreoffice():
    if LIBREOFFICE is None:
        if REQUIRED:
            pytest.fail("WOTUM_REQUIRE_LIBREOFFICE=1 but libreoffice is not installed "
                        "(apt-get install libreoffice-calc-nogui)")
        pytest.skip("libreoffice is not installed (apt-get install libreoffice-calc-nogui)")
    return LIBREOFFICE


def as_csv(libreoffice, tmp_path, files: dict[str, bytes]) -> dict[str, list[list[str]]]:
    """Convert xlsx files to CSV with LibreOffice in one run; return their rows."""
    source = tmp_path / "xlsx"
    source.mkdir()
    for name, content in files.items():
        (source / f"{name}.xlsx").write_bytes(content)
    out = tmp_path / "csv"
    result = subprocess.run(
        [libreoffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", 'csv:Text - txt - csv (StarCalc):44,34,76,1', "--outdir", str(out),
         *sorted(str(path) for path in source.iterdir())],
        capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    rows = {}
    for name in files:
        path = out / f"{name}.csv"
        assert path.exists(), f"LibreOffice did not convert {name}: {result.stdout}{result.stderr}"
        rows[name] = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return rows


def download(client, box, kind) -> bytes:
    response = client.get(reverse("reports:box_export", args=[box.pk, kind]))
    assert response.status_code == 200, response
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff(Role.BUDGET_ADMIN))
    return client


def test_every_export_opens_in_libreoffice_and_matches_the_live_report(
        admin_client, voting, libreoffice, tmp_path):
    edition, _clerk = voting
    box = edition.ballot_box
    box_results_compute(box=box, rule="greedy")
    files = {kind: download(admin_client, box, kind) for kind in KINDS}
    for kind in ("all", "accepted", "rejected"):
        response = admin_client.get(reverse("workflows:proposals_export",
                                            args=[edition.organisation.slug, kind]))
        files[f"proposals-{kind}"] = b"".join(response.streaming_content)
    sheets = as_csv(libreoffice, tmp_path, files)
    stats = box_statistics(box)

    results = sheets["results"][1:]
    votes = {(row[0], row[3]): int(row[5]) for row in results}
    assert votes == {(entry["poll"].title, row["option"].code): row["votes"]
                     for entry in stats.polls for row in entry["ranking"]}
    assert {row[4] for row in results if row[10] == "tak"} == {
        "Plac zabaw", "Drzewa", "Rowery miejskie", "Koncerty"}

    invalid = sheets["invalid"][1:]
    assert len(invalid) == stats.invalid == 1
    assert Counter(row[4] for row in invalid) == Counter(dict(stats.invalid_by_reason))

    voters = sheets["voters"][1:]
    assert len(voters) == stats.valid == 9
    assert Counter(row[1] for row in voters) == Counter(
        {label: n for label, n in stats.by_channel if n})
    by_age = Counter((row[4], row[3]) for row in voters if row[4])
    assert by_age == Counter({**{(band, "kobieta"): w for band, w, _m in stats.by_age if w},
                              **{(band, "mężczyzna"): m for band, _w, m in stats.by_age if m}})
    assert "PESEL" in sheets["voters"][0][2]  # the header says it is never stored
    for name in ("invalid", "voters"):
        text = "\n".join(",".join(row) for row in sheets[name])
        assert not re.search(r"\d{11}", text)  # no PESEL anywhere
    for kind in ("all", "accepted", "rejected"):
        assert sheets[f"proposals-{kind}"][0][0] == "Numer"


def test_results_export_never_counts_a_pool_itself(admin_client, voting):
    """A pool with no result yet says so: the file shows no count the pages do not."""
    edition, _clerk = voting
    content = download(admin_client, edition.ballot_box, "results")
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["Śródmieście", "Boguszowice", "Ogólnomiejski"]
    assert {row[11] for row in rows[1:]} == {"jeszcze nie policzono"}
    assert {row[5] for row in rows[1:]} == {None}


def test_a_large_export_is_written_in_the_background_and_e_mailed(
        client, voting, staff, settings, django_capture_on_commit_callbacks):
    settings.WOTUM_EXPORT_BACKGROUND_ROWS = 5
    edition, _clerk = voting
    admin = staff(Role.BUDGET_ADMIN, email="admin-export@example.org")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.get(reverse("reports:box_export",
                                      args=[edition.ballot_box_id, "voters"]))
        while len(callbacks) < 2:  # the job queues the e-mail in its own transaction
            break
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:export_job", args=[job.key])
    assert (job.state, job.rows, job.requested_by) == ("done", 9, admin)
    page = client.get(response["Location"]).content.decode()
    assert reverse("reports:export_download", args=[job.key]) in page
    assert any(reverse("reports:export_job", args=[job.key]) in message.body
               for message in mail.outbox if message.to == [admin.email])
    download = client.get(reverse("reports:export_download", args=[job.key]))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.max_row == 10

    # Another administrator of the same city may not fetch someone else's file.
    client.force_login(staff(Role.BUDGET_ADMIN))
    assert client.get(reverse("reports:export_download", args=[job.key])).status_code == 404
    assert client.get(reverse("reports:export_job", args=[job.key])).status_code == 404


def test_the_small_export_streams_at_once(admin_client, voting, settings):
    settings.WOTUM_EXPORT_BACKGROUND_ROWS = 100
    edition, _clerk = voting
    assert download(admin_client, edition.ballot_box, "invalid")
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("kind", ["resident", Role.INTAKE_CLERK, Role.FORMAL_REVIEWER,
                                  Role.MERIT_REVIEWER, "other_city_admin"])
@pytest.mark.parametrize("export", KINDS)
def test_exports_are_404_for_other_roles(client, voting, staff, user_factory, other_city, kind,
                                         export):
    edition, _clerk = voting
    if kind == "resident":
        person = user_factory()
    elif kind == "other_city_admin":
        person = staff(Role.BUDGET_ADMIN, organisation=other_city)
    else:
        person = staff(kind)
    client.force_login(person)
    url = reverse("reports:box_export", args=[edition.ballot_box_id, export])
    assert client.get(url).status_code == 404


def test_exports_send_the_anonymous_to_log_in(client, voting):
    edition, _clerk = voting
    response = client.get(reverse("reports:box_export", args=[edition.ballot_box_id, "voters"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

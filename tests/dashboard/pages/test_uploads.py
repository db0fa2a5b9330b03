"""Uploads are record-level (docs/rules/dashboard.md §5): only the uploading trust's staff and national
admins see them; national programme admins upload anything, a trust's own staff their trust's rows
(test_trust_uploads.py). The upload page checks the whole
file in the background and shows the rows loaded, or every bad row and that nothing from
the file was kept."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from perinatal.accounts.roles import Role
from perinatal.core import clock
from perinatal.dashboard.models import BirthRecord, SurveyResult, Upload
from perinatal.dashboard.pages import tasks
from perinatal.dashboard.pages.builders.uploads import error_lines, more_errors, note_text, status_json, upload_progress
from perinatal.organisations.models import ENGLAND_CODE, Organisation
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _upload(org_code: str | None, *, status=Upload.Status.REFUSED, filename="births.csv") -> Upload:
    organisation = Organisation.objects.get(code=org_code) if org_code else None
    return Upload.objects.create(
        dataset="births",
        filename=filename,
        organisation=organisation,
        source=Upload.Source.API,
        status=status,
        size_bytes=1000,
        bytes_read=1000,
        rows=3,
        error_count=1,
        started_at=clock.now(),
        finished_at=clock.now(),
        errors=[{"line": 3, "column": "born_on", "code": "bad_date", "message": "Enter born_on as YYYY-MM-DD"}],
    )


@pytest.fixture
def uploads():
    return {
        "R0A": _upload("R0A", filename="r0a-births.csv"),
        "RRK": _upload("RRK", filename="rrk-births.csv"),
        "national": _upload(ENGLAND_CODE, filename="national-births.csv"),
        "demo": _upload(None, filename="demo-births.csv"),
    }


EVERYONE = ["R0A", "RRK", "national", "demo"]
#: (role, organisation, the uploads they may read; None = the role may not read uploads at all)
WHO_SEES_WHAT = [
    (Role.REPORTER, "R0A", ["R0A"]),
    (Role.LOCAL_AUTHORISER, "R0A", ["R0A"]),
    (Role.TRUST_VIEWER, "R0A", ["R0A"]),
    (Role.LOCAL_AUTHORISER, "RRK", ["RRK"]),
    (Role.REPORTER, "RYR", []),
    (Role.PROGRAMME_ADMIN, ENGLAND_CODE, EVERYONE),
    (Role.SYSTEM_ADMIN, ENGLAND_CODE, EVERYONE),
    (Role.ICB_VIEWER, "QOP", None),
    (Role.REGIONAL_VIEWER, "Y62", None),
    (Role.NATIONAL_REVIEWER, "MBRRACE_UK", None),
    (Role.IMPROVEMENT_SUPPORT, ENGLAND_CODE, None),
]


@pytest.mark.parametrize(("role", "org", "visible"), WHO_SEES_WHAT)
def test_who_sees_which_uploads(client, uploads, role, org, visible):
    sign_in(client, make_user(role, org))
    listing = client.get(reverse("dashboard:uploads"))
    if visible is None:
        assert listing.status_code == 403
        for upload in uploads.values():
            assert client.get(reverse("dashboard:upload", args=[upload.pk])).status_code == 403
            assert client.get(reverse("dashboard:upload_status", args=[upload.pk])).status_code == 403
        return
    page = listing.content.decode()
    for key, upload in uploads.items():
        detail = client.get(reverse("dashboard:upload", args=[upload.pk]))
        status = client.get(reverse("dashboard:upload_status", args=[upload.pk]))
        if key in visible:
            assert upload.filename in page
            assert detail.status_code == 200 and upload.filename in detail.content.decode()
            assert status.status_code == 200
        else:
            # Another organisation's upload is indistinguishable from a missing one.
            assert upload.filename not in page
            assert detail.status_code == 404 and status.status_code == 404
            assert upload.filename not in detail.content.decode()
            assert "born_on" not in detail.content.decode()


@pytest.mark.parametrize(
    ("role", "org", "allowed"),
    [
        (Role.PROGRAMME_ADMIN, ENGLAND_CODE, True),
        (Role.SYSTEM_ADMIN, ENGLAND_CODE, True),
        (Role.LOCAL_AUTHORISER, "R0A", True),  # their own trust's rows only: test_trust_uploads.py
        (Role.PERINATAL_LEADERSHIP, "R0A", True),
        (Role.TRUST_VIEWER, "R0A", True),  # the trust's analysts (docs/adr/0021-who-sees-identifiers.md)
        (Role.REPORTER, "R0A", False),
        (Role.EXECUTIVE_LEAD, "R0A", False),
        (Role.ICB_VIEWER, "QOP", False),
        (Role.REGIONAL_VIEWER, "Y62", False),
        (Role.NATIONAL_REVIEWER, "MNSI", False),
        (Role.IMPROVEMENT_SUPPORT, ENGLAND_CODE, False),
    ],
)
def test_who_may_upload(client, role, org, allowed):
    sign_in(client, make_user(role, org))
    assert client.get(reverse("dashboard:upload_new")).status_code == (200 if allowed else 403)
    response = client.post(reverse("dashboard:upload_new"), {"dataset": "survey"})
    assert response.status_code == (200 if allowed else 403)


def test_trust_users_see_their_own_trusts_uploads_under_their_heading(client, uploads):
    sign_in(client, make_user(Role.REPORTER, "R0A"))
    page = client.get(reverse("dashboard:uploads")).content.decode()
    assert "Your trust&#39;s dashboard uploads" in page
    assert "Upload a dataset file" not in page  # a reporter reads the trust's uploads but does not upload


@pytest.fixture
def admin(client):
    sign_in(client, make_user(Role.PROGRAMME_ADMIN, ENGLAND_CODE))
    return client


def _csv_file(text: str, name: str = "survey.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        ({"file": "good"}, "Select which dataset the file holds", "dataset"),
        ({"dataset": "survey"}, "Select a CSV file to upload", "file"),
        ({"dataset": "nonsense", "file": "good"}, "Select which dataset the file holds", "dataset"),
        ({"dataset": "survey", "file": "named.txt"}, "The selected file must be a CSV file", "file"),
        ({"dataset": "survey", "file": "empty"}, "The selected file is empty", "file"),
    ],
)
def test_bad_upload_forms_name_the_field_and_store_nothing(admin, data, message, field):
    files = {
        "good": _csv_file("trust_code\n"),
        "named.txt": _csv_file("x\n", "survey.txt"),
        "empty": _csv_file("", "survey.csv"),
    }
    form = {key: files[value] if key == "file" else value for key, value in data.items()}
    before = Upload.objects.count()
    page = admin.post(reverse("dashboard:upload_new"), form).content.decode()
    assert message in page and "<title>Error:" in page
    assert f'href="#id_{field}"' in page
    assert Upload.objects.count() == before


def test_a_good_file_is_loaded_in_the_background_and_the_page_says_how_many_rows(admin, settings, tmp_path):
    settings.TASKS = IMMEDIATE_TASKS
    settings.DASHBOARD_UPLOAD_DIR = str(tmp_path)
    text = (
        "trust_code,survey_year,question,responses,yes\n"
        "R0A,2019,considered_complaint,200,50\nRRK,2019,considered_complaint,150,30\n"
    )
    response = admin.post(reverse("dashboard:upload_new"), {"dataset": "survey", "file": _csv_file(text)})
    upload = Upload.objects.latest("id")
    assert response.status_code == 302 and response["Location"] == reverse("dashboard:upload", args=[upload.pk])
    assert upload.status == Upload.Status.LOADED and upload.rows == 2
    assert upload.source == Upload.Source.PAGE and upload.organisation.code == ENGLAND_CODE
    assert upload.filename == "survey.csv"
    assert SurveyResult.objects.filter(survey_year=2019).count() == 2
    assert list(tmp_path.iterdir()) == []  # the saved file is removed once imported
    page = admin.get(response["Location"]).content.decode()
    assert "File loaded" in page and "2 rows loaded (2 added, 0 replaced)" in page
    assert "app-upload-progress" not in page  # finished: no progress bar, no polling script
    assert json.loads(admin.get(reverse("dashboard:upload_status", args=[upload.pk])).content)["finished"] is True


def test_a_bad_file_is_refused_with_every_bad_row_and_nothing_is_kept(admin, settings, tmp_path):
    settings.TASKS = IMMEDIATE_TASKS
    settings.DASHBOARD_UPLOAD_DIR = str(tmp_path)
    text = (
        "trust_code,survey_year,question,responses,yes\n"
        "R0A,2019,considered_complaint,200,50\n"
        "XYZ99,2019,considered_complaint,150,30\n"
        "RRK,twenty,considered_complaint,150,30\n"
    )
    before = SurveyResult.objects.count()
    response = admin.post(reverse("dashboard:upload_new"), {"dataset": "survey", "file": _csv_file(text)})
    upload = Upload.objects.latest("id")
    assert upload.status == Upload.Status.REFUSED
    assert SurveyResult.objects.count() == before
    page = admin.get(response["Location"]).content.decode()
    assert "The file was refused" in page and "Nothing from this file was kept." in page
    assert "Rows with errors" in page
    assert {(e.line, e.column) for e in error_lines(upload)} == {("3", "trust_code"), ("4", "survey_year")}
    cells = re.sub(r">\s+<", "><", page)  # the table's cells, whatever the template's layout
    for line, column in (("3", "trust_code"), ("4", "survey_year")):
        assert (
            f'<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{line}</td>'
            f'<td class="nhsuk-table__cell">{column}</td>'
        ) in cells
    assert "Every error is listed." in page


def test_the_upload_page_asks_how_a_births_file_numbers_its_quintiles(admin):
    page = admin.get(reverse("dashboard:upload_new")).content.decode()
    assert "how does the file number deprivation quintiles" in page
    assert re.search(r'<input[^>]*value="most_deprived_first"[^>]*checked', page)  # the usual order by default
    assert 'value="least_deprived_first"' in page


def test_a_births_file_numbered_least_deprived_first_is_stored_reversed(admin, settings, tmp_path):
    settings.TASKS = IMMEDIATE_TASKS
    settings.DASHBOARD_UPLOAD_DIR = str(tmp_path)
    text = (
        "baby_id,mother_id,trust_code,site_code,born_on,gestation_days,birth_weight_g,outcome,termination,"
        "neonatal_death_on,blood_loss_ml,multiple_birth,mother_age,ethnic_group,imd_quintile,onset_of_labour\n"
        "PQ1,PM1,R0A,R0A01,2025-06-15,280,3400,live,0,,300,0,30,N,1,spontaneous\n"
    )
    response = admin.post(
        reverse("dashboard:upload_new"),
        {"dataset": "births", "file": _csv_file(text, "births.csv"), "quintile_order": "least_deprived_first"},
    )
    upload = Upload.objects.latest("id")
    assert upload.status == Upload.Status.LOADED, upload.errors
    assert BirthRecord.objects.values_list("ethnic_group", "imd_quintile").get(baby_id="PQ1") == ("Black", 5)
    page = admin.get(response["Location"]).content.decode()
    assert "reversed on import" in page


def test_only_births_files_may_say_their_quintiles_are_reversed(admin):
    before = Upload.objects.count()
    page = admin.post(
        reverse("dashboard:upload_new"),
        {"dataset": "survey", "file": _csv_file("trust_code\n"), "quintile_order": "least_deprived_first"},
    ).content.decode()
    assert "Only births files have deprivation quintiles" in page and "<title>Error:" in page
    assert 'href="#id_quintile_order"' in page
    assert Upload.objects.count() == before


def test_a_queued_upload_shows_a_progress_bar_that_works_without_javascript(admin, settings, tmp_path):
    settings.DASHBOARD_UPLOAD_DIR = str(tmp_path)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    text = "trust_code,survey_year,question,responses,yes\nR0A,2019,considered_complaint,200,50\n"
    response = admin.post(reverse("dashboard:upload_new"), {"dataset": "survey", "file": _csv_file(text)})
    upload = Upload.objects.latest("id")
    assert upload.status == Upload.Status.VALIDATING
    assert len(list(tmp_path.iterdir())) == 1  # waiting for the worker
    page = admin.get(response["Location"]).content.decode()
    assert '<progress id="upload-progress"' in page
    assert "Refresh to see how far it has got" in page  # the page without JavaScript
    assert "dashboard-upload.js" in page and 'type="module"' in page
    assert f'data-status-url="{reverse("dashboard:upload_status", args=[upload.pk])}"' in page
    status = json.loads(admin.get(reverse("dashboard:upload_status", args=[upload.pk])).content)
    assert status == {
        "id": upload.pk,
        "status": "validating",
        "finished": False,
        "percent": 0,
        "words": "Checking the file: 0%",
        "rows": 0,
        "errors": 0,
    }
    # The worker picks it up (here, by hand).
    tasks.import_upload_task.call(upload_id=upload.pk, path=str(next(tmp_path.iterdir())))
    upload.refresh_from_db()
    assert upload.status == Upload.Status.LOADED


def _unsaved(**fields) -> Upload:
    base = {
        "dataset": "births",
        "filename": "b.csv",
        "status": Upload.Status.VALIDATING,
        "size_bytes": 1000,
        "bytes_read": 0,
        "started_at": clock.now(),
    }
    return Upload(**{**base, **fields})


@pytest.mark.parametrize(
    ("fields", "percent", "words", "finished"),
    [
        ({"bytes_read": 0}, 0, "Checking the file: 0%", False),
        ({"bytes_read": 415}, 41, "Checking the file: 41%", False),
        ({"bytes_read": 1000}, 99, "Checking the file: 99%", False),  # all read, still being checked
        ({"size_bytes": 0}, 0, "Checking the file: 0%", False),
        ({"status": Upload.Status.LOADING}, 100, "Storing the rows", False),
        ({"status": Upload.Status.LOADED}, 100, "Loaded", True),
        ({"status": Upload.Status.REFUSED}, 100, "Refused: errors in the file", True),
        ({"status": Upload.Status.FAILED}, 100, "Failed", True),
    ],
)
def test_upload_progress(fields, percent, words, finished):
    progress = upload_progress(_unsaved(**fields))
    assert (progress.percent, progress.words, progress.finished) == (percent, words, finished)


def test_errors_beyond_the_first_100_are_counted():
    errors = [{"line": n, "column": "born_on", "code": "bad_date", "message": "bad"} for n in range(2, 102)]
    upload = _unsaved(status=Upload.Status.REFUSED, errors=errors, error_count=250)
    assert len(error_lines(upload)) == 100 and more_errors(upload) == 150
    assert error_lines(upload)[0].line == "2"
    assert status_json(upload)["errors"] == 250


@pytest.mark.parametrize(
    ("note", "text"),
    [
        (
            {"message": "Empty termination counted as 0", "count": 2, "lines": [3, 1204]},
            "Empty termination counted as 0 (lines 3, 1,204)",
        ),
        (
            {"message": "Empty termination counted as 0", "count": 9, "lines": [3]},
            "Empty termination counted as 0 (lines 3, …)",
        ),
        ({"message": "Episode after closed_on", "count": 1, "lines": [7]}, "Episode after closed_on (line 7)"),
        ({"message": "Overlapping episodes", "count": 1, "lines": []}, "Overlapping episodes"),
    ],
)
def test_note_text(note, text):
    assert note_text(note) == text


def test_upload_dir_is_created(settings, tmp_path):
    settings.DASHBOARD_UPLOAD_DIR = str(tmp_path / "new")
    assert tasks.upload_dir().is_dir()

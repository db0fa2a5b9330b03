"""issue 12: a trust's own staff upload their trust's data (docs/rules/dashboard.md §5). The Head
of Midwifery (local authoriser), perinatal leadership and the trust's analysts (trust viewers)
upload their trust's births, neonatal care and inductions; a file with a row of another trust is
refused whole, each such row named; another trust's upload stays a 404 to them; other roles a 403."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from perinatal.accounts.roles import Role
from perinatal.dashboard.datasets import problems as p
from perinatal.dashboard.models import BirthRecord, InductionRecord, Upload
from perinatal.dashboard.services import TRUST_DATASETS, NotATrustDataset, import_dataset
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
BIRTHS_HEADER = (
    "baby_id,mother_id,trust_code,site_code,born_on,gestation_days,birth_weight_g,outcome,termination,"
    "neonatal_death_on,blood_loss_ml,multiple_birth,mother_age,ethnic_group,imd_quintile,onset_of_labour"
)
OWN_ROW = "TU-1,TM-1,R0A,R0A01,2025-06-15,280,3400,live,0,,300,0,30,White,3,spontaneous"
OWN_ROW_2 = "TU-2,TM-2,R0A,R0A01,2025-06-16,275,3300,live,0,,200,0,31,Asian,2,induced"
OTHER_TRUSTS_ROW = "TU-3,TM-3,RRK,RRK01,2025-06-16,280,3400,live,0,,300,0,30,White,3,spontaneous"


def _births(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("births.csv", ("\n".join([BIRTHS_HEADER, *rows]) + "\n").encode(), "text/csv")


@pytest.fixture
def immediate(settings, tmp_path):
    settings.TASKS = IMMEDIATE_TASKS
    settings.DASHBOARD_UPLOAD_DIR = str(tmp_path)


@pytest.mark.parametrize("role", [Role.TRUST_VIEWER, Role.LOCAL_AUTHORISER, Role.PERINATAL_LEADERSHIP])
def test_a_trust_uploads_its_own_births(client, immediate, role):
    sign_in(client, make_user(role, "R0A"))
    form = client.get(reverse("dashboard:upload_new")).content.decode()
    assert "<code>R0A</code>" in form
    for name in ("units", "unit_status", "survey"):  # national datasets are not offered
        assert f'value="{name}"' not in form
    response = client.post(reverse("dashboard:upload_new"), {"dataset": "births", "file": _births(OWN_ROW, OWN_ROW_2)})
    upload = Upload.objects.latest("id")
    assert response.status_code == 302 and response["Location"] == reverse("dashboard:upload", args=[upload.pk])
    assert upload.status == Upload.Status.LOADED, upload.errors
    assert upload.organisation.code == "R0A" and upload.rows == 2
    assert set(BirthRecord.objects.filter(baby_id__in=["TU-1", "TU-2"]).values_list("trust__code", flat=True)) == {
        "R0A"
    }
    page = client.get(response["Location"]).content.decode()
    assert "File loaded" in page and "2 rows loaded" in page
    # The trust's other staff read it; another trust's staff cannot tell it exists.
    other = client.__class__()
    sign_in(other, make_user(Role.TRUST_VIEWER, "RRK"))
    assert other.get(reverse("dashboard:upload", args=[upload.pk])).status_code == 404
    assert other.get(reverse("dashboard:upload_status", args=[upload.pk])).status_code == 404
    colleague = client.__class__()
    sign_in(colleague, make_user(Role.REPORTER, "R0A"))
    assert colleague.get(reverse("dashboard:upload", args=[upload.pk])).status_code == 200


def test_a_row_of_another_trust_refuses_the_whole_file(client, immediate):
    sign_in(client, make_user(Role.TRUST_VIEWER, "R0A"))
    before = BirthRecord.objects.count()
    response = client.post(
        reverse("dashboard:upload_new"), {"dataset": "births", "file": _births(OWN_ROW, OTHER_TRUSTS_ROW)}
    )
    upload = Upload.objects.latest("id")
    assert upload.status == Upload.Status.REFUSED
    assert BirthRecord.objects.count() == before  # not even its own row is kept
    assert [(e["line"], e["column"], e["code"]) for e in upload.errors] == [(3, "trust_code", p.ERR_ANOTHER_TRUST)]
    page = client.get(response["Location"]).content.decode()
    assert "trust &#39;RRK&#39; is another trust" in page and "Nothing from this file was kept." in page


def test_a_national_admin_still_uploads_any_trusts_rows(client, immediate):
    sign_in(client, make_user(Role.PROGRAMME_ADMIN, "E92000001"))
    client.post(reverse("dashboard:upload_new"), {"dataset": "births", "file": _births(OWN_ROW, OTHER_TRUSTS_ROW)})
    assert Upload.objects.latest("id").status == Upload.Status.LOADED


def test_a_trust_may_not_upload_the_national_datasets(client, immediate):
    sign_in(client, make_user(Role.LOCAL_AUTHORISER, "R0A"))
    before = Upload.objects.count()
    survey = SimpleUploadedFile("survey.csv", b"trust_code,survey_year,question,responses,yes\n", "text/csv")
    page = client.post(reverse("dashboard:upload_new"), {"dataset": "survey", "file": survey}).content.decode()
    assert "<title>Error:" in page and "Select which dataset the file holds" in page
    assert Upload.objects.count() == before
    with pytest.raises(NotATrustDataset):
        import_dataset(dataset="units", path=__file__, only_trust="R0A")
    assert set(TRUST_DATASETS) == {"births", "neonatal_care", "inductions"}


def test_someone_at_two_trusts_says_which_and_cannot_name_a_third(client, immediate):
    user = make_user(Role.TRUST_VIEWER, "R0A", email="two.trusts@test.example")
    make_user(Role.TRUST_VIEWER, "RRK", email="two.trusts@test.example")
    sign_in(client, user)
    before = Upload.objects.count()
    page = client.post(reverse("dashboard:upload_new"), {"dataset": "births", "file": _births(OWN_ROW)})
    assert "Select which trust&#39;s data the file holds" in page.content.decode()
    page = client.post(reverse("dashboard:upload_new"), {"dataset": "births", "trust": "RYR", "file": _births(OWN_ROW)})
    assert "Select which trust&#39;s data the file holds" in page.content.decode()
    assert Upload.objects.count() == before
    # Chosen RRK, a file of R0A's rows is refused; chosen R0A, it loads under R0A.
    client.post(reverse("dashboard:upload_new"), {"dataset": "births", "trust": "RRK", "file": _births(OWN_ROW)})
    assert Upload.objects.latest("id").status == Upload.Status.REFUSED
    client.post(reverse("dashboard:upload_new"), {"dataset": "births", "trust": "R0A", "file": _births(OWN_ROW)})
    loaded = Upload.objects.latest("id")
    assert loaded.status == Upload.Status.LOADED and loaded.organisation.code == "R0A"


@pytest.mark.parametrize(
    ("role", "org"),
    [
        (Role.REPORTER, "R0A"),
        (Role.EXECUTIVE_LEAD, "R0A"),
        (Role.ICB_VIEWER, "QOP"),
        (Role.REGIONAL_VIEWER, "Y62"),
        (Role.NATIONAL_REVIEWER, "MNSI"),
    ],
)
def test_other_roles_may_not_upload(client, immediate, role, org):
    sign_in(client, make_user(role, org))
    assert client.get(reverse("dashboard:upload_new")).status_code == 403
    before = InductionRecord.objects.count()
    assert (
        client.post(reverse("dashboard:upload_new"), {"dataset": "births", "file": _births(OWN_ROW)}).status_code == 403
    )
    assert InductionRecord.objects.count() == before and not BirthRecord.objects.filter(baby_id="TU-1").exists()

"""Issue 4 "Done when": a national user sees all 8 metrics for England, drills into a region,
an ICB and a trust, and downloads the trust's table as CSV and XLSX; a trust user sees the
same aggregates but only their own trust's uploads. A programme admin uploads a bad births
file (a wrong date on one line, an unknown trust on another) and sees both lines named,
then a good file load with its progress shown. Every page passes axe.

Issue 12: the trust's Head of Midwifery uploads the trust's own births file (a row of another
trust refuses it first); a regional team's "Dashboard" opens their region; the trusts table
fits at 1280 px and scrolls inside its own region at 375 px; no page asks another host for
anything (fonts included)."""

import csv
import io
import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from perinatal.dashboard.metrics.definitions import HEADLINE_METRICS
from tests.browser.conftest import assert_accessible, sign_in

NATIONAL_USER = "ist@perinatal.example"
PROGRAMME_ADMIN = "programme.admin@perinatal.example"
TRUST_USER = "hom.r0a@perinatal.example"
BIRTHS_HEADER = (
    "baby_id,mother_id,trust_code,site_code,born_on,gestation_days,birth_weight_g,outcome,termination,"
    "neonatal_death_on,blood_loss_ml,multiple_birth,mother_age,ethnic_group,imd_quintile,onset_of_labour"
)
BAD_BIRTHS = (
    "\n".join(
        [
            BIRTHS_HEADER,
            "BT-1,MT-1,R0A,R0A01,2026-10-02,280,3400,live,0,,300,0,30,White,3,spontaneous",
            "BT-2,MT-2,R0A,R0A01,2026-13-02,280,3400,live,0,,300,0,30,White,3,spontaneous",
            "BT-3,MT-3,XYZ99,R0A01,2026-10-03,280,3400,live,0,,300,0,30,White,3,spontaneous",
        ]
    )
    + "\n"
)
GOOD_SURVEY = "trust_code,survey_year,question,responses,yes\nR0A,2019,considered_complaint,200,50\n"
MAKE_TRUST_UPLOADS = """
from perinatal.core import clock
from perinatal.dashboard.models import Upload
from perinatal.organisations.models import Organisation
for code in ("R0A", "RRK"):
    upload = Upload.objects.create(
        dataset="survey", filename=f"{code.lower()}-survey.csv", source="api", status="loaded",
        organisation=Organisation.objects.get(code=code), rows=1, rows_added=1, started_at=clock.now(),
        finished_at=clock.now())
    print(code, upload.pk)
"""


def _download(page, name: str):
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(rf"^{name}")).first.click()
    download = info.value
    with open(download.path(), "rb") as handle:
        return download.suggested_filename, handle.read()


def test_national_user_drills_down_and_downloads(page, service):
    sign_in(page, service, NATIONAL_USER)
    page.get_by_role("link", name="Dashboard", exact=True).first.click()
    expect(page.get_by_role("heading", name="England", level=1)).to_be_visible()
    for metric in HEADLINE_METRICS:
        expect(page.get_by_role("link", name=metric.title, exact=True).first).to_be_visible()
    assert page.locator(".app-tile").count() == 8
    assert_accessible(page, context="national tiles")

    page.get_by_role("link", name="North West", exact=True).click()
    expect(page.get_by_role("heading", name="North West", level=1)).to_be_visible()
    assert_accessible(page, context="region page")
    page.get_by_role("link", name=re.compile("Greater Manchester")).first.click()
    expect(page.get_by_role("heading", name=re.compile("Greater Manchester"), level=1)).to_be_visible()
    assert_accessible(page, context="ICB page")
    page.get_by_role("link", name="Manchester University NHS Foundation Trust").first.click()
    expect(page.get_by_role("heading", name="Manchester University NHS Foundation Trust", level=1)).to_be_visible()
    breadcrumbs = page.get_by_role("navigation", name="Breadcrumb")
    for name in ("England", "North West", "NHS Greater Manchester Integrated Care Board"):
        expect(breadcrumbs.get_by_role("link", name=name)).to_be_visible()
    assert page.locator("svg.chart-spc").count() >= 7
    assert_accessible(page, context="trust page")

    filename_csv, content = _download(page, "Download CSV")
    assert re.fullmatch(r"r0a-dashboard-\d{4}-\d\d-01-to-\d{4}-\d\d-\d\d\.csv", filename_csv)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["metric_id", "org_level", "org_code"]
    assert {row[2] for row in rows[1:]} == {"R0A"}
    filename, content = _download(page, "Download XLSX")
    assert filename == filename_csv.replace(".csv", ".xlsx")
    sheet = load_workbook(io.BytesIO(content), read_only=True)["Data"]
    assert len(list(sheet.values)) == len(rows)

    page.get_by_role("link", name="Compare all trusts for any measure").click()
    expect(page.get_by_role("heading", name="All trusts: Stillbirth rate")).to_be_visible()
    assert_accessible(page, context="trusts table")
    page.get_by_label("Measure").select_option("pph_1500_rate")
    page.get_by_label("Region").select_option(label="North West")
    page.get_by_role("button", name="Show trusts").click()
    expect(page.get_by_role("heading", name=re.compile("All trusts: Postpartum haemorrhage"))).to_be_visible()
    table = page.locator("table.app-trust-table tbody tr")
    expect(table).to_have_count(1)
    page.get_by_role("link", name=re.compile("^Value")).click()
    expect(page.locator('th[aria-sort="ascending"]')).to_have_count(1)
    filename, content = _download(page, "Download CSV")
    assert filename.startswith("postpartum-haemorrhage-of-1-500-ml-or-more-by-trust-")
    assert [row[2] for row in csv.reader(io.StringIO(content.decode("utf-8-sig")))][1:] == ["E92000001", "R0A"]
    assert_accessible(page, context="trusts table filtered")

    page.goto(service.url("/dashboard/definitions/"))
    expect(page.get_by_text("Rates are crude").first).to_be_visible()
    assert_accessible(page, context="definitions")


def test_trust_user_sees_the_aggregates_and_only_their_own_uploads(page, service):
    output = service.manage("shell", "-c", MAKE_TRUST_UPLOADS).stdout
    made = dict(re.findall(r"^(R0A|RRK) (\d+)$", output, flags=re.MULTILINE))
    sign_in(page, service, TRUST_USER)
    page.goto(service.url("/dashboard/"))
    assert page.locator(".app-tile").count() == 8
    page.goto(service.url("/dashboard/trusts/RRK/"))
    expect(
        page.get_by_role("heading", name="University Hospitals Birmingham NHS Foundation Trust", level=1)
    ).to_be_visible()

    page.goto(service.url("/dashboard/uploads/"))
    expect(page.get_by_role("heading", name="Your trust's dashboard uploads")).to_be_visible()
    expect(page.get_by_role("link", name="r0a-survey.csv")).to_be_visible()
    expect(page.get_by_text("rrk-survey.csv")).to_have_count(0)
    assert_accessible(page, context="trust uploads")
    page.get_by_role("link", name="r0a-survey.csv").click()
    expect(page.get_by_role("heading", name="File loaded")).to_be_visible()
    assert_accessible(page, context="trust upload")
    # Another trust's upload is indistinguishable from a missing one.
    assert page.goto(service.url(f"/dashboard/uploads/{made['RRK']}/")).status == 404
    assert_accessible(page, context="not found")
    expect(page.get_by_text("rrk-survey.csv")).to_have_count(0)


def test_programme_admin_uploads_a_bad_file_then_a_good_one(page, service, tmp_path):
    sign_in(page, service, PROGRAMME_ADMIN)
    page.goto(service.url("/dashboard/uploads/"))
    assert_accessible(page, context="uploads")
    page.get_by_role("button", name="Upload a dataset file").click()
    assert_accessible(page, context="upload form")
    page.get_by_role("button", name="Upload and check the file").click()
    expect(page).to_have_title(re.compile("^Error:"))
    expect(page.get_by_role("link", name="Select which dataset the file holds")).to_be_visible()
    assert_accessible(page, context="upload form errors")

    bad = tmp_path / "births.csv"
    bad.write_text(BAD_BIRTHS)
    page.get_by_label("Births").check()
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and check the file").click()
    # The progress bar polls the status endpoint and shows the result when the worker is done.
    expect(page.get_by_role("heading", name="The file was refused")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Nothing from this file was kept.")).to_be_visible()
    rows = page.locator("table tbody tr")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert any(text.startswith("3\tborn_on") for text in texts), texts
    assert any(text.startswith("4\ttrust_code") for text in texts), texts
    assert_accessible(page, context="refused upload")

    page.goto(service.url("/dashboard/uploads/new/"))
    good = tmp_path / "survey.csv"
    good.write_text(GOOD_SURVEY)
    page.get_by_label("CQC maternity survey").check()
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_role("button", name="Upload and check the file").click()
    expect(page.get_by_role("heading", name="File loaded")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("1 rows loaded (1 added, 0 replaced)")).to_be_visible()
    assert_accessible(page, context="loaded upload")


OWN_BIRTHS = (
    "\n".join(
        [
            BIRTHS_HEADER,
            "OW-1,OM-1,R0A,R0A01,2026-10-02,280,3400,live,0,,300,0,30,White,3,spontaneous",
            "OW-2,OM-2,R0A,R0A01,2026-10-03,270,3100,live,0,,250,0,28,Asian,2,induced",
        ]
    )
    + "\n"
)


def test_a_trust_uploads_its_own_births_and_not_another_trusts(page, service, tmp_path):
    sign_in(page, service, TRUST_USER)
    page.goto(service.url("/dashboard/uploads/"))
    page.get_by_role("button", name="Upload a dataset file").click()
    expect(page.get_by_text("every row must give your trust's code")).to_be_visible()
    expect(page.get_by_label("CQC maternity survey")).to_have_count(0)  # national datasets are not offered
    assert_accessible(page, context="trust upload form")
    mixed = tmp_path / "births.csv"
    mixed.write_text(OWN_BIRTHS + "OW-3,OM-3,RRK,RRK01,2026-10-03,280,3400,live,0,,300,0,30,White,3,spontaneous\n")
    page.get_by_label("Births").check()
    page.locator("input[type=file]").set_input_files(str(mixed))
    page.get_by_role("button", name="Upload and check the file").click()
    expect(page.get_by_role("heading", name="The file was refused")).to_be_visible(timeout=30_000)
    rows = page.locator("table tbody tr")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert any(text.startswith("4\ttrust_code") and "another trust" in text for text in texts), texts
    assert_accessible(page, context="trust upload refused")

    page.goto(service.url("/dashboard/uploads/new/"))
    own = tmp_path / "own-births.csv"
    own.write_text(OWN_BIRTHS)
    page.get_by_label("Births").check()
    page.locator("input[type=file]").set_input_files(str(own))
    page.get_by_role("button", name="Upload and check the file").click()
    expect(page.get_by_role("heading", name="File loaded")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("2 rows loaded")).to_be_visible()
    assert_accessible(page, context="trust upload loaded")


def test_a_regional_team_lands_on_its_region(page, service):
    sign_in(page, service, "region.y62@perinatal.example")
    page.get_by_role("link", name="Dashboard", exact=True).first.click()
    expect(page.get_by_role("heading", name="North West", level=1)).to_be_visible()
    assert page.url.endswith("/dashboard/regions/Y62/")
    assert_accessible(page, context="regional team's dashboard")


def _table_region(page) -> dict:
    return page.evaluate(
        """() => { const region = document.querySelector('.app-trust-table').closest('.app-table-scroll');
        return {client: region.clientWidth, scroll: region.scrollWidth, focusable: region.tabIndex === 0}; }"""
    )


def test_the_trusts_table_fits_at_1280_and_scrolls_in_its_own_region_at_375(browser, service):
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, service, NATIONAL_USER)
    for metric in ("stillbirth_rate", "obstetric_unit_suspensions", "optimal_perinatal_care"):
        page.goto(service.url(f"/dashboard/trusts/?metric={metric}"))
        region = _table_region(page)
        assert region["scroll"] <= region["client"], (metric, region)  # every column shows
        assert_accessible(page, context=f"trusts table at 1280 px ({metric})")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(service.url("/dashboard/trusts/"))
    region = _table_region(page)
    assert region["scroll"] > region["client"] and region["focusable"], region  # it scrolls, the page does not
    assert_accessible(page, context="trusts table at 375 px")
    context.close()


def test_no_page_fetches_anything_from_another_host(browser, service):
    """issue 12: pages waited about 5 s for web fonts from another host. Without bypassing the
    CSP, as a user's browser runs: every request goes to the service, and no font is loaded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page, service, NATIONAL_USER)
    for path in ("/dashboard/", "/dashboard/trusts/R0A/", "/dashboard/trusts/"):
        page.goto(service.url(path))
        page.wait_for_load_state("load")
        assert (
            page.evaluate("document.fonts.ready.then(fonts => [...fonts].filter(f => f.status !== 'unloaded').length)")
            == 0
        )
        # The design system's stack stays; with no @font-face for Frutiger the browser uses the
        # computer's own fonts (Arial), and fetches none.
        assert "arial" in page.evaluate("getComputedStyle(document.body).fontFamily")
    others = [url for url in requested if not url.startswith(service.base_url)]
    assert others == [], others
    context.close()

"""The equity pages on the small demo data (docs/rules/equity.md §1): one for each
organisation at every level, open to every signed-in user (docs/rules/dashboard.md §5),
the period, dimension and measures chosen and checked, and downloads equal to
`perinatal equity` for the organisation, period and dimension."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from perinatal.accounts.roles import Role
from perinatal.equity.breakdowns.rows import ETHNIC_GROUPS, IMD_QUINTILES, METRIC_IDS, OUTPUT_COLUMNS
from perinatal.equity.pages.forms import default_data, last_complete_year
from perinatal.organisations.models import ENGLAND_CODE
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db

# The small demo's births run from 1 January 2026 to the end of the month before the suite's
# "today" (tests/conftest.py SUITE_NOW, 27 November 2026).
FROM, TO = date(2026, 1, 1), date(2026, 10, 31)
PAGES = [
    ("national", (), "England"),
    ("region", ("Y62",), "North West"),
    ("icb", ("QOP",), "NHS Greater Manchester Integrated Care Board"),
    ("trust", ("R0A",), "Manchester University NHS Foundation Trust"),
]
EVERY_ROLE = [
    (Role.REPORTER, "RRK"),
    (Role.LOCAL_AUTHORISER, "RRK"),
    (Role.TRUST_VIEWER, "RRK"),
    (Role.ICB_VIEWER, "QHL"),
    (Role.REGIONAL_VIEWER, "Y60"),
    (Role.NATIONAL_REVIEWER, "MNSI"),
    (Role.IMPROVEMENT_SUPPORT, ENGLAND_CODE),
    (Role.PROGRAMME_ADMIN, ENGLAND_CODE),
    (Role.SYSTEM_ADMIN, ENGLAND_CODE),
]


def query(start=FROM, end=TO, *, by="ethnic_group", metrics=METRIC_IDS, **extra) -> dict:
    """The page's address as its form submits it (every measure ticked unless told)."""
    params = {
        "from_day": start.day,
        "from_month": start.month,
        "from_year": start.year,
        "to_day": end.day,
        "to_month": end.month,
        "to_year": end.year,
        "by": by,
        **extra,
    }
    params["metric"] = list(metrics)
    return params


@pytest.fixture
def trust_user(client):
    sign_in(client, make_user(Role.TRUST_VIEWER, "R0A"))
    return client


def url(level: str, *args: str) -> str:
    return reverse(f"equity_breakdowns:{level}", args=args)


def test_signed_out_people_are_sent_to_sign_in(client):
    for level, args, _ in PAGES:
        response = client.get(url(level, *args))
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


@pytest.mark.parametrize(("level", "args", "name"), PAGES)
def test_every_level_has_its_page_with_breadcrumbs_to_the_dashboard(trust_user, level, args, name):
    response = trust_user.get(url(level, *args), query())
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Outcomes by ethnicity and deprivation</h1>" in page
    assert name in page
    # The breadcrumbs end with the organisation's own dashboard page.
    dashboard_page = reverse({"national": "dashboard:england"}.get(level, f"dashboard:{level}"), args=args)
    assert f'href="{dashboard_page}"' in page
    for group in ETHNIC_GROUPS:
        assert f'<th scope="row" class="nhsuk-table__header">{group}</th>' in page
    assert "All groups" in page
    assert page.count('class="nhsuk-table app-equity-table"') == 3
    assert page.count("<svg") >= 3 and 'id="equity-stillbirth-rate"' in page
    assert "Ethnic group is recorded for" in page
    assert "What the figures say" in page and "These are crude rates" in page
    assert 'href="https://www.npeu.ox.ac.uk/mbrrace-uk/reports"' in page


@pytest.mark.parametrize(("role", "org"), EVERY_ROLE)
def test_every_signed_in_role_sees_any_trust_s_page(client, role, org):
    """Aggregate figures, like the dashboard's (docs/rules/dashboard.md §5): another trust's page too."""
    sign_in(client, make_user(role, org))
    response = client.get(url("trust", "R0A"), query(metrics=["stillbirth_rate"]))
    assert response.status_code == 200
    assert "Manchester University NHS Foundation Trust" in response.content.decode()


def test_unknown_organisations_are_not_found(trust_user):
    assert trust_user.get(url("trust", "XYZ99")).status_code == 404
    assert trust_user.get(url("trust", "QOP")).status_code == 404  # an ICB's code on a trust's address
    assert trust_user.get(url("region", "R0A")).status_code == 404


def table_lines(page: str, anchor: str) -> list[list[str]]:
    """The cells of the table in the page's section `anchor`, as text, row by row."""
    section = page[page.index(f'<h2 id="{anchor}">') :]
    section = section[: section.index("</table>")]
    rows = re.findall(r'<tr class="nhsuk-table__row app-equity-row--[^"]*">(.*?)</tr>', section, flags=re.S)
    return [[" ".join(cell.split()) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]


def test_the_table_shows_the_engine_s_true_figures(trust_user):
    """Signed-in users see the true counts (docs/rules/equity.md §2: only public outputs are
    controlled), exactly as the engine gives them."""
    from perinatal.equity.selectors import equity_rows

    rows = [
        row
        for row in equity_rows(date_from=FROM, date_to=TO, levels=("trust",), organisation=("trust", "R0A"))
        if row.metric_id == "stillbirth_rate"
    ]
    assert any(1 <= row.numerator <= 7 for row in rows), "the demo should have a group with 1 to 7 stillbirths"
    page = trust_user.get(url("trust", "R0A"), query(metrics=["stillbirth_rate"])).content.decode()
    lines = table_lines(page, "stillbirth-rate")
    assert [line[0] for line in lines] == [*ETHNIC_GROUPS, "All groups"]
    assert [(line[1], line[2]) for line in lines] == [(f"{r.numerator:,}", f"{r.denominator:,}") for r in rows]
    assert [line[3].split(" ")[0] for line in lines] == [f"{r.value:.2f}" for r in rows]
    assert lines[0][4] == "Reference" and lines[-1][4] == "Not compared" and lines[-2][4] == "Not compared"
    assert "Hidden: small numbers" not in page and ">*<" not in page


def test_the_default_is_the_last_complete_calendar_year_by_the_service_clock(trust_user):
    assert last_complete_year(date(2026, 11, 27)) == (date(2025, 1, 1), date(2025, 12, 31))
    assert last_complete_year(date(2027, 1, 1)) == (date(2026, 1, 1), date(2026, 12, 31))
    assert default_data(date(2026, 11, 27))["metric"] == list(METRIC_IDS)
    page = trust_user.get(url("trust", "R0A")).content.decode()  # a first visit: no choices given
    assert "Stillbirths, neonatal deaths and postpartum haemorrhage by ethnic group, 2025." in page
    assert re.search(r'name="from_year"[^>]*value="2025"', page) and re.search(r'name="to_day"[^>]*value="31"', page)
    assert page.count('class="nhsuk-table app-equity-table"') == 3
    assert "No births in this period" not in page
    assert "<title>Error" not in page


def test_a_period_without_births_says_so_and_offers_the_latest_data_with_the_same_choices(trust_user):
    response = trust_user.get(url("trust", "R0A"), query(date(2024, 1, 1), date(2024, 12, 31), by="imd_quintile"))
    page = response.content.decode()
    assert "No births in this period" in page
    [link] = re.findall(r'<a href="([^"]*)">Show 1 January 2025 to 31 October 2026</a>', page)
    followed = trust_user.get(url("trust", "R0A") + html.unescape(link)).content.decode()
    assert "by deprivation quintile, January 2025 to October 2026." in followed
    assert "No births in this period" not in followed
    assert followed.count('class="nhsuk-table app-equity-table"') == 3


def test_the_dimension_changes_the_groups(trust_user):
    page = trust_user.get(url("trust", "R0A"), query(by="imd_quintile", metrics=["stillbirth_rate"])).content.decode()
    for label in ("1 (most deprived)", "2", "3", "4", "5 (least deprived)", "Not stated"):
        assert f'<th scope="row" class="nhsuk-table__header">{label}</th>' in page
    assert "Deprivation quintile is recorded for" in page
    both = trust_user.get(
        url("trust", "R0A"), query(by="ethnic_group,imd_quintile", metrics=["stillbirth_rate"])
    ).content.decode()
    assert both.count('<tr class="nhsuk-table__row app-equity-row--') == len(ETHNIC_GROUPS) * len(IMD_QUINTILES) + 1
    assert "White in quintile 5 (least deprived)" in both
    assert "Ethnic group is recorded for" in both and "Deprivation quintile is recorded for" in both


def test_the_measures_chosen_are_the_sections_shown(trust_user):
    page = trust_user.get(url("trust", "R0A"), query(metrics=["pph_1500_rate"])).content.decode()
    assert page.count('class="nhsuk-table app-equity-table"') == 1
    assert 'id="pph-1500-rate"' in page and 'id="stillbirth-rate"' not in page
    assert "Women giving birth" in page


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (query(from_day=""), "id_from", "The start date must include a day"),
        (query(to_month="13"), "id_to", "The end date must be a real date"),
        (query(from_year="25"), "id_from", "The year of the start date must include 4 numbers, like 2025"),
        (
            query(date(2026, 6, 1), date(2026, 5, 1)),
            "id_to",
            "The end date must be the same as or after the start date",
        ),
        (query(end=date(2026, 12, 31)), "id_to", "The end date must be today or in the past"),
        (query(by="gender"), "id_by", "Select what to break the outcomes down by"),
        (query(metrics=[]), "id_metric", "Select at least one measure"),
        (query(metrics=["considered_complaint"]), "id_metric", "Select measures from the list"),
    ],
)
def test_bad_choices_are_refused_naming_the_field(trust_user, params, field, message):
    response = trust_user.get(url("trust", "R0A"), params)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "There is a problem" in page
    assert re.search(rf'<a href="#{field}"\s*>\s*{re.escape(message)}\s*</a>', page)
    assert 'class="nhsuk-table app-equity-table"' not in page  # no figures for a bad choice
    assert 'href="/dashboard/trusts/R0A/"' in page  # still placed under its dashboard page


def test_bad_choices_give_no_download(trust_user):
    response = trust_user.get(url("trust", "R0A"), query(by="gender", download="csv"))
    assert response["Content-Type"].startswith("text/html")


def command_rows(*, by: str, code: str, level: str, metrics=()) -> list[list[str]]:
    out = io.StringIO()
    args = ["--from", FROM.isoformat(), "--to", TO.isoformat(), "--level", level, "--by", by]
    for metric in metrics:
        args += ["--metric", metric]
    call_command("equity", *args, stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    return [rows[0], *(row for row in rows[1:] if row[2] == code)]


@pytest.mark.parametrize(
    ("level", "args", "code", "by"),
    [
        ("trust", ("R0A",), "R0A", "ethnic_group"),
        ("trust", ("R0A",), "R0A", "ethnic_group,imd_quintile"),
        ("icb", ("QOP",), "QOP", "imd_quintile"),
        ("region", ("Y62",), "Y62", "ethnic_group"),
        ("national", (), ENGLAND_CODE, "imd_quintile"),
    ],
)
def test_the_csv_download_equals_the_command_s_output(trust_user, level, args, code, by):
    response = trust_user.get(url(level, *args), query(by=by, download="csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    downloaded = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    expected = command_rows(by=by, code=code, level=level)
    assert downloaded[0] == list(OUTPUT_COLUMNS)
    assert len(downloaded) > 1 and {row[2] for row in downloaded[1:]} == {code}
    assert downloaded == expected


def test_a_download_of_some_measures_equals_the_command_with_those_measures(trust_user):
    response = trust_user.get(url("trust", "R0A"), query(metrics=["pph_1500_rate"], download="csv"))
    downloaded = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert downloaded == command_rows(by="ethnic_group", code="R0A", level="trust", metrics=["pph_1500_rate"])
    assert {row[0] for row in downloaded[1:]} == {"pph_1500_rate"}


DECIMAL_COLUMNS = set(OUTPUT_COLUMNS[OUTPUT_COLUMNS.index("value") : OUTPUT_COLUMNS.index("suppressed")])


def as_csv_text(cell, column: str) -> str:
    """A cell read back from the XLSX as the CSV writes it (dates ISO, decimals with 2 places)."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if column in DECIMAL_COLUMNS and isinstance(cell, (int, float)):
        return f"{cell:.2f}"
    return str(cell)


def test_the_xlsx_download_holds_the_same_rows_and_says_what_it_is(trust_user):
    response = trust_user.get(url("trust", "R0A"), query(by="imd_quintile", download="xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        'filename="r0a-outcomes-by-deprivation-quintile-2026-01-01-to-2026-10-31.xlsx"'
        in (response["Content-Disposition"])
    )
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    header, *cells = list(book["Data"].values)
    data = [list(header), *([as_csv_text(cell, name) for cell, name in zip(row, header)] for row in cells)]
    assert data == command_rows(by="imd_quintile", code="R0A", level="trust")
    notes = " ".join(str(cell) for row in book["Notes"].values for cell in row if cell)
    assert "Manchester University NHS Foundation Trust (R0A)" in notes
    assert "perinatal equity --from 2026-01-01 --to 2026-10-31 --level trust --by imd_quintile" in notes


def test_the_dashboard_s_organisation_pages_link_to_their_equity_page(trust_user):
    for level, args, _ in PAGES:
        dashboard_page = reverse({"national": "dashboard:england"}.get(level, f"dashboard:{level}"), args=args)
        page = trust_user.get(dashboard_page).content.decode()
        assert f'<a href="{url(level, *args)}">Outcomes by ethnicity and deprivation</a>' in page
    national = trust_user.get(reverse("dashboard:national")).content.decode()
    assert f'<a href="{url("national")}">Outcomes by ethnicity and deprivation</a>' in national


#: Every query a page makes, sign-in and session included: one engine call, never one per group.
MAX_QUERIES_PER_PAGE = 25


@pytest.mark.parametrize(("level", "args", "name"), PAGES)
def test_a_page_makes_few_queries(trust_user, django_assert_max_num_queries, level, args, name):
    with django_assert_max_num_queries(MAX_QUERIES_PER_PAGE):
        response = trust_user.get(url(level, *args), query(by="ethnic_group,imd_quintile"))
    assert response.status_code == 200

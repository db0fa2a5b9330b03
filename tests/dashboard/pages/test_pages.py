"""The dashboard pages on the small demo data: aggregate figures for every signed-in user
(docs/rules/dashboard.md §5), drill-down, the trusts table's filters and sorting, downloads, and few
queries per page."""

import csv
import gzip
import io
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from openpyxl import load_workbook

from perinatal.accounts.roles import Role
from perinatal.dashboard.engine import MetricRequest, compute_rows
from perinatal.dashboard.exports import METRIC_ROW_COLUMNS
from perinatal.dashboard.metrics.definitions import HEADLINE_METRICS
from perinatal.dashboard.pages.builders import organisation as organisation_builder
from perinatal.dashboard.pages.builders.national import national_page
from perinatal.dashboard.pages.builders.organisation import icb_page, trust_page
from perinatal.dashboard.pages.builders.trusts import trusts_page
from perinatal.dashboard.pages.reporting_periods import (
    KIND_MONTH,
    default_choice,
    fortnight_choices,
    latest_whole_month,
    outcome_choices,
)
from perinatal.dashboard.selectors import births
from perinatal.dashboard.selectors.births import DataSpan
from perinatal.organisations.models import ENGLAND_CODE
from perinatal.web.static_finders import NhsukStylesheetFinder, without_remote_fonts
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db

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
#: Every query a page makes, sign-in and session included: one engine call, never one per trust.
MAX_QUERIES_PER_PAGE = 25


@pytest.fixture(scope="module")
def span(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return births.data_span()


@pytest.fixture
def national_user(client):
    sign_in(client, make_user(Role.IMPROVEMENT_SUPPORT, ENGLAND_CODE))
    return client


def test_signed_out_people_are_sent_to_sign_in(client):
    for name, args in [
        ("dashboard:national", ()),
        ("dashboard:trust", ("R0A",)),
        ("dashboard:trusts", ()),
        ("dashboard:definitions", ()),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


@pytest.mark.parametrize(("role", "org"), EVERY_ROLE)
def test_every_role_sees_the_aggregates(client, role, org):
    sign_in(client, make_user(role, org))
    page = client.get(reverse("dashboard:national")).content.decode()
    for metric in HEADLINE_METRICS:
        assert metric.title in page


def test_another_trusts_figures_are_open_to_a_trust_user(client):
    """Aggregate figures are published statistics: another trust's page is open to all (docs/rules/dashboard.md §5)."""
    sign_in(client, make_user(Role.REPORTER, "RRK"))
    response = client.get(reverse("dashboard:trust", args=["R0A"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Manchester University NHS Foundation Trust" in page
    for metric in HEADLINE_METRICS:
        assert f'id="line-{metric.id.replace("_", "-")}"' in page


def test_national_page_shows_the_tiles_for_england(national_user, span):
    page = national_user.get(reverse("dashboard:national")).content.decode()
    assert "<h1>England</h1>" in page
    months = [c for c in outcome_choices(span) if c.kind == KIND_MONTH]
    fortnights = fortnight_choices(span)
    assert months[0].label in page and f"Compared with {months[1].label}" in page
    assert fortnights[0].label in page and f"Compared with {fortnights[1].label}" in page
    assert "per 1,000 total births" in page
    assert "Rates are crude" in page and "MBRRACE-UK" in page
    assert 'href="/dashboard/definitions/#stillbirth-rate"' in page
    assert "Common cause variation" in page or "Special cause" in page
    for region in ("London", "North West", "Midlands"):
        assert region in page


def test_national_tiles_are_the_engine_s_rows_of_the_latest_periods(span):
    page = national_page(span=span)
    assert [tile.definition.id for tile in page.tiles] == [metric.id for metric in HEADLINE_METRICS]
    stillbirths = next(tile for tile in page.tiles if tile.definition.id == "stillbirth_rate")
    month = latest_whole_month(span)
    [expected] = compute_rows(
        MetricRequest(date_from=month.start, date_to=month.end, metric_ids=("stillbirth_rate",), levels=("national",))
    )
    assert stillbirths.latest == expected
    fortnight = next(tile for tile in page.tiles if tile.definition.id == "obstetric_unit_suspensions")
    assert fortnight.latest.period_end == span.as_of
    assert fortnight.previous.period_end == span.as_of - timedelta(days=14)


def test_drill_down_from_england_to_a_trust(national_user):
    england = national_user.get(reverse("dashboard:england")).content.decode()
    assert reverse("dashboard:region", args=["Y62"]) in england
    region = national_user.get(reverse("dashboard:region", args=["Y62"])).content.decode()
    assert reverse("dashboard:icb", args=["QOP"]) in region
    icb = national_user.get(reverse("dashboard:icb", args=["QOP"])).content.decode()
    assert reverse("dashboard:trust", args=["R0A"]) in icb
    trust = national_user.get(reverse("dashboard:trust", args=["R0A"])).content.decode()
    # Breadcrumbs England → region → ICB, by the ICB and region of the latest period.
    crumbs = trust[
        trust.index('class="nhsuk-breadcrumb"') : trust.index("</nav>", trust.index('class="nhsuk-breadcrumb"'))
    ]
    assert crumbs.index("England") < crumbs.index("North West") < crumbs.index("Greater Manchester")


def test_an_organisation_page_has_a_line_chart_table_and_spc_chart_for_every_metric(national_user):
    page = national_user.get(reverse("dashboard:trust", args=["R0A"])).content.decode()
    for metric in HEADLINE_METRICS:
        slug = metric.id.replace("_", "-")
        assert f'id="{slug}"' in page
        assert f'id="line-{slug}"' in page
    assert page.count('class="chart chart-spc"') >= 7  # the survey has one year in the small demo
    assert "Stillbirths" in page and "Total births" in page  # numerator and denominator in the tables
    assert "Midwifery-led unit suspensions" in page


#: The ICB mergers of 1 April 2026, seen over a span that holds them whatever the day the tests run.
SPAN_2026 = DataSpan(first=date(2026, 1, 1), last=date(2026, 10, 31))


def test_the_trust_page_follows_the_trust_into_its_new_icb():
    """RYR moved from NHS Sussex ICB to NHS Surrey and Sussex ICB on 1 April 2026."""
    page = trust_page(code="RYR", span=SPAN_2026)
    [change] = page.parent_changes
    assert (change.on, change.before.code, change.after.code) == (date(2026, 4, 1), "QNX", "S9B9J")
    assert [crumb.code for crumb in page.breadcrumbs] == ["E92000001", "Y59", "S9B9J"]


def test_the_trust_page_says_so(national_user, span):
    page = national_user.get(reverse("dashboard:trust", args=["RYR"])).content.decode()
    moved = span.first < date(2026, 4, 1) <= span.last
    assert ("From 1 April 2026 this trust is in" in page) == moved


def test_an_icb_merged_in_april_2026_keeps_its_region_in_the_breadcrumbs():
    page = icb_page(code="QNX", span=SPAN_2026)
    assert [crumb.code for crumb in page.breadcrumbs] == ["E92000001", "Y59"]


@pytest.mark.parametrize(
    "code",
    [
        "QKK",  # gained a trust on 1 April 2026
        "QHL",  # lost RXK on 1 April 2026 (the July 2026 extract)
    ],
)
def test_an_icb_whose_trusts_changed_in_april_2026_breaks_its_series_there(code):
    page = icb_page(code=code, span=SPAN_2026)
    assert page.has_breaks
    for section in page.sections:
        if section.definition.period_kind == "outcome":
            assert section.charts.series.breaks == {date(2026, 4, 1)}
            assert "Break in series" in section.charts.line.svg


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("dashboard:trust", "XYZ99"),
        ("dashboard:trust", "QOP"),  # an ICB's code is not a trust
        ("dashboard:icb", "R0A"),
        ("dashboard:region", "QOP"),
        ("dashboard:region", "NOPE"),
    ],
)
def test_unknown_organisations_are_not_found(national_user, name, code):
    assert national_user.get(reverse(name, args=[code])).status_code == 404


def test_codes_are_read_in_any_case(national_user):
    assert national_user.get(reverse("dashboard:trust", args=["r0a"])).status_code == 200


def test_trusts_table_defaults_to_stillbirths_by_name(national_user):
    response = national_user.get(reverse("dashboard:trusts"))
    page = response.content.decode()
    assert "All trusts: Stillbirth rate" in page
    names = [
        "Bristol NHS Foundation Trust",
        "Guy",
        "Manchester University",
        "University Hospitals Birmingham",
        "University Hospitals Sussex",
    ]
    positions = [page.index(name, page.index("app-trust-table")) for name in names]
    assert positions == sorted(positions)
    assert 'aria-sort="ascending"' in page
    assert "Funnel plot" in page and 'class="chart chart-funnel"' in page


def _table(span, **params):
    arguments = {
        "metric_id": "stillbirth_rate",
        "period_key": None,
        "region": None,
        "icb": None,
        "sort": None,
        "order": None,
        **params,
    }
    return trusts_page(span=span, **arguments)


def test_england_on_the_trusts_table_counts_every_trust(span):
    table = _table(span)
    assert table.england.denominator == sum(line.row.denominator for line in table.lines)
    assert table.england.numerator == sum(line.row.numerator for line in table.lines)


def test_trusts_table_sorts_by_value_descending(span):
    table = _table(span, sort="value", order="desc")
    values = [line.row.value for line in table.lines if line.row.value is not None]
    assert values == sorted(values, reverse=True)


@pytest.mark.parametrize(
    ("params", "codes"),
    [
        ({"region": "Y62"}, {"R0A"}),
        ({"region": "Y58"}, {"RA7"}),
        ({"icb": "QHL"}, {"RRK"}),
        ({"region": "Y62", "icb": "QHL"}, {"R0A"}),  # an ICB outside the region is ignored
        ({"region": "NOPE"}, {"R0A", "RRK", "RYR", "RA7", "RJ1"}),
    ],
)
def test_trusts_table_filters_by_region_and_icb(span, params, codes):
    assert {line.row.org_code for line in _table(span, **params).lines} == codes


def _previous_month(span):
    return [c for c in outcome_choices(span) if c.kind == KIND_MONTH][1]


def test_trusts_table_for_any_metric_and_period(span):
    month = _previous_month(span)
    table = _table(span, metric_id="pph_1500_rate", period_key=month.key)
    assert table.choice == month
    assert {line.row.period_start for line in table.lines} == {month.period.start}
    assert table.funnel is not None
    operational = _table(span, metric_id="obstetric_unit_suspensions")
    assert operational.choice.key == f"fortnight:{span.last.isoformat()}"
    assert operational.funnel is None and "No funnel plot" in operational.funnel_missing


@pytest.mark.parametrize(
    "params", [{"metric": "not_a_metric"}, {"period": "month:1999-01"}, {"sort": "x", "order": "y"}]
)
def test_trusts_table_ignores_bad_parameters(national_user, span, params):
    page = national_user.get(reverse("dashboard:trusts"), params).content.decode()
    assert "All trusts: Stillbirth rate" in page
    assert 'aria-sort="ascending"' in page  # sorted by name, ascending
    default = default_choice(outcome_choices(span), period_kind="outcome")
    assert f'<option value="{default.key}" selected>' in page


def test_a_trust_user_sees_their_trust_picked_out(client):
    sign_in(client, make_user(Role.TRUST_VIEWER, "RRK"))
    page = client.get(reverse("dashboard:trusts")).content.decode()
    assert "app-row--own" in page and ", your trust" in page


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_organisation_page_downloads_as_csv_and_xlsx(national_user, span):
    url = reverse("dashboard:trust", args=["R0A"])
    response = national_user.get(url, {"download": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="r0a-dashboard-{span.series_start}-to-{span.last}.csv"'
    )
    rows = _csv(response)
    assert tuple(rows[0]) == METRIC_ROW_COLUMNS
    assert {row[2] for row in rows[1:]} == {"R0A"}
    assert {row[0] for row in rows[1:]} >= {metric.id for metric in HEADLINE_METRICS}
    response = national_user.get(url, {"download": "xlsx"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["Data", "Column dictionary", "Notes"]
    assert ("Manchester University NHS Foundation Trust (R0A)",) in list(book["Notes"].values)
    table = list(book["Data"].values)
    assert table[0] == METRIC_ROW_COLUMNS
    assert len(table) == len(rows)
    first = dict(zip(METRIC_ROW_COLUMNS, table[1]))
    assert isinstance(first["denominator"], int) and first["org_code"] == "R0A"


def test_trusts_table_downloads_the_rows_it_shows(national_user, span):
    month = _previous_month(span)
    response = national_user.get(reverse("dashboard:trusts"), {"region": "Y62", "download": "csv", "period": month.key})
    rows = _csv(response)
    assert rows[0][-2:] == ["icb_code", "region_code"]
    assert [(row[1], row[2]) for row in rows[1:]] == [("national", "E92000001"), ("trust", "R0A")]
    assert rows[1][4:6] == [month.period.start.isoformat(), month.period.end.isoformat()]
    assert rows[2][-2:] == ["QOP", "Y62"]
    assert (
        f'filename="stillbirth-rate-by-trust-{month.period.start}-to-{month.period.end}.csv"'
        in response["Content-Disposition"]
    )
    xlsx = national_user.get(reverse("dashboard:trusts"), {"region": "Y62", "download": "xlsx"})
    assert len(list(load_workbook(io.BytesIO(xlsx.content), read_only=True)["Data"].values)) == 3


def test_download_buttons_on_every_table(national_user):
    for url in (reverse("dashboard:trusts"), reverse("dashboard:trust", args=["R0A"]), reverse("dashboard:england")):
        page = national_user.get(url).content.decode()
        assert "download=csv" in page and "download=xlsx" in page


def test_definitions_page_is_generated_from_the_metric_module(national_user):
    page = national_user.get(reverse("dashboard:definitions")).content.decode()
    for metric in HEADLINE_METRICS:
        assert f'id="{metric.id.replace("_", "-")}"' in page
        assert metric.numerator.replace("'", "&#39;") in page
    assert "Wilson score interval" in page and "Garwood" in page
    assert "Rates are crude" in page and "stabilised and adjusted rates" in page
    assert "per 1,000 total births" in page
    assert 'id="optimal-perinatal-care-cord-clamping"' in page


def test_definitions_page_says_which_stillbirth_denominator_is_in_use(national_user, settings):
    settings.DASHBOARD_STILLBIRTH_DENOMINATOR = "live_births"
    page = national_user.get(reverse("dashboard:definitions")).content.decode()
    assert "shown per 1,000 live births" in page
    assert "Live births with the same inclusion" in page


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("dashboard:national", ()),
        ("dashboard:england", ()),
        ("dashboard:region", ("Y62",)),
        ("dashboard:icb", ("QOP",)),
        ("dashboard:trust", ("R0A",)),
        ("dashboard:trusts", ()),
    ],
)
def test_pages_make_few_queries(national_user, django_assert_max_num_queries, name, args):
    national_user.get(reverse(name, args=args))  # warm the session and caches
    with django_assert_max_num_queries(MAX_QUERIES_PER_PAGE):
        assert national_user.get(reverse(name, args=args)).status_code == 200


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("dashboard:national", ()),
        ("dashboard:trust", ("R0A",)),
        ("dashboard:trusts", ()),
    ],
)
def test_before_any_births_are_loaded_the_pages_say_so(national_user, monkeypatch, name, args):
    monkeypatch.setattr(births, "data_span", lambda: None)
    page = national_user.get(reverse(name, args=args)).content.decode()
    assert "No births data has been loaded yet" in page


def test_pages_take_fonts_from_the_service_only(national_user):
    """issue 12: pages waited for the NHS font from another host. The CSP allows fonts from the
    service alone, and the design system's stylesheet is served without the @font-face rules
    that fetch Frutiger from NHS England's host (perinatal.web.static_finders)."""
    response = national_user.get(reverse("dashboard:trust", args=["R0A"]))
    policy = dict(
        directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";") if directive
    )
    assert policy["font-src"] == "'self'"
    assert "http" not in response["Content-Security-Policy"]
    page = response.content.decode()
    for href in re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', page):
        css = Path(finders.find(href)).read_text()
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), href
        assert "assets.nhs.uk" not in css, href
    original = Path(settings.REPO_DIR, "node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css").read_text()
    assert "assets.nhs.uk/fonts" in original  # what the package ships, and the finder leaves out
    served = Path(finders.find("nhsuk/nhsuk-frontend.min.css")).read_text()
    assert served == without_remote_fonts(original) and len(served) > 0.95 * len(original)
    assert "font-family:Frutiger W01,arial,sans-serif" in served  # the design system's stack is untouched
    assert "nhsuk/nhsuk-frontend.min.css" in dict(NhsukStylesheetFinder().list(None))


def test_a_trusts_induction_delays_are_charted_as_the_share_of_its_women_delayed(national_user, span):
    """issue 12: the trust-level induction-delay chart was always 0 or 100%. By definition
    (docs/rules/dashboard.md §3.3) a single trust's own value is 100 or 0, so its page charts the
    part that varies, the share of its women delayed, and lists its own value with the parts."""
    page = trust_page(code="R0A", span=span)
    section = next(s for s in page.sections if s.definition.id == "induction_delays")
    charted = section.charts.series
    assert charted.definition.id == "induction_delays.women" and section.tile.definition.id == "induction_delays.women"
    values = {row.value for row in charted.rows if row.value is not None}
    assert values - {Decimal("0.00"), Decimal("100.00")}, values  # not just 0 or 100
    assert [sub.definition.id for sub in section.sub_measures] == ["induction_delays", "induction_delays.women"]
    assert section.sub_measures[0].row.value in (Decimal("0.00"), Decimal("100.00"))
    html = national_user.get(reverse("dashboard:trust", args=["R0A"])).content.decode()
    assert 'id="line-induction-delays"' in html and "% of women" in html
    assert "can only be 100%" in html
    # England's, a region's and an ICB's pages chart the measure itself (% of trusts).
    england = next(s for s in icb_page(code="QOP", span=span).sections if s.definition.id == "induction_delays")
    assert england.charts.series.definition.id == "induction_delays" and england.charted_note is None


#: issue 12: a trust's page weighed 940 KB on the national demo (five years): most of it cell
#: classes repeated in every table cell and every chart point's colours. Bytes of HTML per period
#: shown in the tables, for all eight measures (the small demo holds one year).
MAX_BYTES_PER_PERIOD = 900


def test_an_organisation_page_is_light(national_user):
    response = national_user.get(reverse("dashboard:trust", args=["R0A"]))
    page = response.content.decode()
    periods = page.count('<tr><th scope="row">')  # each period's row in the tables, compact markup
    assert periods > 100
    assert 'class="nhsuk-table__cell' not in page.split('<section class="app-metric"', 1)[1].split("</table>", 1)[0]
    assert len(response.content) / periods < MAX_BYTES_PER_PERIOD, (len(response.content), periods)


def test_a_second_view_draws_no_chart(national_user, monkeypatch):
    """The charts are kept with the rows (selectors.row_cache.kept): a second view renders only."""
    url = reverse("dashboard:trust", args=["R0A"])
    first = national_user.get(url).content

    def no_drawing(*args, **kwargs):
        raise AssertionError("a chart was drawn again")

    monkeypatch.setattr(organisation_builder, "series_charts", no_drawing)

    def main(html: bytes) -> bytes:
        return html.split(b"<main", 1)[1].split(b"</main>", 1)[0]

    assert main(national_user.get(url).content) == main(first)


def test_pages_are_sent_compressed(national_user):
    plain = national_user.get(reverse("dashboard:trust", args=["R0A"]))
    packed = national_user.get(reverse("dashboard:trust", args=["R0A"]), HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 5
    assert (
        gzip.decompress(packed.content).split(b"<main", 1)[1].split(b"</main>")[0]
        == plain.content.split(b"<main", 1)[1].split(b"</main>")[0]
    )

"""The reference rates pages and withdrawing a load (docs/rules/surveillance.md §1.1, §1.6; ADR 0013).

The births data is the worked example (tests/surveillance/platform.py): R0A01 and RRK01 each
have 2,500 term births in 2024, so the national rate for 2025 is 0.002 and each site's IC 0.42.
National programme and system admins load and withdraw rates; everyone else reads the page.
"""

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from perinatal.accounts.models import User
from perinatal.core.models import AuditEvent
from perinatal.surveillance.models import (
    LoadedReferenceRate,
    MossRun,
    ReferenceRateUpload,
    ReferenceRateWithdrawal,
    SiteMonthResult,
)
from perinatal.surveillance.selectors.reference_rates import current_loaded_rates, loaded_reference_rates
from perinatal.surveillance.services.reference_rates import ReferenceRatesRefused, withdraw_reference_rates
from perinatal.surveillance.services.runs import record_moss_run
from tests.helpers import sign_in
from tests.surveillance.platform import SITE_A, SITE_B, WORKED_NOW, worked_example

pytestmark = pytest.mark.django_db

HEADER = "Site_Code,Year,Events,Denom,Ref_Rate,Source"
ADMIN = "programme.admin@perinatal.example"
SYSTEM_ADMIN = "system.admin@perinatal.example"
TRUST_USER = "hom.r0a@perinatal.example"
NOT_MANAGERS = [
    TRUST_USER,
    "midwife.rrk@perinatal.example",
    "board.r0a@perinatal.example",
    "icb.qop@perinatal.example",
    "region.y62@perinatal.example",
    "ist@perinatal.example",
    "reviewer.mbrrace@perinatal.example",
]
PAGE = "/signals/reference-rates/"


@pytest.fixture
def births(settings):
    settings.PERINATAL_NOW = WORKED_NOW
    worked_example()


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _file(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _load(tmp_path: Path, name: str, lines: list[str]) -> ReferenceRateUpload:
    out = io.StringIO()
    call_command(
        "load_reference_rates", str(_file(tmp_path, name, lines)), "--no-run", stdout=out, stderr=io.StringIO()
    )
    return ReferenceRateUpload.objects.get(filename=name)


def _run() -> MossRun:
    return record_moss_run(trigger=MossRun.Trigger.COMMAND).run


def _queued_runs() -> list[dict]:
    return [
        task.args_kwargs["kwargs"]
        for task in DBTaskResult.objects.filter(task_path__endswith="run_moss_task").order_by("enqueued_at", "id")
    ]


def _csv(name: str, lines: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8"), content_type="text/csv")


def _summary_links(page: str) -> list[tuple[str, str]]:
    """The error summary's links: (href, text)."""
    summary = page.split('class="nhsuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return [
        (href, " ".join(text.split())) for href, text in re.findall(r'<a href="([^"]*)"\s*>(.*?)</a>', summary, re.S)
    ]


def _in_force() -> dict[tuple[str, int], tuple[float, str]]:
    return {
        (rate.site_code, rate.period_end_year): (rate.rate, rate.upload.filename) for rate in current_loaded_rates()
    }


# --- withdrawing: the service ------------------------------------------------------------------------


def test_withdrawing_takes_the_loads_rates_out_of_force_and_keeps_every_row(births, tmp_path):
    upload = _load(
        tmp_path,
        "MOSS_Ref_Rate.csv",
        [HEADER, f"{SITE_A},2022-2024,16,4000,0.004,NHSE", f"{SITE_B},2022-2024,9,5000,0.0018,NHSE"],
    )
    admin = _user(ADMIN)
    withdrawal = withdraw_reference_rates(upload=upload, reason="  NHS England corrected the file  ", by=admin)
    assert _in_force() == {}
    assert loaded_reference_rates() == []
    assert (withdrawal.by, withdrawal.by_label, withdrawal.reason, withdrawal.rates_withdrawn) == (
        admin,
        ADMIN,
        "NHS England corrected the file",
        2,
    )
    assert LoadedReferenceRate.objects.filter(upload=upload, withdrawn_by=withdrawal).count() == 2  # kept, marked
    event = AuditEvent.objects.filter(object_type="surveillance.ReferenceRateUpload", action="decide").get()
    assert event.actor == admin and event.object_id == str(upload.pk)
    assert event.summary == (f"Reference rates load {upload.pk} withdrawn: 2 rates no longer in force")
    assert "corrected" not in event.summary  # the free-text reason stays on the withdrawal row


def test_after_a_withdrawal_moss_uses_the_national_rate_and_the_run_says_so(births, tmp_path):
    national = _run()
    national_rows = list(
        SiteMonthResult.objects.filter(run=national)
        .order_by("site__code", "month")
        .values_list("site__code", "month", "expected", "h1", "h2", "cusum", "level")
    )
    upload = _load(
        tmp_path,
        "MOSS_Ref_Rate.csv",
        [HEADER, f"{SITE_A},2022-2024,16,4000,0.004,NHSE", f"{SITE_B},2022-2024,9,5000,0.0018,NHSE"],
    )
    loaded = _run()
    assert loaded.reference == "per site (2 sites)" and loaded.results_stored
    withdraw_reference_rates(upload=upload, reason="Wrong period", by=_user(ADMIN))
    after = _run()
    assert after.results_stored and after.reference == "national"
    results = SiteMonthResult.objects.filter(run=after)
    assert set(results.values_list("reference_source", "reference_rate", "loaded_reference_rate")) == {
        ("national", 0.002, None)
    }
    assert (
        list(
            results.order_by("site__code", "month").values_list(
                "site__code", "month", "expected", "h1", "h2", "cusum", "level"
            )
        )
        == national_rows
    )
    # The run that used the withdrawn rates still says which rows it used.
    assert (
        SiteMonthResult.objects.filter(run=loaded, loaded_reference_rate__upload=upload).count()
        == SiteMonthResult.objects.filter(run=loaded).count()
    )


def test_rates_a_withdrawn_load_replaced_do_not_come_back(births, tmp_path):
    first = _load(
        tmp_path, "first.csv", [HEADER, f"{SITE_A},2022-2024,1,1,0.003,v1", f"{SITE_B},2022-2024,1,1,0.0025,v1"]
    )
    second = _load(tmp_path, "second.csv", [HEADER, f"{SITE_A},2022-2024,1,1,0.004,v2"])
    assert _in_force() == {(SITE_A, 2024): (0.004, "second.csv"), (SITE_B, 2024): (0.0025, "first.csv")}
    withdraw_reference_rates(upload=second, reason="Superseded", by=_user(ADMIN))
    assert _in_force() == {(SITE_B, 2024): (0.0025, "first.csv")}  # R0A01 goes to the national rate
    assert LoadedReferenceRate.objects.get(upload=first, site_code=SITE_A).replaced_by == second
    run = _run()
    assert run.reference == "per site (1 site), national for the others"
    by_site = {r.site.code: r for r in SiteMonthResult.objects.filter(run=run, month__month=1)}
    assert (by_site[SITE_A].reference_source, by_site[SITE_A].reference_rate) == ("national", 0.002)
    assert (by_site[SITE_B].reference_source, by_site[SITE_B].reference_rate) == ("site", 0.0025)


def test_a_site_rate_withdrawn_gives_way_to_a_rate_for_all_sites_in_force(births, tmp_path):
    _load(tmp_path, "all.csv", ["Year,Events,Denom,Ref_Rate,Source", "2022-2024,30,10000,0.003,NHSE national"])
    site = _load(tmp_path, "site.csv", [HEADER, f"{SITE_A},2022-2024,1,1,0.004,NHSE"])
    withdraw_reference_rates(upload=site, reason="Wrong site", by=_user(ADMIN))
    run = _run()
    assert run.reference == "loaded for all sites"
    assert set(SiteMonthResult.objects.filter(run=run).values_list("reference_source", "reference_rate")) == {
        ("all_sites", 0.003)
    }


@pytest.mark.parametrize(
    "reason, field, message",
    [
        ("", "reason", "Enter why the rates are being withdrawn"),
        ("   \n ", "reason", "Enter why the rates are being withdrawn"),
        ("x" * 1001, "reason", "The reason must be 1,000 characters or fewer"),
    ],
)
def test_a_reason_is_required_and_a_refused_withdrawal_stores_nothing(births, tmp_path, reason, field, message):
    upload = _load(tmp_path, "r.csv", [HEADER, f"{SITE_A},2022-2024,1,1,0.004,x"])
    audits = AuditEvent.objects.count()
    with pytest.raises(ReferenceRatesRefused) as refused:
        withdraw_reference_rates(upload=upload, reason=reason, by=_user(ADMIN))
    assert (refused.value.field, str(refused.value)) == (field, message)
    assert not ReferenceRateWithdrawal.objects.exists() and AuditEvent.objects.count() == audits
    assert _in_force() == {(SITE_A, 2024): (0.004, "r.csv")}


def test_a_load_is_withdrawn_once_and_only_while_it_has_rates_in_force(births, tmp_path):
    first = _load(tmp_path, "first.csv", [HEADER, f"{SITE_A},2022-2024,1,1,0.003,v1"])
    _load(tmp_path, "second.csv", [HEADER, f"{SITE_A},2022-2024,1,1,0.004,v2"])
    with pytest.raises(ReferenceRatesRefused, match="later loads replaced them all"):
        withdraw_reference_rates(upload=first, reason="x", by=_user(ADMIN))
    second = ReferenceRateUpload.objects.get(filename="second.csv")
    withdraw_reference_rates(upload=second, reason="x", by=_user(ADMIN))
    with pytest.raises(ReferenceRatesRefused, match="have already been withdrawn"):
        withdraw_reference_rates(upload=second, reason="again", by=_user(ADMIN))
    assert ReferenceRateWithdrawal.objects.count() == 1


def test_a_load_after_a_withdrawal_replaces_only_rates_in_force(births, tmp_path):
    withdrawn = _load(tmp_path, "old.csv", [HEADER, f"{SITE_A},2022-2024,1,1,0.003,old"])
    withdraw_reference_rates(upload=withdrawn, reason="Wrong", by=_user(ADMIN))
    again = _load(tmp_path, "new.csv", [HEADER, f"{SITE_A},2022-2024,1,1,0.0035,new"])
    assert again.rates_replaced == 0
    assert LoadedReferenceRate.objects.get(upload=withdrawn).replaced_by is None  # withdrawn, not replaced
    assert _in_force() == {(SITE_A, 2024): (0.0035, "new.csv")}


# --- the page: who sees what --------------------------------------------------------------------------


@pytest.mark.parametrize("email", NOT_MANAGERS)
def test_every_reader_of_the_signals_pages_sees_the_rates_but_not_the_form(births, tmp_path, client, email):
    upload = _load(tmp_path, "MOSS_Ref_Rate.csv", [HEADER, f"{SITE_A},2022-2024,16,4000,0.004,NHS England MOSS"])
    sign_in(client, _user(email))
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Reference rates</h1>" in page and "national rate" in page
    assert "MOSS_Ref_Rate.csv" in page and "NHS England MOSS" in page and "2022–2024" in page
    assert 'enctype="multipart/form-data"' not in page and "Load reference rates" not in page
    assert "Withdraw<span" not in page
    # Not theirs to change: the form's POST and the withdrawal page are refused, and nothing changes.
    before = (ReferenceRateUpload.objects.count(), LoadedReferenceRate.objects.count(), len(_queued_runs()))
    response = client.post(PAGE, {"file": _csv("x.csv", [HEADER, f"{SITE_B},2022-2024,1,1,0.002,x"])})
    assert response.status_code == 403
    withdraw = reverse("surveillance:withdraw_reference_rates", args=[upload.pk])
    assert client.get(withdraw).status_code == 403
    assert client.post(withdraw, {"reason": "no"}).status_code == 403
    assert (ReferenceRateUpload.objects.count(), LoadedReferenceRate.objects.count(), len(_queued_runs())) == before
    assert not ReferenceRateWithdrawal.objects.exists()


def test_the_page_lists_rates_in_force_with_sites_and_the_history_of_loads(births, tmp_path, client):
    _run()
    first = _load(
        tmp_path,
        "first.csv",
        [HEADER, f"{SITE_A},2022-2024,16,4000,0.004,NHSE v1", "ZZZ99,2022-2024,1,1,0.002,NHSE v1"],
    )
    _load(tmp_path, "all.csv", ["Year,Events,Denom,Ref_Rate,Source", "2022-2024,30,10000,0.0021,NHSE national"])
    withdrawn = _load(tmp_path, "wrong.csv", [HEADER, f"{SITE_B},2022-2024,1,1,0.009,typo"])
    withdraw_reference_rates(upload=withdrawn, reason="Typo in the rate", by=_user(ADMIN))
    sign_in(client, _user(TRUST_USER))
    page = client.get(PAGE).content.decode()
    assert page.index("All sites") < page.index("(R0A01)</a>") < page.index("ZZZ99 (not in the register)")
    assert f'<a href="/signals/sites/{SITE_A}/">' in page
    assert "Site codes not in the organisation register: ZZZ99." in page
    assert "4 per 1,000" not in page  # the table says the unit once, in its heading
    assert ">4</td>" in page and ">2.1</td>" in page and "0.009" not in page.split("History of loads")[0]
    history = page.split("History of loads")[1]
    assert history.index("wrong.csv") < history.index("all.csv") < history.index("first.csv")  # newest first
    assert first.sha256[:12] in history and first.sha256 not in history
    assert "Withdrawn" in history and "Reason: Typo in the rate" in history and "Max Evans" in history
    assert "1 rate taken out of force" in history
    assert "In force" in history
    # The rates the latest run used (before any load): the national rate.
    assert "used: national." in page and "2025: 2 per 1,000 term births (2022–2024)" in page


def test_the_page_before_any_load_says_the_national_rate_applies(births, client):
    sign_in(client, _user(TRUST_USER))
    page = client.get(PAGE).content.decode()
    assert "No loaded rates are in force: MOSS uses the national rate for every site." in page
    assert "No reference rates have been loaded." in page and "MOSS has not run yet" in page


def test_the_overview_links_to_the_reference_rates_page(births, client):
    sign_in(client, _user(TRUST_USER))
    page = client.get(reverse("surveillance:overview")).content.decode()
    assert f'href="{PAGE}"' in page  # before any run
    _run()
    page = client.get(reverse("surveillance:overview")).content.decode()
    assert f'national. <a href="{PAGE}">Which reference rates apply, and loaded rates</a>' in page


# --- loading on the page ----------------------------------------------------------------------------


@pytest.mark.parametrize("email", [ADMIN, SYSTEM_ADMIN])
def test_national_admins_load_a_file_and_a_run_is_queued_as_the_command_does(births, client, email):
    sign_in(client, _user(email))
    page = client.get(PAGE).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'id="id_file"' in page
    runs = len(_queued_runs())
    response = client.post(
        PAGE,
        {
            "file": _csv(
                "MOSS_Ref_Rate.csv",
                [
                    HEADER,
                    f"{SITE_A},2022-2024,16,4000,0.004,NHSE",
                    ",2022-2024,,,0.0021,",
                    "ZZZ99,2022-2024,1,1,0.002,x",
                ],
            )
        },
        follow=True,
    )
    assert response.redirect_chain == [(PAGE, 302)]
    page = response.content.decode()
    assert (
        "Loaded 3 reference rates from MOSS_Ref_Rate.csv: 2 for single sites, 1 for every site; "
        "0 earlier rates replaced. 1 site code is not in the organisation register: ZZZ99. "
        "A MOSS run is queued to use them."
    ) in page
    upload = ReferenceRateUpload.objects.get()
    assert (upload.filename, upload.loaded_by.email, upload.loaded_by_label, upload.rates_loaded) == (
        "MOSS_Ref_Rate.csv",
        email,
        email,
        3,
    )
    assert _queued_runs()[runs:] == [{"trigger": "reference_rates"}]
    event = AuditEvent.objects.get(object_type="surveillance.ReferenceRateUpload", action="create")
    assert (
        event.actor.email == email
        and event.summary.startswith("Reference rates load ")
        and "MOSS_Ref_Rate" not in event.summary
    )
    # The queued run, when the worker runs it, uses the rates.
    run = record_moss_run(trigger=MossRun.Trigger.REFERENCE_RATES).run
    assert run.reference == "per site (1 site), loaded for all sites for the others"


@pytest.mark.parametrize(
    "lines, where",
    [
        (
            [HEADER, f"{SITE_A},2022-2024,1,1,0.003,x", f"{SITE_B},2024,1,1,0.002,x"],
            "MOSS_Ref_Rate.csv, line 3, column Year: &#39;2024&#39; is not a 3-year period",
        ),
        (
            [HEADER, f"{SITE_A},2022-2024,1,1,-0.003,x"],
            "MOSS_Ref_Rate.csv, line 2, column Ref_Rate: -0.003 is less than 0",
        ),
        (
            ["Site_Code,Year,Events,Denom,Rate,Source", f"{SITE_A},2022-2024,1,1,0.003,x"],
            "MOSS_Ref_Rate.csv, line 1, column Ref_Rate: missing column",
        ),
        ([HEADER], "MOSS_Ref_Rate.csv: has no rows of data"),
    ],
)
def test_a_bad_file_on_the_page_names_file_line_and_column_and_stores_nothing(births, tmp_path, client, lines, where):
    _load(tmp_path, "good.csv", [HEADER, f"{SITE_B},2022-2024,1,1,0.002,earlier"])
    before = (
        ReferenceRateUpload.objects.count(),
        LoadedReferenceRate.objects.count(),
        AuditEvent.objects.count(),
        len(_queued_runs()),
    )
    sign_in(client, _user(ADMIN))
    response = client.post(PAGE, {"file": _csv("MOSS_Ref_Rate.csv", lines)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Reference rates" in page
    (link,) = _summary_links(page)
    assert link[0] == "#id_file" and link[1].startswith(where)  # the error summary links to the file input
    assert 'id="id_file-error"' in page and "Nothing from the file was loaded" in page
    assert "/tmp" not in page and "upload.csv" not in page  # the uploaded file's own name, not its copy's
    after = (
        ReferenceRateUpload.objects.count(),
        LoadedReferenceRate.objects.count(),
        AuditEvent.objects.count(),
        len(_queued_runs()),
    )
    assert after == before
    assert _in_force() == {(SITE_B, 2024): (0.002, "good.csv")}


@pytest.mark.parametrize(
    "upload, message",
    [
        (None, "Select a reference rates CSV file"),
        (
            SimpleUploadedFile("rates.xlsx", b"PK\x03\x04", content_type="application/octet-stream"),
            "The selected file must be a CSV file (its name ends in .csv)",
        ),
        (SimpleUploadedFile("rates.csv", b"", content_type="text/csv"), "The selected file is empty"),
    ],
)
def test_the_file_field_is_checked_first(births, client, upload, message):
    sign_in(client, _user(ADMIN))
    response = client.post(PAGE, {"file": upload} if upload else {})
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: Reference rates" in page
    assert _summary_links(page) == [("#id_file", message)]
    assert not ReferenceRateUpload.objects.exists()


# --- withdrawing on the page ------------------------------------------------------------------------


def test_withdrawing_on_the_page_confirms_asks_why_then_queues_a_run(births, tmp_path, client):
    _load(tmp_path, "all.csv", ["Year,Events,Denom,Ref_Rate,Source", "2022-2024,30,10000,0.003,NHSE national"])
    _load(tmp_path, "first.csv", [HEADER, f"{SITE_A},2022-2024,1,1,0.0035,v1"])
    upload = _load(
        tmp_path,
        "MOSS_Ref_Rate.csv",
        [HEADER, f"{SITE_A},2022-2024,16,4000,0.004,NHSE", f"{SITE_B},2021-2023,1,1,0.0018,NHSE"],
    )
    sign_in(client, _user(ADMIN))
    url = reverse("surveillance:withdraw_reference_rates", args=[upload.pk])
    assert f'href="{url}"' in client.get(PAGE).content.decode()
    page = client.get(url).content.decode()
    assert "<h1>Withdraw the rates loaded from MOSS_Ref_Rate.csv</h1>" in page
    assert "does not bring back rates this load replaced (1 from earlier loads)" in page
    assert "the national rate, or a rate loaded for all sites where one is in force" in page
    # What applies instead, rate by rate.
    assert "Rate for all sites, 3 per 1,000 term births (loaded from all.csv)" in page
    assert "National rate from the births data" in page
    runs = len(_queued_runs())
    response = client.post(url, {"reason": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: Withdraw the rates loaded from MOSS_Ref_Rate.csv" in page
    assert _summary_links(page) == [("#id_reason", "Enter why the rates are being withdrawn")]
    assert not ReferenceRateWithdrawal.objects.exists() and len(_queued_runs()) == runs
    response = client.post(url, {"reason": "NHS England published corrected rates"}, follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    assert (
        "The rates loaded from MOSS_Ref_Rate.csv are withdrawn: 2 rates no longer in force. "
        "A MOSS run is queued to use the rates that apply now."
    ) in response.content.decode()
    withdrawal = ReferenceRateWithdrawal.objects.get()
    assert (withdrawal.upload, withdrawal.by.email, withdrawal.reason) == (
        upload,
        ADMIN,
        "NHS England published corrected rates",
    )
    assert _queued_runs()[runs:] == [{"trigger": "rates_withdrawn"}]
    assert _in_force() == {("", 2024): (0.003, "all.csv")}  # first.csv's R0A01 rate stays replaced
    # The queued run uses what applies now and says so.
    run = record_moss_run(trigger=MossRun.Trigger.REFERENCE_WITHDRAWN).run
    assert (
        run.reference == "loaded for all sites" and run.get_trigger_display() == "After reference rates were withdrawn"
    )
    # Withdrawn: no way to withdraw it again.
    response = client.get(url, follow=True)
    assert "have already been withdrawn" in response.content.decode()
    assert client.post(url, {"reason": "again"}).status_code == 302
    assert ReferenceRateWithdrawal.objects.count() == 1


def test_a_load_whose_rates_were_all_replaced_offers_no_withdrawal(births, tmp_path, client):
    first = _load(tmp_path, "first.csv", [HEADER, f"{SITE_A},2022-2024,1,1,0.003,v1"])
    _load(tmp_path, "second.csv", [HEADER, f"{SITE_A},2022-2024,1,1,0.004,v2"])
    sign_in(client, _user(ADMIN))
    page = client.get(PAGE).content.decode()
    url = reverse("surveillance:withdraw_reference_rates", args=[first.pk])
    assert f'href="{url}"' not in page and "Replaced by later loads" in page
    response = client.post(url, {"reason": "x"}, follow=True)
    assert "later loads replaced them" in response.content.decode()
    assert not ReferenceRateWithdrawal.objects.exists()
    assert client.get(reverse("surveillance:withdraw_reference_rates", args=[9999])).status_code == 404

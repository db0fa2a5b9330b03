"""Demo board reports (docs/rules/board_report.md §2), made through the services as the trusts
would make them, dated from the service clock's today: for each demo trust with a Head of
Midwifery and an executive lead, the reports of the two months before last approved (frozen,
with their PDFs) and a draft of last month with part of the minimum data set entered.

Loaded once: set-up run again finds the reports and adds nothing.
"""

from __future__ import annotations

from perinatal.accounts.models import User
from perinatal.core import clock
from perinatal.organisations.models import Organisation
from perinatal.reports.rules import ReportMonth
from perinatal.reports.selectors.state import report_for
from perinatal.reports.services.drafts import open_report
from perinatal.reports.services.entries import save_mds_item, save_part
from perinatal.reports.services.workflow import approve, submit

# (trust, Head of Midwifery, executive lead)
DEMO_TRUSTS = (
    ("R0A", "hom.r0a@perinatal.example", "exec.r0a@perinatal.example"),
    ("RRK", "hom.rrk@perinatal.example", "exec.rrk@perinatal.example"),
    ("RYR", "hom.ryr@perinatal.example", "exec.ryr@perinatal.example"),
)
APPROVED_MONTHS = 2

COVER = {
    "meeting": "public",
    "purpose": "assurance",
    "executive_lead_title": "Chief Nurse",
    "authors_title": "Director of Midwifery",
    "safety_champion_title": "Chief Nurse",
    "ned_champion_title": "Non-executive director",
    "committees": "Quality Committee",
}
SUMMARY = {
    "meaning": "Outcomes are within the expected range; the safety checks are being completed on time.",
    "actions": "Recruitment to midwifery vacancies continues; a learning review of escalation in labour is under way.",
    "board_asked": "Note the report for assurance.",
}
MDS = {
    "pmrt": {"reviews_completed": "4", "grade_a": "2", "grade_b": "2"},
    "training": {"midwives": "94.5", "obstetricians": "88.0", "anaesthetists": "91.0", "neonatal_nurses": "90.5"},
    "staffing": {
        "midwives_planned_wte": "250.0",
        "midwives_actual_wte": "236.5",
        "coordinator_supernumerary": "97.0",
        "one_to_one_care": "99.0",
        "obstetric_rota_gaps": "3",
        "neonatal_rota_gaps": "1",
    },
    "red_flags": {"red_flags": "12", "actions": "Staff moved between wards; the escalation policy followed."},
    "mis": {f"action_{number}": "on_track" for number in range(1, 11)},
}


def _fill(report, *, by: User, items) -> None:
    save_part(report=report, part="cover", raw=COVER, by=by)
    save_part(report=report, part="summary", raw=SUMMARY, by=by)
    for item in items:
        save_mds_item(report=report, item=item, raw=MDS[item], by=by)


def load_demo_board_reports(stdout=None) -> int:
    """The demo's board reports; returns how many reports were made."""
    latest = ReportMonth.of(clock.today()).shifted(-1)
    made = 0
    for code, author_email, executive_email in DEMO_TRUSTS:
        trust = Organisation.objects.filter(code=code).first()
        author = User.objects.filter(email=author_email).first()
        executive = User.objects.filter(email=executive_email).first()
        if trust is None or author is None or executive is None:
            continue
        for back in range(APPROVED_MONTHS, 0, -1):
            month = latest.shifted(-back)
            if report_for(trust, month) is not None:
                continue
            report, _ = open_report(trust=trust, month=month, by=author)
            _fill(report, by=author, items=MDS)
            submit(report=report, by=author)
            approve(report=report, by=executive)
            made += 1
        if report_for(trust, latest) is None:
            report, _ = open_report(trust=trust, month=latest, by=author)
            _fill(report, by=author, items=("training", "staffing"))
            made += 1
    if stdout is not None:
        stdout.write(f"Demo board reports: {made} added.")
    return made

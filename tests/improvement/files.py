"""The moved-case files of docs/rules/improvement.md §3 used by the database tests: the example
of docs/rules/improvement.md §2 (MSSP-001) and two more cases, in three trusts of the register."""

from __future__ import annotations

from pathlib import Path

CASES = """\
case_id,trust_code,identified_on,concern_type,diagnostic_completed_on,plan_agreed_on,exited_on
MSSP-001,RYR,2026-01-05,cqc,2026-02-10,2026-02-20,
MSSP-002,RHQ,2026-06-01,moss,,,
MSSP-003,R1H,2025-03-03,segment,2025-04-01,2025-05-01,2026-08-14
"""

MEETINGS = """\
case_id,kind,held_on
MSSP-001,executive,2026-03-02
MSSP-001,executive,2026-05-11
MSSP-003,executive,2026-07-06
MSSP-003,quarterly_review,2026-06-30
"""

ESCALATIONS = """\
case_id,level,escalated_on,reason,deescalated_on
MSSP-001,region,2026-04-01,Two missed executive meetings,
MSSP-003,icb,2025-06-01,"Staffing, and the board's response",2025-09-01
"""

#: ``perinatal improvement export --as-of 2026-07-15`` of the files above: the figures of the
#: example of docs/rules/improvement.md §2 for MSSP-001 (April and June missed, the quarter
#: April–June missed, escalated to region).
EXPORT_2026_07_15 = """\
case_id,trust_code,region_code,stage,identified_on,diagnostic_due_on,diagnostic_status,plan_agreed_on,executive_meetings_missed,quarterly_reviews_missed,escalation_level,exited_on
MSSP-001,RYR,Y59,improvement,2026-01-05,2026-02-16,completed_on_time,2026-02-20,2,1,region,
MSSP-002,RHQ,Y63,diagnostic,2026-06-01,2026-07-13,overdue,,0,0,trust,
MSSP-003,R1H,Y56,improvement,2025-03-03,2025-04-14,completed_on_time,2025-05-01,13,3,trust,
"""


def write(directory: Path, cases: str = CASES, meetings: str | None = MEETINGS, escalations: str | None = ESCALATIONS):
    """The files in ``directory``: the paths to give the command (None for a file left out)."""
    paths = {}
    for name, content in (("cases", cases), ("meetings", meetings), ("escalations", escalations)):
        if content is None:
            paths[name] = None
            continue
        path = directory / f"{name}.csv"
        path.write_text(content, encoding="utf-8")
        paths[name] = path
    return paths

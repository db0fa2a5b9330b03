"""A national body's inbox as a CSV download (perinatal.core.exports: a column dictionary,
spreadsheet formulas kept from running).

A work list, not a copy of the notifications: the reference, the reporting trust, the body's
category, dates, status and the body's own reference. No NHS number, date of birth or
postcode: a file leaves the service's audit trail once downloaded, and the body finds each
notification by its reference (docs/adr/0021-who-sees-identifiers.md).
"""

from __future__ import annotations

from datetime import date

from perinatal.core import clock
from perinatal.core.exports import ExportColumn, ExportTable
from perinatal.notifications.models import body_name
from perinatal.notifications.presenters import InboxRow

__all__ = ["INBOX_COLUMNS", "inbox_table"]

INBOX_COLUMNS = (
    ExportColumn("reference", "The notification's reference, as the trust and every body know it."),
    ExportColumn("trust_code", "ODS code of the reporting trust."),
    ExportColumn("trust_name", "Name of the reporting trust."),
    ExportColumn("category", "The category the notification was sent to this body under (the routing rules)."),
    ExportColumn("submitted_at", "When the trust submitted it (England's local time, ISO 8601)."),
    ExportColumn("version", "The notification's current version (1 until it is amended)."),
    ExportColumn("due_on", "The day this body's notification is due; empty where no deadline is published."),
    ExportColumn("overdue", "1 when the due day has passed and this body has not acknowledged it, else 0."),
    ExportColumn("status", "Not acknowledged, Acknowledged, Waiting for the trust's answer, or Withdrawn."),
    ExportColumn("body_reference", "This body's own reference, given when it acknowledged the notification."),
    ExportColumn("acknowledged_at", "When this body acknowledged it (England's local time, ISO 8601)."),
    ExportColumn("open_questions", "This body's questions the trust has not answered yet."),
)


def inbox_table(rows: list[InboxRow], *, body: str, today: date) -> ExportTable:
    def cells(row: InboxRow) -> list[object]:
        notification, case = row.notification, row.case
        version = notification.current_version
        routed = case is not None and case.routed
        return [
            notification.reference,
            notification.trust.code,
            notification.trust.display_name,
            row.category,
            clock.london(notification.created_at).isoformat(timespec="minutes"),
            version.number if version else None,
            case.due_on if routed and case.due_on else None,
            row.overdue,
            row.status,
            case.body_reference if case else "",
            clock.london(case.acknowledged_at).isoformat(timespec="minutes") if case and case.acknowledged_at else None,
            row.open_questions,
        ]

    return ExportTable(
        title=f"{body_name(body)} inbox {today.isoformat()}",
        columns=INBOX_COLUMNS,
        rows=[cells(row) for row in rows],
        notes=(
            f"Notifications delivered to {body_name(body)} as of {today.isoformat()}, as filtered on the inbox page.",
            "No NHS numbers, dates of birth or postcodes: open a notification in the service to see them.",
        ),
    )

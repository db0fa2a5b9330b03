"""The notifications part of a board report (docs/rules/board_report.md §1.5): what the trust
notified in the month and what the national bodies made of it, as counts and references only.

Read from the notifications' own records (the trust's own, for its own report); the words for
categories and bodies are the notifications'. Nothing identifies a person.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

from perinatal.core import clock
from perinatal.kernel.disclosure import public_count
from perinatal.kernel.london_time import LONDON
from perinatal.notifications.models import Delivery, InformationRequest, Notification, body_name
from perinatal.notifications.presenters import category_label
from perinatal.notifications.routing import BODY_ORDER
from perinatal.organisations.models import Organisation
from perinatal.reports.rules import ReportMonth

DELIVERED = (Delivery.Status.SENT, Delivery.Status.ACKNOWLEDGED)
NOT_NOTIFIABLE = "Not routed to a national body"


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON)


def _type_of(notification: Notification) -> str:
    version = notification.current_version
    destinations = (version.routing if version else {}).get("destinations", [])
    chosen = next((d for d in destinations if d["body"] == "MBRRACE_UK"), destinations[0] if destinations else None)
    return category_label(chosen["category"]) if chosen else NOT_NOTIFIABLE


def notifications_part(*, trust: Organisation, month: ReportMonth, generated_on: date, public: bool) -> dict:
    made = list(
        Notification.objects.filter(
            trust=trust,
            created_at__gte=_start_of(month.first_day),
            created_at__lt=_start_of(month.last_day + timedelta(days=1)),
        )
        .select_related("current_version")
        .prefetch_related("deliveries", "body_cases")
        .order_by("created_at", "id")
    )
    by_type = Counter(_type_of(notification) for notification in made)
    sent: Counter[str] = Counter()
    late: Counter[str] = Counter()
    mnsi_references: list[str] = []
    nhsr_cases = 0
    for notification in made:
        first_sent: dict[str, date] = {}
        for delivery in notification.deliveries.all():
            if delivery.kind == Delivery.Kind.NOTIFY and delivery.status in DELIVERED and delivery.sent_at:
                day = clock.london(delivery.sent_at).date()
                first_sent[delivery.body] = min(day, first_sent.get(delivery.body, day))
        for body in first_sent:
            sent[body] += 1
        for case in notification.body_cases.all():
            if not case.routed:
                continue
            if case.due_on is not None:
                reached = first_sent.get(case.body)
                if (reached is not None and reached > case.due_on) or (reached is None and generated_on > case.due_on):
                    late[case.body] += 1
            if case.body == "MNSI" and case.body_reference:
                mnsi_references.append(case.body_reference)
            if case.body == "NHSR_EN":
                nhsr_cases += 1
    open_questions = Counter(
        InformationRequest.objects.filter(
            notification__trust=trust,
            answered_at__isnull=True,
            asked_at__lt=_start_of(generated_on + timedelta(days=1)),
        ).values_list("body", flat=True)
    )
    count = public_count if public else (lambda n: n)
    bodies = [str(body) for body in BODY_ORDER]
    return {
        "notified": count(len(made)),
        "by_type": [{"type": kind, "count": count(n)} for kind, n in sorted(by_type.items())],
        "bodies": [
            {
                "body": body,
                "name": body_name(body),
                "sent": count(sent[body]),
                "late": count(late[body]),
                "open_questions": count(open_questions[body]),
            }
            for body in bodies
        ],
        "mnsi_accepted": count(len(mnsi_references)),
        "mnsi_references": [] if public else sorted(mnsi_references),
        "nhsr_early_notification": count(nhsr_cases),
    }

"""Reads of notifications, always through the user's scope (`perinatal.accounts.scoping`).

Purposes: READ_NOTIFICATIONS (the trust's reporters, authoriser and viewers),
AMEND_NOTIFICATIONS (reporters and the authoriser). National reviewers read a notification
only through their body's inbox (`inbox_for`, `inbox_notification`), which shows only what
was delivered to their body.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from perinatal.accounts.models import User
from perinatal.accounts.scoping import (
    AMEND_NOTIFICATIONS,
    READ_NOTIFICATIONS,
    SEE_NOTIFICATION_IDENTIFIERS,
    Scope,
    scope_for,
)
from perinatal.kernel.london_time import local_midnight
from perinatal.notifications.filters import NotificationFilter
from perinatal.notifications.models import (
    AmendmentDraft,
    ApiToken,
    BodyCase,
    Delivery,
    DeliveryStatusRecord,
    Draft,
    InformationRequest,
    Notification,
)
from perinatal.notifications.wording import CATEGORIES_OF_TYPE
from perinatal.organisations.models import Site

DELIVERED = (Delivery.Status.SENT, Delivery.Status.ACKNOWLEDGED)


def notifications_for(scope: Scope, *, purpose=READ_NOTIFICATIONS) -> QuerySet[Notification]:
    return scope.restrict(
        Notification.objects.select_related("trust", "current_version", "created_by"), purpose=purpose
    )


def _submitted_between(queryset: QuerySet, wanted: NotificationFilter) -> QuerySet:
    # Days in England: a notification made at 00:30 BST on 1 June was submitted on 1 June.
    if wanted.submitted_from:
        queryset = queryset.filter(created_at__gte=local_midnight(wanted.submitted_from))
    if wanted.submitted_to:
        queryset = queryset.filter(created_at__lt=local_midnight(wanted.submitted_to + timedelta(days=1)))
    return queryset


def _routed_cases(**conditions) -> Exists:
    return Exists(BodyCase.objects.filter(notification=OuterRef("pk"), routed=True, **conditions))


def _open_questions(**conditions) -> Exists:
    return Exists(
        InformationRequest.objects.filter(notification=OuterRef("pk"), answered_at__isnull=True, **conditions)
    )


def _of_type(event_type: str) -> Q:
    """docs/rules/routing.md §4 categories of the kind (wording.CATEGORIES_OF_TYPE), as the list shows it."""
    if event_type == "maternal_death":
        return Q(event=Notification.Event.MATERNAL)
    condition = Q(_routed_cases(category__in=CATEGORIES_OF_TYPE[event_type]))
    if event_type == "severe_brain_injury":
        # A brain injury recorded for a baby, whether or not a body took it.
        condition |= Q(event=Notification.Event.BABY) & ~Q(current_version__document__brain_injury=None)
    return condition


def overdue_cases(today: date, **conditions) -> Exists:
    """A body's case past its due date (docs/rules/routing.md §6) that the body has not acknowledged."""
    return _routed_cases(due_on__lt=today, acknowledged_at__isnull=True, **conditions)


TRUST_STATUS_CONDITIONS = {
    "question": lambda: Q(_open_questions()),
    "failed": lambda: Q(Exists(Delivery.objects.filter(notification=OuterRef("pk"), status=Delivery.Status.FAILED))),
    "sending": lambda: Q(Exists(Delivery.objects.filter(notification=OuterRef("pk"), status=Delivery.Status.QUEUED))),
    "waiting": lambda: Q(_routed_cases(acknowledged_at__isnull=True)),
    "acknowledged": lambda: Q(_routed_cases()) & ~Q(_routed_cases(acknowledged_at__isnull=True)),
    "not_sent": lambda: ~Q(_routed_cases()),
}


def filter_notifications(scope: Scope, queryset: QuerySet, wanted: NotificationFilter, *, today: date) -> QuerySet:
    """The trust's notifications that match `wanted` (filters.TRUST_STATUSES)."""
    if wanted.reference:
        queryset = queryset.filter(reference__icontains=wanted.reference)
    if wanted.nhs_number:
        # Only in the trusts whose identifiers the reader sees (docs/adr/0021-who-sees-identifiers.md).
        queryset = scope.restrict(queryset, purpose=SEE_NOTIFICATION_IDENTIFIERS).filter(
            Q(baby_nhs_number=wanted.nhs_number) | Q(mother_nhs_number=wanted.nhs_number)
        )
    if wanted.event_type:
        queryset = queryset.filter(_of_type(wanted.event_type))
    if wanted.status:
        queryset = queryset.filter(TRUST_STATUS_CONDITIONS[wanted.status]())
    if wanted.overdue:
        queryset = queryset.filter(overdue_cases(today))
    return _submitted_between(queryset, wanted)


def notification_list(queryset: QuerySet, *, today: date, sort: str = "newest") -> QuerySet:
    """The list's rows with what each row says: open questions, overdue, a failed delivery."""
    return (
        queryset.prefetch_related("deliveries", "body_cases")
        .annotate(
            open_questions=Count("information_requests", filter=Q(information_requests__answered_at__isnull=True)),
            overdue=overdue_cases(today),
        )
        .order_by(*_submitted_order(sort))
    )


def _submitted_order(sort: str) -> tuple[str, str]:
    return ("created_at", "id") if sort == "oldest" else ("-created_at", "-id")


def open_questions_for(scope: Scope) -> QuerySet[InformationRequest]:
    """The bodies' questions waiting for an answer from the reader's trusts, oldest first."""
    return scope.restrict(
        InformationRequest.objects.filter(answered_at__isnull=True).select_related("notification__trust"),
        trust_field="notification__trust",
        purpose=READ_NOTIFICATIONS,
    ).order_by("asked_at", "id")


def get_notification(scope: Scope, reference: str, *, purpose=READ_NOTIFICATIONS) -> Notification:
    """A notification the user may read for `purpose`, or 404 (outside scope looks missing)."""
    return scope.get_or_404(
        Notification.objects.select_related("trust", "current_version", "created_by", "linked_notification"),
        purpose=purpose,
        reference=(reference or "").strip().upper(),
    )


def site_names(codes) -> dict[str, str]:
    """ODS site code -> the site's name, for the codes given."""
    codes = {str(code) for code in codes if code}
    return dict(Site.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}


def held_for(scope: Scope) -> QuerySet[Notification]:
    """Submissions held as possible duplicates that the user may decide on (docs/rules/routing.md §7.2)."""
    return notifications_for(scope, purpose=AMEND_NOTIFICATIONS).filter(state=Notification.State.HELD)


def same_trust_notifications(notification: Notification, references: list[str]) -> list[Notification]:
    """The trust's notifications with these references, in the order given."""
    found = {
        n.reference: n
        for n in Notification.objects.select_related("current_version", "trust").filter(
            trust=notification.trust, reference__in=references
        )
    }
    return [found[reference] for reference in references if reference in found]


def amendment_draft_of(notification: Notification, user) -> AmendmentDraft | None:
    """The person's amendment in progress of a notification they may amend (read through their scope)."""
    return AmendmentDraft.objects.filter(notification=notification, created_by=user).first()


def _known(notification: Notification, relation: str) -> list | None:
    """The rows of `relation` already on the instance, prefetched or just made by the service
    that stored them (`services.submission`), else None: read them."""
    known = getattr(notification, "_prefetched_objects_cache", {}).get(relation)
    return None if known is None else list(known)


def deliveries_of(notification: Notification) -> list[Delivery]:
    known = _known(notification, "deliveries")
    if known is not None:
        return sorted(known, key=lambda delivery: delivery.pk)
    return list(
        notification.deliveries.select_related("version")
        .prefetch_related(Prefetch("status_records", queryset=DeliveryStatusRecord.objects.order_by("at", "id")))
        .order_by("id")
    )


def cases_of(notification: Notification) -> dict[str, BodyCase]:
    known = _known(notification, "body_cases")
    cases = known if known is not None else notification.body_cases.select_related("acknowledged_by")
    return {case.body: case for case in cases}


def information_requests_of(notification: Notification, *, body: str | None = None) -> list[InformationRequest]:
    known = _known(notification, "information_requests")
    if known is not None:
        return [request for request in known if body is None or request.body == body]
    queryset = notification.information_requests.select_related("asked_by", "answered_by")
    return list(queryset.filter(body=body) if body else queryset)


def drafts_for(who) -> QuerySet[Draft]:
    """The signed-in person's unsubmitted drafts, for trusts they still report for.

    `who` is a Scope, a request or a User.
    """
    scope = who if isinstance(who, Scope) else scope_for(who)
    user = scope.user
    if user is None or not getattr(user, "is_authenticated", False):
        return Draft.objects.none()
    return scope.restrict(
        Draft.objects.filter(created_by=user, submitted__isnull=True).select_related("trust"),
        purpose=READ_NOTIFICATIONS,
    )


def get_draft(scope: Scope, draft_id) -> Draft:
    try:
        return drafts_for(scope).get(pk=draft_id)
    except (Draft.DoesNotExist, ValueError, TypeError):
        raise Http404("No such draft") from None


# The national reviewers' inbox -------------------------------------------------------------------


def _require_body(scope: Scope, body: str) -> None:
    if body not in scope.body_codes():
        raise Http404("No such inbox")


def inbox_for(scope: Scope, body: str) -> QuerySet[Notification]:
    """Notifications delivered to `body`, for a reviewer of that body only."""
    _require_body(scope, body)
    delivered = Delivery.objects.filter(notification=OuterRef("pk"), body=body, status__in=DELIVERED)
    return (
        Notification.objects.filter(Exists(delivered))
        .select_related("trust", "current_version")
        .prefetch_related(Prefetch("body_cases", queryset=BodyCase.objects.filter(body=body), to_attr="case_list"))
        .order_by("-created_at", "-id")
    )


def filter_inbox(queryset: QuerySet, body: str, wanted: NotificationFilter, *, today: date) -> QuerySet:
    """A body's inbox, as `inbox_for` gives it, narrowed to what matches `wanted`
    (filters.INBOX_STATUSES: the body's own case)."""

    def case(**conditions) -> Q:
        return Q(Exists(BodyCase.objects.filter(notification=OuterRef("pk"), body=body, **conditions)))

    if wanted.reference:
        queryset = queryset.filter(reference__icontains=wanted.reference)
    if wanted.nhs_number:
        # The numbers of the current version, which a body still receiving the notification has.
        queryset = queryset.filter(
            case(routed=True), Q(baby_nhs_number=wanted.nhs_number) | Q(mother_nhs_number=wanted.nhs_number)
        )
    if wanted.event_type:
        queryset = queryset.filter(case(category__in=CATEGORIES_OF_TYPE[wanted.event_type]))
    statuses = {
        "new": lambda: case(routed=True, acknowledged_at__isnull=True),
        "acknowledged": lambda: case(routed=True, acknowledged_at__isnull=False),
        "asked": lambda: Q(_open_questions(body=body)),
        "withdrawn": lambda: case(routed=False),
    }
    if wanted.status:
        queryset = queryset.filter(statuses[wanted.status]())
    if wanted.overdue:
        queryset = queryset.filter(overdue_cases(today, body=body))
    queryset = _submitted_between(queryset, wanted).annotate(
        open_questions=Count(
            "information_requests",
            filter=Q(information_requests__answered_at__isnull=True, information_requests__body=body),
        ),
        overdue=overdue_cases(today, body=body),
    )
    if wanted.sort == "due":
        # The body's own deadline, earliest first; a case withdrawn or without a published
        # deadline after every dated one (filters.INBOX_SORTS).
        due_on = BodyCase.objects.filter(notification=OuterRef("pk"), body=body, routed=True).values("due_on")[:1]
        return queryset.annotate(case_due_on=Subquery(due_on)).order_by(
            F("case_due_on").asc(nulls_last=True), "-created_at", "-id"
        )
    return queryset.order_by(*_submitted_order(wanted.sort))


def inbox_notification(scope: Scope, body: str, reference: str, *, today: date) -> Notification:
    """One notification of a body's inbox, annotated as the inbox's rows are (so the list and the
    notification's page say the same status, due date and overdue flag)."""
    inbox = filter_inbox(inbox_for(scope, body), body, NotificationFilter(), today=today)
    try:
        return inbox.get(reference=(reference or "").strip().upper())
    except Notification.DoesNotExist:
        raise Http404("No such notification in this inbox") from None


def latest_delivered(notification: Notification, body: str) -> Delivery | None:
    """The last full payload (a notification or amendment) the body received."""
    return (
        notification.deliveries.filter(
            body=body, status__in=DELIVERED, kind__in=[Delivery.Kind.NOTIFY, Delivery.Kind.AMEND]
        )
        .order_by("-id")
        .first()
    )


def delivered_to(notification: Notification, body: str) -> list[Delivery]:
    return list(
        notification.deliveries.filter(body=body, status__in=DELIVERED).select_related("version").order_by("id")
    )


# API tokens ------------------------------------------------------------------------------------------


def api_tokens() -> QuerySet[ApiToken]:
    return ApiToken.objects.select_related("trust", "created_by", "revoked_by").order_by(
        "revoked_at", "trust__code", "-created_at"
    )


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email=email.strip().lower()).first()

"""Reads of notifications, always through the user's scope (`perinatal.accounts.scoping`).

Purposes: READ_NOTIFICATIONS (the trust's reporters, authoriser and viewers),
AMEND_NOTIFICATIONS (reporters and the authoriser). National reviewers read a notification
only through their body's inbox (`inbox_for`, `inbox_notification`), which shows only what
was delivered to their body.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from perinatal.accounts.models import User
from perinatal.accounts.scoping import AMEND_NOTIFICATIONS, READ_NOTIFICATIONS, Scope, scope_for
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

DELIVERED = (Delivery.Status.SENT, Delivery.Status.ACKNOWLEDGED)


def notifications_for(scope: Scope, *, purpose=READ_NOTIFICATIONS) -> QuerySet[Notification]:
    return scope.restrict(
        Notification.objects.select_related("trust", "current_version", "created_by"), purpose=purpose
    )


def get_notification(scope: Scope, reference: str, *, purpose=READ_NOTIFICATIONS) -> Notification:
    """A notification the user may read for `purpose`, or 404 (outside scope looks missing)."""
    return scope.get_or_404(
        Notification.objects.select_related("trust", "current_version", "created_by", "linked_notification"),
        purpose=purpose,
        reference=(reference or "").strip().upper(),
    )


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


def deliveries_of(notification: Notification) -> list[Delivery]:
    return list(
        notification.deliveries.select_related("version")
        .prefetch_related(Prefetch("status_records", queryset=DeliveryStatusRecord.objects.order_by("at", "id")))
        .order_by("id")
    )


def cases_of(notification: Notification) -> dict[str, BodyCase]:
    return {case.body: case for case in notification.body_cases.select_related("acknowledged_by")}


def information_requests_of(notification: Notification, *, body: str | None = None) -> list[InformationRequest]:
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
        .select_related("trust")
        .prefetch_related(Prefetch("body_cases", queryset=BodyCase.objects.filter(body=body), to_attr="case_list"))
        .order_by("-created_at", "-id")
    )


def inbox_notification(scope: Scope, body: str, reference: str) -> Notification:
    try:
        return inbox_for(scope, body).get(reference=(reference or "").strip().upper())
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

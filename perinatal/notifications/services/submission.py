"""Submitting a notification: validated, routed and stored with its deliveries in one transaction.

Only a trust that is live may submit (``NotYetLive`` otherwise). The same idempotency key (or
the same draft) returns the notification it already made instead of a second one. A
submission that may duplicate one of the trust's notifications is stored but held, delivered
to nobody, unless the submitter said it is a different event (docs/rules/routing.md §7.2, §7.3);
the trust then confirms or discards it (:mod:`.held`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from perinatal.core import audit, clock
from perinatal.core.formatting import date_and_time
from perinatal.notifications.models import ApiToken, CreatedVia, Draft, Notification, NotificationVersion, body_name
from perinatal.notifications.routing import NotificationDocument, RoutingResult, route
from perinatal.notifications.services.documents import copy_matching_fields, linked_notification, parse, refuse
from perinatal.notifications.services.duplicates import find_possible_duplicates, lock_possible_duplicates
from perinatal.notifications.services.outbox import deliver_after_commit, queue_deliveries, remember_related
from perinatal.notifications.services.trust_email import tell_trust
from perinatal.organisations.models import Organisation
from perinatal.organisations.selectors import Onboarding, onboarding_for

#: The longest submission key stored ("api:" and the client's Idempotency-Key, or "draft:" and an id).
IDEMPOTENCY_KEY_STORED_MAX = Notification._meta.get_field("idempotency_key").max_length

REFERENCE_PREFIX = "PEN"
#: A reference as a person may give it (read in upper case): PEN, the year, the number.
REFERENCE_FORMAT = "[Pp][Ee][Nn]-[0-9]{4}-[0-9]{6,}"
DISTINCT_REASON_MAX = 500


class NotYetLive(Exception):
    """The trust cannot submit yet: it goes live at 08:00 on its phase's go-live date."""

    def __init__(self, onboarding: Onboarding):
        self.onboarding = onboarding
        trust = onboarding.trust
        if onboarding.phase is None:
            when = "has not been given an onboarding phase yet"
        else:
            when = f"is in {onboarding.phase.name} and goes live on {date_and_time(onboarding.go_live_at)}"
        super().__init__(
            f"{trust.display_name} ({trust.code}) {when}. Until then, keep notifying events through "
            "the existing MBRRACE-UK, MNSI and NHS Resolution portals."
        )


def submit_notification(
    *,
    document: dict,
    trust: Organisation,
    user=None,
    api_token: ApiToken | None = None,
    idempotency_key: str | None = None,
    request=None,
    draft: Draft | None = None,
    distinct_from: Iterable[str] = (),
    distinct_because: str = "",
    keep_stored_rows: bool = False,
) -> Notification:
    """Validate, route and store a notification with its deliveries; queue them after commit.

    Raises DocumentInvalid (untouched, each error naming its field) or NotYetLive. The same
    `idempotency_key` (or the same `draft`) for the same trust returns the notification it
    already made instead of a second one.

    A possible duplicate of one of the trust's notifications (docs/rules/routing.md §7.1) is
    stored held, with no delivery, unless every one it may duplicate is named in
    `distinct_from` with the reason in `distinct_because` (docs/rules/routing.md §7.3).

    `keep_stored_rows`: the new notification's cases, deliveries and (no) information requests
    are kept on the returned instance as a prefetch would, for an answer built at once without
    reading them back (the API's, issue 13). They are not read again: use it only to answer.
    """
    distinct = _distinct_references(distinct_from, distinct_because)
    parsed = parse(document, trust=trust)
    if parsed.trust != trust.code:
        refuse(
            ("trust", f"You can only submit notifications for {trust.display_name} ({trust.code}), not {parsed.trust}")
        )
    onboarding = onboarding_for(trust)
    if not onboarding.is_live:
        raise NotYetLive(onboarding)
    if draft is not None and idempotency_key is None:
        idempotency_key = f"draft:{draft.pk}"
    key = idempotency_key or ""
    if len(key) > IDEMPOTENCY_KEY_STORED_MAX:
        # Never cut: two keys alike in their first 200 characters would merge two events.
        refuse(("idempotency_key", f"The key must be {IDEMPOTENCY_KEY_STORED_MAX} characters or fewer"))
    if key:
        existing = Notification.objects.filter(trust=trust, idempotency_key=key).first()
        if existing is not None:
            return existing
    result = route(parsed)
    try:
        return _store_submission(
            parsed=parsed,
            result=result,
            trust=trust,
            user=user,
            api_token=api_token,
            key=key,
            request=request,
            draft=draft,
            document=document,
            distinct=distinct,
            distinct_because=" ".join((distinct_because or "").split()),
            keep_stored_rows=keep_stored_rows,
        )
    except IntegrityError:
        # The same key submitted at the same moment: the other request made the notification.
        existing = Notification.objects.filter(trust=trust, idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing


def _distinct_references(distinct_from: Iterable[str], reason: str) -> frozenset[str]:
    """The references the submitter says are other events, checked (docs/rules/routing.md §7.3)."""
    references = frozenset("".join(str(reference).split()).upper() for reference in distinct_from)
    reason = " ".join((reason or "").split())
    if references and not reason:
        refuse(("not_a_duplicate.reason", "Give the reason this is a different event, for example the second twin"))
    if len(reason) > DISTINCT_REASON_MAX:
        refuse(("not_a_duplicate.reason", f"The reason must be {DISTINCT_REASON_MAX} characters or fewer"))
    return references


@transaction.atomic
def _store_submission(
    *,
    parsed: NotificationDocument,
    result: RoutingResult,
    trust: Organisation,
    user,
    api_token: ApiToken | None,
    key: str,
    request,
    draft: Draft | None,
    document: dict,
    distinct: frozenset[str],
    distinct_because: str,
    keep_stored_rows: bool,
) -> Notification:
    # From here to commit no other copy of the same event is stored (docs/rules/routing.md §7.2).
    lock_possible_duplicates(document=document, trust=trust)
    duplicates = find_possible_duplicates(document=document, trust=trust)
    unknown = sorted(distinct - {n.reference for n in Notification.objects.filter(trust=trust, reference__in=distinct)})
    if unknown:
        refuse(
            (
                "not_a_duplicate.of",
                f"{trust.code} has no notification {', '.join(unknown)}. Name only the trust's own notifications",
            )
        )
    held = any(candidate.reference not in distinct for candidate in duplicates)
    now = clock.now()
    via = CreatedVia.API if api_token is not None else CreatedVia.WEB
    linked = linked_notification(parsed)
    notification = Notification(
        reference=f"{REFERENCE_PREFIX}-pending-{secrets.token_hex(8)}",
        trust=trust,
        event=str(parsed.event),
        linked_notification=linked,
        created_by=user,
        api_token=api_token,
        created_via=via,
        created_at=now,
        updated_at=now,
        idempotency_key=key,
        state=Notification.State.HELD if held else Notification.State.SUBMITTED,
        possible_duplicate_of=[candidate.reference for candidate in duplicates],
        distinct_because=distinct_because if duplicates and not held else "",
    )
    copy_matching_fields(notification, parsed)
    notification.save()
    # The database id numbers references without a shared counter (no lock between submissions).
    notification.reference = f"{REFERENCE_PREFIX}-{clock.today().year}-{notification.pk:06d}"
    version = NotificationVersion.objects.create(
        notification=notification,
        number=1,
        document=parsed.to_dict(),
        routing=result.to_dict(),
        rules_version=result.rules_version,
        created_by=user,
        created_via=via,
        created_at=now,
    )
    notification.current_version = version
    notification.save(update_fields=["reference", "current_version"])
    if draft is not None:
        Draft.objects.filter(pk=draft.pk, submitted__isnull=True).update(submitted=notification, updated_at=now)
    if held:
        if keep_stored_rows:
            remember_related(notification, body_cases=[], deliveries=[], information_requests=[])
        _record_held(notification, request=request, actor=user, via=via)
        return notification
    deliveries, cases = queue_deliveries(
        notification=notification, version=version, parsed=parsed, result=result, previous_bodies=set(), actor=user
    )
    bodies = ", ".join(body_name(d.body) for d in deliveries) or "no national body"
    audit.record(
        action=audit.Action.CREATE,
        obj=notification,
        organisation=trust,
        request=request,
        actor=user,
        summary=f"Notification {notification.reference} submitted ({via.label}); sent to {bodies}",
    )
    if deliveries:
        deliver_after_commit(notification.pk)
    if keep_stored_rows:
        # Made a moment ago: these are all its cases and deliveries, and no body has asked anything.
        remember_related(notification, body_cases=cases, deliveries=deliveries, information_requests=[])
    return notification


def _record_held(notification: Notification, *, request, actor, via) -> None:
    others = ", ".join(notification.possible_duplicate_of)
    audit.record(
        action=audit.Action.CREATE,
        obj=notification,
        organisation=notification.trust,
        request=request,
        actor=actor,
        summary=(
            f"Notification {notification.reference} submitted ({via.label}); held as a possible duplicate of "
            f"{others}: sent to no national body until the trust decides"
        ),
    )
    tell_trust(
        notification,
        subject=f"Notification {notification.reference} is held: it may be a duplicate",
        message=(
            f"Notification {notification.reference} may be the same event as {others}. It has not been sent to "
            "any national body. Confirm it is a different event to send it, or discard it."
        ),
    )

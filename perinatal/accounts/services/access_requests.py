"""Access requests: a person asks a trust for a role; the trust's local authoriser decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction

from perinatal.accounts import emails
from perinatal.accounts.models import AccessRequest, AccessRequestDecision, Membership, ThrottledRequest, User
from perinatal.accounts.roles import REQUESTABLE_ROLES, Role
from perinatal.accounts.services.invitations import invite
from perinatal.accounts.services.links import email_person_after_commit
from perinatal.accounts.services.memberships import get_or_create_user, grant_membership
from perinatal.accounts.services.throttle import Throttle
from perinatal.accounts.work_email import is_personal_email, personal_email_message
from perinatal.core import audit, clock
from perinatal.core.formatting import long_date
from perinatal.core.notify import Message, NotifierError, get_notifier
from perinatal.kernel.refusals import WHOLE_FORM, Refused
from perinatal.organisations.models import Organisation

#: docs/rules/accounts.md §6: at most this many requests an hour from one network address (a
#: hospital's staff may share one, and a new trust's staff may all ask on the same morning).
REQUESTS_PER_NETWORK_ADDRESS = 20
THROTTLE = Throttle(
    purpose=ThrottledRequest.ACCESS_REQUEST, per_address=None, per_network_address=REQUESTS_PER_NETWORK_ADDRESS
)
TOO_MANY_REQUESTS = (
    "Too many requests for access have been sent from your network in the last hour. Wait 1 hour, then try again"
)


class AccessRequestRefused(Refused):
    """A request for access that cannot be made, naming the field it concerns."""


class TooManyAccessRequests(AccessRequestRefused):
    """Too many requests from one network address: wait an hour."""


@dataclass(frozen=True)
class AlreadyRequested:
    """The same person has already asked this trust for access, and is waiting (docs/rules/accounts.md §6)."""

    access_request: AccessRequest


@transaction.atomic
def request_access(
    *,
    full_name: str,
    email: str,
    job_title: str,
    trust: Organisation,
    role: Role,
    reason: str,
    ip_address: str | None = None,
    request=None,
) -> AccessRequest | AlreadyRequested:
    """Record a request and tell the trust's local authorisers; a second request from the same
    address to the same trust while the first waits is not stored again (the first is returned).
    Raises :class:`TooManyAccessRequests`, storing nothing, over the network address's limit."""
    if not THROTTLE.allow(ip_address=ip_address):
        raise TooManyAccessRequests(WHOLE_FORM, TOO_MANY_REQUESTS)
    today = clock.today()
    if not trust.is_open_on(today):
        raise AccessRequestRefused(
            "trust",
            f"{trust.display_name} ({trust.code}) closed on {long_date(trust.closed_on)}. "
            "Ask for access to the trust that took over its services.",
        )
    if role not in REQUESTABLE_ROLES:
        raise AccessRequestRefused("role", "Choose a role you can ask a trust for")
    email = email.strip().lower()
    if is_personal_email(email):
        raise AccessRequestRefused("email", personal_email_message())
    waiting = (
        AccessRequest.objects.filter(trust=trust, email=email, status=AccessRequest.Status.PENDING)
        .order_by("created_at")
        .first()
    )
    if waiting is not None:
        return AlreadyRequested(waiting)
    access_request = AccessRequest.objects.create(
        full_name=full_name.strip(),
        email=email,
        job_title=job_title.strip(),
        trust=trust,
        role=role.value,
        reason=reason.strip(),
        created_at=clock.now(),
    )
    audit.record(
        action=audit.Action.CREATE,
        obj=access_request,
        organisation=trust,
        summary=f"Access request {access_request.pk} made for {role.label}",
        request=request,
    )
    holder = User.objects.filter(email=email, is_active=True).first()
    if (
        holder is not None
        and Membership.objects.active().filter(user=holder, organisation=trust, role=role.value).exists()
    ):
        # They already hold this access. The page looks the same as for anyone else (it would
        # otherwise tell a stranger who works where); the person is told by email instead.
        subject, body = emails.access_already_held(trust_name=trust.display_name)
        email_person_after_commit(
            user=holder, subject=subject, body=body, reference=f"access-request-{access_request.pk}"
        )
    _notify_authorisers(trust, access_request)
    return access_request


#: One email to a trust's authorisers covers every request made within this time: the form is
#: open to anyone, and ten requests in a second must not send ten emails (issue 13).
AUTHORISER_NOTICE_QUIET = timedelta(minutes=15)


def _notify_authorisers(trust: Organisation, access_request: AccessRequest) -> None:
    # The check and the mark are one step: the trust's row is locked until this transaction
    # ends, so a request made at the same moment waits, then sees this one's mark (issue 13).
    # FOR NO KEY UPDATE, so that rows referring to the trust can still be written meanwhile.
    Organisation.objects.select_for_update(no_key=True).filter(pk=trust.pk).values_list("pk").first()
    since = access_request.created_at - AUTHORISER_NOTICE_QUIET
    if AccessRequest.objects.filter(trust=trust, authorisers_told_at__gte=since).exists():
        return  # the email sent for an earlier request in the last 15 minutes covers this one
    emails_ = tuple(
        Membership.objects.active()
        .filter(organisation=trust, role=Role.LOCAL_AUTHORISER.value, user__is_active=True)
        .values_list("user__email", flat=True)
    )
    if not emails_:
        return
    message = Message(
        recipients=emails_,
        subject=f"New access request for {trust.display_name}",
        body=(
            f"Someone has asked for access to the {settings.SERVICE_NAME} at {trust.display_name}.\n"
            f"Sign in to review access request {access_request.pk}, and any others waiting: "
            "requests made in the next 15 minutes are not emailed separately."
        ),
        reference=f"access-request-{access_request.pk}",
    )
    access_request.authorisers_told_at = access_request.created_at
    access_request.save(update_fields=["authorisers_told_at"])
    transaction.on_commit(lambda: _send_quietly(message))


def _send_quietly(message: Message) -> None:
    try:
        get_notifier().send(message)
    except NotifierError:
        pass  # the request waits on the authoriser's access requests page either way


@transaction.atomic
def decide_access_request(
    *, access_request: AccessRequest, approve: bool, reason: str, decided_by: User, request=None
) -> AccessRequestDecision:
    access_request = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    if access_request.status != AccessRequest.Status.PENDING:
        raise AccessRequestRefused("decision", "This request has already been decided")
    if not approve and not reason.strip():
        raise AccessRequestRefused("reason", "Enter why you are rejecting this request")
    status = AccessRequest.Status.APPROVED if approve else AccessRequest.Status.REJECTED
    decision = AccessRequestDecision.objects.create(
        access_request=access_request,
        status=status,
        reason=reason.strip(),
        decided_by=decided_by,
        decided_at=clock.now(),
    )
    access_request.status = status
    access_request.save(update_fields=["status"])
    audit.record(
        action=audit.Action.DECIDE,
        obj=access_request,
        organisation=access_request.trust,
        summary=f"Access request {access_request.pk} {status}",
        request=request,
        actor=decided_by,
    )
    if approve:
        user, _created = get_or_create_user(email=access_request.email, full_name=access_request.full_name)
        grant_membership(
            user=user, organisation=access_request.trust, role=Role(access_request.role), granted_by=decided_by
        )
        # docs/rules/accounts.md §1: the approved person is invited (a set-up link), or told.
        invite(user=user, trust=access_request.trust, invited_by=decided_by)
    else:
        message = Message(
            recipients=(access_request.email,),
            subject=f"Your request for access to {access_request.trust.display_name}",
            body=(
                f"Your request for access to the {settings.SERVICE_NAME} at {access_request.trust.display_name} "
                f"was not approved.\n\nReason: {decision.reason}\n\n"
                "Contact your Head of Midwifery if you have questions."
            ),
            reference=f"access-request-{access_request.pk}",
        )
        transaction.on_commit(lambda: _send_quietly(message))
    return decision

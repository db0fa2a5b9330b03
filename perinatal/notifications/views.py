"""Pages: the trust's notifications and their status, answers to the bodies' questions; each
national body's inbox; API tokens for the system admin. (Amending and withdrawing are in
`amending.views`, held submissions in `held_views`.)

Every page reads through the user's scope; every view of an identifiable notification is
audited (by reference, never by its contents).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from perinatal.accounts.permissions import require_role
from perinatal.accounts.roles import Role
from perinatal.accounts.scoping import (
    AMEND_NOTIFICATIONS,
    MANAGE_API_TOKENS,
    READ_NOTIFICATIONS,
    SEE_NOTIFICATION_IDENTIFIERS,
    scope_for,
)
from perinatal.core import audit, clock
from perinatal.core.exports import FORMAT_CSV, download_response
from perinatal.notifications import exports, presenters, selectors
from perinatal.notifications.filters import (
    INBOX_SORTS,
    INBOX_STATUSES,
    LIST_SORTS,
    TRUST_STATUSES,
    NotificationFilterForm,
)
from perinatal.notifications.forms import AcknowledgeForm, AnswerForm, ApiTokenForm, QuestionForm
from perinatal.notifications.models import ApiToken, Delivery, InformationRequest, body_name
from perinatal.notifications.routing import Body
from perinatal.notifications.services.acknowledgement import acknowledge_delivery
from perinatal.notifications.services.api_tokens import issue_api_token, revoke_api_token
from perinatal.notifications.services.information_requests import answer_information_request, request_information
from perinatal.notifications.services.outbox import retry_delivery
from perinatal.notifications.services.refusals import InvalidInput


def _can_amend(scope, notification) -> bool:
    return scope.has_role(*AMEND_NOTIFICATIONS) and scope.can_read_trust(notification.trust, AMEND_NOTIFICATIONS)


# The trust's notifications -----------------------------------------------------------------------


def _filter_form(
    request, *, statuses: dict[str, str], nhs_number_search: bool, sorts: dict[str, str] = LIST_SORTS
) -> NotificationFilterForm:
    return NotificationFilterForm(
        request.GET if request.GET else None, statuses=statuses, nhs_number_search=nhs_number_search, sorts=sorts
    )


@require_role(*READ_NOTIFICATIONS)
def notification_list(request):
    scope = scope_for(request)
    today = clock.today()
    form = _filter_form(
        request, statuses=TRUST_STATUSES, nhs_number_search=scope.has_role(*SEE_NOTIFICATION_IDENTIFIERS)
    )
    wanted = form.value()
    queryset = selectors.filter_notifications(scope, selectors.notifications_for(scope), wanted, today=today)
    page = Paginator(selectors.notification_list(queryset, today=today, sort=wanted.sort), 50).get_page(
        request.GET.get("page")
    )
    audit.record(
        action=audit.Action.VIEW,
        object_type="notifications.Notification",
        request=request,
        organisation=scope.primary_organisation,
        # Never the NHS number searched for: the audit trail holds no identifiers.
        summary="Searched the list of notifications" if wanted.is_active else "Viewed the list of notifications",
    )
    return render(
        request,
        "notifications/list.jinja",
        {
            "page_title": "Notifications",
            "page": page,
            "rows": [presenters.list_row(notification) for notification in page],
            "form": form,
            "filter": wanted,
            "questions": list(selectors.open_questions_for(scope)[:50]),
            "can_answer": scope.has_role(*AMEND_NOTIFICATIONS),
        },
    )


@require_role(*READ_NOTIFICATIONS)
def notification_detail(request, reference: str):
    scope = scope_for(request)
    notification = selectors.get_notification(scope, reference)
    identifiers = scope.can_read_trust(notification.trust, SEE_NOTIFICATION_IDENTIFIERS)
    status = presenters.notification_status(notification, identifiers=identifiers)
    audit.record(
        action=audit.Action.VIEW,
        obj=notification,
        organisation=notification.trust,
        request=request,
        summary=f"Viewed notification {notification.reference}",
    )
    can_amend = _can_amend(scope, notification)
    return render(
        request,
        "notifications/detail.jinja",
        {
            "page_title": f"Notification {notification.reference}",
            "status": status,
            "notification": notification,
            "event": presenters.event_type_text(
                notification.current_version.document if notification.current_version else {},
                [d["category"] for d in status.routing.get("destinations", [])],
            ),
            "identifiers_hidden": not identifiers,
            "can_amend": can_amend,
            "can_retry": can_amend and scope.has_role(Role.LOCAL_AUTHORISER),
            "back_link": {"href": reverse("notifications:list"), "text": "All notifications"},
        },
    )


@require_role(*AMEND_NOTIFICATIONS)
@require_http_methods(["GET", "POST"])
def answer(request, reference: str, request_id: int):
    scope = scope_for(request)
    notification = selectors.get_notification(scope, reference, purpose=AMEND_NOTIFICATIONS)
    question = InformationRequest.objects.filter(notification=notification, pk=request_id).first()
    if question is None:
        raise Http404("No such question")
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            answer_information_request(
                information_request=question, answer=form.cleaned_data["answer"], user=request.user, request=request
            )
        except InvalidInput as invalid:
            form.add_error("answer", invalid.message)
        else:
            messages.success(request, f"Answer sent to {question.body_name}")
            return redirect("notifications:detail", reference=notification.reference)
    audit.record(
        action=audit.Action.VIEW,
        obj=question,
        organisation=notification.trust,
        request=request,
        summary=f"Opened {question.body_name}'s question about {notification.reference}",
    )
    return render(
        request,
        "notifications/answer.jinja",
        {
            "page_title": f"Answer {question.body_name}'s question",
            "form": form,
            "question": question,
            "notification": notification,
            "back_link": {"href": reverse("notifications:detail", args=[notification.reference]), "text": "Back"},
        },
    )


@require_role(Role.LOCAL_AUTHORISER)
@require_POST
def retry(request, reference: str, delivery_id: int):
    scope = scope_for(request)
    notification = selectors.get_notification(scope, reference, purpose=AMEND_NOTIFICATIONS)
    delivery = Delivery.objects.filter(notification=notification, pk=delivery_id).first()
    if delivery is None:
        raise Http404("No such delivery")
    try:
        retry_delivery(delivery=delivery, user=request.user, request=request)
    except InvalidInput as invalid:
        messages.error(request, invalid.message)
    else:
        messages.success(request, f"Delivery to {delivery.body_name} queued again")
    return redirect("notifications:detail", reference=notification.reference)


# The national inbox ------------------------------------------------------------------------------------


INBOX_ROWS = 200


def _inbox_bodies(scope) -> list[str]:
    return [body for body in sorted(scope.body_codes()) if body in {str(b) for b in Body}]


@require_role(Role.NATIONAL_REVIEWER)
def inbox(request):
    scope = scope_for(request)
    today = clock.today()
    # Every body receives the mother's and the baby's NHS numbers (routing.field_sets), so its
    # reviewers may find a notification by them (docs/adr/0021-who-sees-identifiers.md).
    form = _filter_form(request, statuses=INBOX_STATUSES, nhs_number_search=True, sorts=INBOX_SORTS)
    wanted = form.value()
    sections = []
    for body in _inbox_bodies(scope):
        matching = selectors.filter_inbox(selectors.inbox_for(scope, body), body, wanted, today=today)
        notifications = list(matching[: INBOX_ROWS + 1])
        sections.append(
            {
                "body": body,
                "name": body_name(body),
                "rows": [presenters.inbox_row(n, body=body) for n in notifications[:INBOX_ROWS]],
                "more": len(notifications) > INBOX_ROWS,
                "download": reverse("notifications:inbox_download", args=[body]) + form.query_string(),
            }
        )
    audit.record(
        action=audit.Action.VIEW,
        object_type="notifications.Notification",
        request=request,
        organisation=scope.primary_organisation,
        summary="Searched the national inbox" if wanted.is_active else "Viewed the national inbox",
    )
    return render(
        request,
        "notifications/inbox.jinja",
        {"page_title": "Inbox", "sections": sections, "form": form, "filter": wanted, "rows_shown": INBOX_ROWS},
    )


@require_role(Role.NATIONAL_REVIEWER)
def inbox_download(request, body: str):
    """The body's inbox as the filters show it, as CSV with a column dictionary (exports.py)."""
    scope = scope_for(request)
    form = _filter_form(request, statuses=INBOX_STATUSES, nhs_number_search=True, sorts=INBOX_SORTS)
    if form.is_bound and not form.is_valid():
        return redirect(reverse("notifications:inbox") + form.query_string())
    today = clock.today()
    matching = selectors.filter_inbox(selectors.inbox_for(scope, body), body, form.value(), today=today)
    table = exports.inbox_table([presenters.inbox_row(n, body=body) for n in matching], body=body, today=today)
    audit.record(
        action=audit.Action.VIEW,
        object_type="notifications.Notification",
        request=request,
        organisation=scope.primary_organisation,
        summary=f"Downloaded {body_name(body)}'s inbox ({len(table.rows)} notifications)",
    )
    return download_response(table, FORMAT_CSV)


@require_role(Role.NATIONAL_REVIEWER)
@require_http_methods(["GET", "POST"])
def inbox_detail(request, body: str, reference: str):
    scope = scope_for(request)
    notification = selectors.inbox_notification(scope, body, reference, today=clock.today())
    row = presenters.inbox_row(notification, body=body)
    withdrawn = row.case is not None and not row.case.routed
    acknowledge_form = AcknowledgeForm(
        request.POST if request.POST.get("action") == "acknowledge" else None, prefix="ack", body_name=body_name(body)
    )
    question_form = QuestionForm(request.POST if request.POST.get("action") == "ask" else None, prefix="ask")
    if request.method == "POST" and withdrawn:
        # Nothing is asked of a body about a notification withdrawn from it.
        messages.info(request, f"Notification {notification.reference} was withdrawn: nothing more is needed")
        return redirect("notifications:inbox_detail", body=body, reference=notification.reference)
    if request.method == "POST":
        if request.POST.get("action") == "acknowledge" and acknowledge_form.is_valid():
            acknowledge_delivery(
                notification=notification,
                body=body,
                user=request.user,
                request=request,
                reference=acknowledge_form.cleaned_data["reference"],
            )
            previous = row.case.body_reference if row.case and row.case.acknowledged_at else None
            new = acknowledge_form.cleaned_data["reference"]
            if previous is None:
                messages.success(request, f"Notification {notification.reference} acknowledged")
            elif previous == new:
                messages.info(request, f"Already acknowledged with reference {new}: nothing has changed")
            else:
                messages.success(request, f"Your reference changed from {previous} to {new}. The trust has been told")
            return redirect("notifications:inbox_detail", body=body, reference=notification.reference)
        if request.POST.get("action") == "ask" and question_form.is_valid():
            request_information(
                notification=notification,
                body=body,
                user=request.user,
                request=request,
                question=question_form.cleaned_data["question"],
            )
            messages.success(request, f"Question sent to {notification.trust.display_name}")
            return redirect("notifications:inbox_detail", body=body, reference=notification.reference)
    latest = selectors.latest_delivered(notification, body)
    payload = latest.payload if latest else {}
    received_document = payload.get("notification") or {}
    messages_received = selectors.delivered_to(notification, body)
    case = notification.body_cases.filter(body=body).first()
    mnsi_case = (
        notification.body_cases.filter(body=str(Body.MNSI)).exclude(body_reference="").first()
        if body == str(Body.NHSR_EN)
        else None
    )
    audit.record(
        action=audit.Action.VIEW,
        obj=notification,
        organisation=notification.trust,
        request=request,
        summary=f"{body_name(body)} reviewer viewed notification {notification.reference}",
    )
    withdrawal = (
        messages_received[-1].payload
        if messages_received and messages_received[-1].kind == Delivery.Kind.WITHDRAW
        else None
    )
    return render(
        request,
        "notifications/inbox_detail.jinja",
        {
            "page_title": f"{body_name(body)}: notification {notification.reference}",
            "notification": notification,
            "body": body,
            "body_name": body_name(body),
            "payload": payload,
            "facts": presenters.document_facts(
                received_document,
                site_names=selectors.site_names(presenters.site_codes(received_document)),
                categories=[payload["category"]] if payload.get("category") else [],
            ),
            "category": presenters.category_label(payload.get("category")),
            "flags": [presenters.flag_label(f) for f in payload.get("flags") or []],
            "received": messages_received,
            "case": case,
            "row": row,
            "withdrawn": withdrawn or withdrawal is not None,
            "withdrawal": withdrawal,
            "mnsi_reference": (payload.get("mnsi_reference") or (mnsi_case.body_reference if mnsi_case else None)),
            "questions": selectors.information_requests_of(notification, body=body),
            "acknowledge_form": acknowledge_form,
            "question_form": question_form,
            "form": acknowledge_form if acknowledge_form.errors else question_form,
            "back_link": {"href": reverse("notifications:inbox"), "text": "Inbox"},
        },
    )


# API tokens --------------------------------------------------------------------------------------------


@require_role(*MANAGE_API_TOKENS)
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plaintext, token = issue_api_token(
                trust=form.cleaned_data["trust_code"],
                name=form.cleaned_data["name"],
                user=request.user,
                request=request,
            )
        except InvalidInput as invalid:
            form.add_error("name", invalid.message)
        else:
            # Shown once, on this response only: never stored or put in the session.
            response = render(
                request,
                "notifications/api_token_issued.jinja",
                {
                    "page_title": "API token issued",
                    "plaintext": plaintext,
                    "token": token,
                    "back_link": {"href": reverse("notifications:api_tokens"), "text": "API tokens"},
                },
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "notifications/api_tokens.jinja",
        {
            "page_title": "API tokens",
            "form": form,
            "tokens": list(selectors.api_tokens()[:500]),
        },
    )


@require_role(*MANAGE_API_TOKENS)
@require_POST
def revoke_token(request, token_id: int):
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        raise Http404("No such token")
    if not scope_for(request).has_role(*MANAGE_API_TOKENS):
        raise PermissionDenied
    revoke_api_token(token=token, user=request.user, request=request)
    messages.success(request, f"API token {token.prefix}… for {token.trust.code} revoked")
    return redirect("notifications:api_tokens")

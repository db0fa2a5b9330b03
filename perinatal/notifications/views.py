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
from perinatal.accounts.scoping import AMEND_NOTIFICATIONS, MANAGE_API_TOKENS, READ_NOTIFICATIONS, scope_for
from perinatal.core import audit
from perinatal.notifications import presenters, selectors
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


@require_role(*READ_NOTIFICATIONS)
def notification_list(request):
    scope = scope_for(request)
    queryset = selectors.notifications_for(scope).prefetch_related("deliveries", "body_cases")
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    audit.record(
        action=audit.Action.VIEW,
        object_type="notifications.Notification",
        request=request,
        organisation=scope.primary_organisation,
        summary="Viewed the list of notifications",
    )
    rows = []
    for notification in page:
        routed = {
            d["body"]
            for d in (
                notification.current_version.routing.get("destinations", []) if notification.current_version else []
            )
        }
        latest = {}
        for delivery in sorted(notification.deliveries.all(), key=lambda d: d.pk):
            latest[delivery.body] = delivery
        rows.append(
            {
                "notification": notification,
                "bodies": [
                    (body_name(b), presenters.delivery_status_label(latest[b]) if b in latest else "Not sent")
                    for b in (str(x) for x in Body if str(x) in routed)
                ],
            }
        )
    return render(
        request,
        "notifications/list.jinja",
        {
            "page_title": "Notifications",
            "page": page,
            "rows": rows,
        },
    )


@require_role(*READ_NOTIFICATIONS)
def notification_detail(request, reference: str):
    scope = scope_for(request)
    notification = selectors.get_notification(scope, reference)
    status = presenters.notification_status(notification)
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


@require_role(Role.NATIONAL_REVIEWER)
def inbox(request):
    scope = scope_for(request)
    sections = []
    for body in sorted(scope.body_codes()):
        if body not in {str(b) for b in Body}:
            continue
        notifications = list(selectors.inbox_for(scope, body)[:200])
        sections.append({"body": body, "name": body_name(body), "notifications": notifications})
    audit.record(
        action=audit.Action.VIEW,
        object_type="notifications.Notification",
        request=request,
        organisation=scope.primary_organisation,
        summary="Viewed the national inbox",
    )
    return render(request, "notifications/inbox.jinja", {"page_title": "Inbox", "sections": sections})


@require_role(Role.NATIONAL_REVIEWER)
@require_http_methods(["GET", "POST"])
def inbox_detail(request, body: str, reference: str):
    scope = scope_for(request)
    notification = selectors.inbox_notification(scope, body, reference)
    acknowledge_form = AcknowledgeForm(
        request.POST if request.POST.get("action") == "acknowledge" else None, prefix="ack"
    )
    question_form = QuestionForm(request.POST if request.POST.get("action") == "ask" else None, prefix="ask")
    if request.method == "POST":
        if request.POST.get("action") == "acknowledge" and acknowledge_form.is_valid():
            acknowledge_delivery(
                notification=notification,
                body=body,
                user=request.user,
                request=request,
                reference=acknowledge_form.cleaned_data["reference"],
            )
            messages.success(request, f"Notification {notification.reference} acknowledged")
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
    withdrawn = bool(messages_received) and messages_received[-1].kind == Delivery.Kind.WITHDRAW
    return render(
        request,
        "notifications/inbox_detail.jinja",
        {
            "page_title": f"{body_name(body)}: notification {notification.reference}",
            "notification": notification,
            "body": body,
            "body_name": body_name(body),
            "payload": payload,
            "facts": presenters.document_facts(payload.get("notification") or {}),
            "category": presenters.category_label(payload.get("category")),
            "flags": [presenters.flag_label(f) for f in payload.get("flags") or []],
            "received": messages_received,
            "case": case,
            "withdrawn": withdrawn,
            "withdrawal": messages_received[-1].payload if withdrawn else None,
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

"""Pages: the trust's submissions held as possible duplicates, and its decision on each
(docs/rules/routing.md §7.2): confirm it is a different event (it is then delivered) or
discard it (recorded, delivered to nobody). Reporters and the local authoriser decide.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from perinatal.accounts.permissions import require_role
from perinatal.accounts.scoping import AMEND_NOTIFICATIONS, scope_for
from perinatal.core import audit
from perinatal.notifications import presenters, selectors
from perinatal.notifications.forms import HeldDecisionForm
from perinatal.notifications.services.held import confirm_distinct, discard_held
from perinatal.notifications.services.refusals import InvalidInput


@require_role(*AMEND_NOTIFICATIONS)
def held_list(request):
    scope = scope_for(request)
    held = list(selectors.held_for(scope).order_by("created_at", "id")[:500])
    audit.record(
        action=audit.Action.VIEW,
        object_type="notifications.Notification",
        request=request,
        organisation=scope.primary_organisation,
        summary="Viewed the submissions held as possible duplicates",
    )
    return render(
        request,
        "notifications/held.jinja",
        {
            "page_title": "Held: possible duplicates",
            "held": held,
            "back_link": {"href": reverse("notifications:list"), "text": "All notifications"},
        },
    )


@require_role(*AMEND_NOTIFICATIONS)
@require_http_methods(["GET", "POST"])
def held_decision(request, reference: str):
    scope = scope_for(request)
    notification = selectors.get_notification(scope, reference, purpose=AMEND_NOTIFICATIONS)
    if not notification.is_held:
        messages.info(
            request, f"Notification {notification.reference} is not held: it is {notification.get_state_display()}"
        )
        return redirect("notifications:detail", reference=notification.reference)
    form = HeldDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = confirm_distinct if form.cleaned_data["decision"] == HeldDecisionForm.DISTINCT else discard_held
        try:
            decided = decide(
                notification=notification, reason=form.cleaned_data["reason"], user=request.user, request=request
            )
        except InvalidInput as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            done = "sent to the national bodies that need it" if decide is confirm_distinct else "discarded"
            messages.success(request, f"Notification {decided.reference} {done}")
            return redirect("notifications:detail", reference=decided.reference)
    others = selectors.same_trust_notifications(notification, list(notification.possible_duplicate_of))
    audit.record(
        action=audit.Action.VIEW,
        obj=notification,
        organisation=notification.trust,
        request=request,
        summary=f"Opened held notification {notification.reference} to decide on it",
    )
    return render(
        request,
        "notifications/held_decision.jinja",
        {
            "page_title": f"Is {notification.reference} a different event?",
            "notification": notification,
            "comparison": presenters.duplicate_comparison(notification, others),
            "form": form,
            "back_link": {"href": reverse("notifications:held_list"), "text": "Held: possible duplicates"},
        },
    )

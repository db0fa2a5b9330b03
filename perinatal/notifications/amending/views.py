"""Pages: amending a notification through the journey's own question pages, "where this will
now go and why" before sending it with a reason, and withdrawing a notification made in error
(docs/rules/routing.md §8–§10).

The amendment is saved on every page (`AmendmentDraft`, one per person and notification) and
sent only from the preview. Reporters and the local authoriser of the notification's trust
amend and withdraw; every view of the answers is audited by reference.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from perinatal.accounts.permissions import require_role
from perinatal.accounts.scoping import AMEND_NOTIFICATIONS, scope_for
from perinatal.core import audit
from perinatal.core.formatting import date_and_time
from perinatal.kernel.london_time import parse_timestamp
from perinatal.notifications import selectors
from perinatal.notifications.amending import presenters
from perinatal.notifications.amending.answers import BABY_CHOICES, changed_fields
from perinatal.notifications.forms import AmendmentReasonForm, WithdrawForm
from perinatal.notifications.journey import presenters as journey_presenters
from perinatal.notifications.journey import steps
from perinatal.notifications.journey.context import form_context, site_names
from perinatal.notifications.journey.forms import FORMS
from perinatal.notifications.models import AmendmentDraft, Notification
from perinatal.notifications.routing import DocumentInvalid, due_dates, route
from perinatal.notifications.services.amendment_drafts import (
    MOVED_ON_KEY,
    discard_amendment,
    document_of,
    open_amendment,
    save_amendment_answers,
    send_amendment,
)
from perinatal.notifications.services.documents import parse
from perinatal.notifications.services.refusals import InvalidInput, VersionConflict
from perinatal.notifications.services.withdrawal import withdraw_notification


def _notification(request, reference: str) -> Notification:
    return selectors.get_notification(scope_for(request), reference, purpose=AMEND_NOTIFICATIONS)


def _not_amendable(request, notification: Notification):
    """The status page, with the reason, for a notification that cannot change."""
    messages.info(
        request,
        f"Notification {notification.reference} is {notification.get_state_display().lower()}: "
        "it cannot be amended or withdrawn",
    )
    return redirect("notifications:detail", reference=notification.reference)


def _audit(request, notification: Notification, what: str) -> None:
    audit.record(
        action=audit.Action.VIEW,
        obj=notification,
        organisation=notification.trust,
        request=request,
        summary=f"{what} notification {notification.reference}",
    )


def _validate(draft: AmendmentDraft) -> tuple[dict, object | None, tuple]:
    document = document_of(draft)
    try:
        return document, parse(document), ()
    except DocumentInvalid as invalid:
        return document, None, invalid.errors


def _moved_on(answers) -> dict | None:
    note = steps.journey_of(answers).get(MOVED_ON_KEY)
    if not note:
        return None
    return {
        **note,
        "at_text": date_and_time(parse_timestamp(note["at"])),
        "both_changed_labels": presenters.labels_of(note.get("both_changed") or []),
    }


def _question_url(notification: Notification, slug: str | None) -> str:
    if slug is None:
        return reverse("notifications:amend", args=[notification.reference])
    return reverse("notifications:amend_question", args=[notification.reference, slug])


# The amendment: every answer, with Change links ------------------------------------------------


@require_role(*AMEND_NOTIFICATIONS)
def amend(request, reference: str):
    notification = _notification(request, reference)
    if notification.state != Notification.State.SUBMITTED:
        return _not_amendable(request, notification)
    draft = open_amendment(notification=notification, user=request.user)
    answers = draft.answers
    current = notification.current_version
    document, _parsed, errors = _validate(draft)
    names = site_names(answers) | site_names(current.document)
    rows = journey_presenters.answer_rows(answers, site_names=names, errors=errors)
    changed = presenters.changes(current.document, document, site_names=names)
    changed_slugs = presenters.changed_slugs(answers, changed_fields(current.document, document))
    # A changed answer can make the event need a page it did not (the journey's own rules).
    unanswered = set(steps.slugs(steps.steps_for(answers))) - steps.answered_steps(answers)
    moved_on = _moved_on(answers)
    both = presenters.changed_slugs(answers, moved_on["both_changed"]) if moved_on else frozenset()
    _audit(request, notification, "Opened to amend")
    return render(
        request,
        "notifications/amend.jinja",
        {
            "page_title": f"Amend notification {notification.reference}",
            "notification": notification,
            "draft": draft,
            "rows": [
                {
                    "row": row,
                    "changed": row.slug in changed_slugs,
                    "both": row.slug in both,
                    "unanswered": row.slug in unanswered,
                }
                for row in rows
            ],
            "unanswered": bool(unanswered),
            "errors": list(errors),
            "unplaced": journey_presenters.unplaced_errors(answers, errors),
            "error_rows": [row for row in rows if row.errors],
            "changed": changed,
            "moved_on": moved_on,
            "can_change_what_happened": notification.event == Notification.Event.BABY,
            "back_link": {"href": reverse("notifications:detail", args=[notification.reference]), "text": "Back"},
        },
    )


@require_role(*AMEND_NOTIFICATIONS)
@require_POST
def start_again(request, reference: str):
    notification = _notification(request, reference)
    draft = selectors.amendment_draft_of(notification, request.user)
    if draft is not None:
        discard_amendment(draft=draft)
    messages.success(request, "Your changes have been cleared")
    return redirect("notifications:amend", reference=notification.reference)


# The question pages of the journey ---------------------------------------------------------------


@require_role(*AMEND_NOTIFICATIONS)
@require_http_methods(["GET", "POST"])
def question(request, reference: str, slug: str):
    notification = _notification(request, reference)
    if notification.state != Notification.State.SUBMITTED:
        return _not_amendable(request, notification)
    if slug not in steps.STEPS_BY_SLUG:
        raise Http404("No such question")
    draft = open_amendment(notification=notification, user=request.user)
    answers = draft.answers
    if slug not in steps.slugs(steps.steps_for(answers)) or (
        slug == steps.WHAT_HAPPENED.slug and notification.event != Notification.Event.BABY
    ):
        return redirect("notifications:amend", reference=notification.reference)
    form_class = FORMS[slug]
    context = form_context(notification.trust)
    form = form_class(request.POST if request.method == "POST" else None, answers=answers, context=context)
    if slug == steps.WHAT_HAPPENED.slug:
        # The type of event never changes in an amendment: only the baby's starting points.
        allowed = {str(choice) for choice in BABY_CHOICES}
        form.fields["what_happened"].choices = [c for c in form.fields["what_happened"].choices if c[0] in allowed]
    if request.method == "POST" and form.is_valid():
        if slug == steps.WHAT_HAPPENED.slug:
            new_answers = steps.record_what_happened(answers, form.choice)
        else:
            new_answers = steps.record_answer(answers, slug=slug, values=form.values())
        save_amendment_answers(draft=draft, answers=new_answers)
        # Back to the amendment, unless the new answer needs a page not yet answered.
        return redirect(_question_url(notification, steps.next_slug(new_answers, slug, changing=True)))
    if request.method == "GET":
        _audit(request, notification, f"Opened a question ({slug}) to amend")
    text = journey_presenters.question_for(slug, answers)
    return render(
        request,
        f"notifications/journey/pages/{text.template}.jinja",
        {
            "page_title": text.text,
            "question": text,
            "form": form,
            "slug": slug,
            "changing": False,
            "amending": True,
            "caption": f"Amend notification {notification.reference}",
            "back_link": {"href": _question_url(notification, None)},
            "trust": notification.trust,
        },
    )


# Where this will now go and why, and sending ---------------------------------------------------


@require_role(*AMEND_NOTIFICATIONS)
@require_http_methods(["GET", "POST"])
def preview(request, reference: str):
    notification = _notification(request, reference)
    if notification.state != Notification.State.SUBMITTED:
        return _not_amendable(request, notification)
    draft = open_amendment(notification=notification, user=request.user)
    current = notification.current_version
    document, parsed, errors = _validate(draft)
    amend_url = reverse("notifications:amend", args=[notification.reference])
    if errors or steps.first_unanswered(draft.answers) is not None:
        return redirect(amend_url)
    names = site_names(draft.answers) | site_names(current.document)
    changed = presenters.changes(current.document, document, site_names=names)
    if not changed:
        messages.info(request, "You have not changed any answer yet")
        return redirect(amend_url)
    form = AmendmentReasonForm(request.POST or None, initial={"version": draft.base_version})
    if request.method == "POST" and form.is_valid():
        try:
            version = send_amendment(
                draft=draft,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                user=request.user,
                request=request,
            )
        except VersionConflict as conflict:
            messages.error(request, f"{conflict.message}. Your changes are kept: check them, then send again.")
            return redirect(amend_url)
        except DocumentInvalid as invalid:
            for error in invalid.errors:
                form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(
                request,
                f"Notification {notification.reference} amended: version {version.number} sent to the bodies "
                "that need it",
            )
            return redirect("notifications:detail", reference=notification.reference)
    result = route(parsed)
    bodies = presenters.routing_changes(current.routing, result, due_dates(document=parsed, result=result))
    after = journey_presenters.routing_view(result, due_dates(document=parsed, result=result))
    _audit(request, notification, "Previewed an amendment of")
    return render(
        request,
        "notifications/amend_preview.jinja",
        {
            "page_title": "Where this will now go and why",
            "notification": notification,
            "version": current,
            "changed": changed,
            "bodies": bodies,
            "summary": presenters.summary(bodies),
            "onward": after.onward,
            "advice": after.advice,
            "rules_version": result.rules_version,
            "form": form,
            "back_link": {"href": amend_url},
        },
    )


# Withdrawal ------------------------------------------------------------------------------------


@require_role(*AMEND_NOTIFICATIONS)
@require_http_methods(["GET", "POST"])
def withdraw(request, reference: str):
    notification = _notification(request, reference)
    if notification.state != Notification.State.SUBMITTED:
        return _not_amendable(request, notification)
    current = notification.current_version
    form = WithdrawForm(request.POST or None, initial={"version": current.number})
    if request.method == "POST" and form.is_valid():
        try:
            withdraw_notification(
                notification=notification,
                reason=form.cleaned_data["reason"],
                user=request.user,
                request=request,
                expected_version=form.cleaned_data["version"],
            )
        except VersionConflict as conflict:
            # Another version went out since the page was made: the bodies to tell may differ.
            notification.refresh_from_db()
            current = notification.current_version
            form = WithdrawForm(
                {"reason": form.cleaned_data["reason"], "version": current.number}, initial={"version": current.number}
            )
            form.is_valid()
            form.add_error(None, f"{conflict.message}. Check who will be told, then withdraw again.")
        except InvalidInput as refused:
            form.add_error("reason" if refused.field == "reason" else None, refused.message)
        else:
            messages.success(
                request,
                f"Notification {notification.reference} withdrawn: every national body that had it is being told",
            )
            return redirect("notifications:detail", reference=notification.reference)
    told = [case.body_name for case in selectors.cases_of(notification).values() if case.routed]
    if request.method == "GET":
        _audit(request, notification, "Opened to withdraw")
    return render(
        request,
        "notifications/withdraw.jinja",
        {
            "page_title": f"Withdraw notification {notification.reference}",
            "notification": notification,
            "told": told,
            "form": form,
            "back_link": {"href": reverse("notifications:detail", args=[notification.reference]), "text": "Back"},
        },
    )

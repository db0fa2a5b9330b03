"""The reporter's web journey (issue 3, items 3, 7 and 8): start or resume a draft, answer
the question pages the event needs, check the answers, see where the notification will go
and why, settle possible duplicates, submit, and see the confirmation.

Every page POST saves the draft on the server (`services.drafts.save_draft`) before moving on, so
a timeout or a closed tab loses nothing. Drafts are the signed-in person's own, for a trust
they report for: any other draft's URL is a 404. Views of a draft holding identifiers are
audited. A trust that is not live yet sees the onboarding gate instead of the journey.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from perinatal.accounts.permissions import require_role
from perinatal.accounts.roles import Role
from perinatal.accounts.scoping import SUBMIT_NOTIFICATIONS, scope_for
from perinatal.core import audit
from perinatal.notifications import selectors
from perinatal.notifications.journey import presenters, steps
from perinatal.notifications.journey.context import form_context, site_names
from perinatal.notifications.journey.forms import FORMS
from perinatal.notifications.models import Draft, Notification
from perinatal.notifications.routing import DocumentInvalid, due_dates, route
from perinatal.notifications.services.documents import parse
from perinatal.notifications.services.drafts import discard_draft, save_draft
from perinatal.notifications.services.duplicates import find_possible_duplicates
from perinatal.notifications.services.submission import NotYetLive, submit_notification
from perinatal.organisations.models import Organisation
from perinatal.organisations.selectors import onboarding_for

REPORTING_ROLES = (Role.REPORTER, Role.LOCAL_AUTHORISER)
CHECK = "check-answers"
STATUS_URL_NAME = "notifications:detail"
AMEND_URL_NAME = "notifications:amend"
WEB_DISTINCT_REASON = "The reporter confirmed on the web form that this is a different event"


# Shared pieces --------------------------------------------------------------------------------


def _reporting_trusts(request) -> list[Organisation]:
    return list(scope_for(request).trusts_for(SUBMIT_NOTIFICATIONS).order_by("name"))


def _draft_or_404(request, draft_id) -> Draft:
    """The person's own unsubmitted draft, for a trust they still report for; else 404."""
    scope = scope_for(request)
    draft = selectors.get_draft(scope, draft_id)
    if not scope.can_read_trust(draft.trust, SUBMIT_NOTIFICATIONS):
        raise Http404("No such draft")
    return draft


def _gate(request, trust: Organisation, *, status: int = 200) -> HttpResponse | None:
    """The onboarding gate (issue 3 item 8): None when the trust may submit now."""
    onboarding = onboarding_for(trust)
    if onboarding.is_live:
        return None
    return render(
        request,
        "notifications/journey/not_live.jinja",
        {
            "page_title": "Your trust cannot submit notifications yet",
            "onboarding": onboarding,
        },
        status=status,
    )


def _question_url(draft: Draft, slug: str | None, *, changing: bool = False) -> str:
    if slug is None:
        return reverse("journey:check", args=[draft.pk])
    url = reverse("journey:question", args=[draft.pk, slug])
    return f"{url}?{urlencode({'change': '1'})}" if changing else url


def _audit_view(request, draft: Draft, page: str) -> None:
    if presenters.is_identifiable(draft.answers or {}):
        audit.record(
            action=audit.Action.VIEW,
            obj=draft,
            organisation=draft.trust,
            request=request,
            summary=f"Viewed draft notification ({page})",
        )


def _validate(document: dict) -> tuple[object | None, tuple]:
    """(parsed document, ()) or (None, field errors)."""
    try:
        return parse(document), ()
    except DocumentInvalid as invalid:
        return None, invalid.errors


def _not_duplicates(answers) -> set[str]:
    return set(steps.journey_of(answers).get("not_duplicates") or ())


def _open_duplicates(draft: Draft, document: dict) -> list[Notification]:
    found = find_possible_duplicates(document=document, trust=draft.trust)
    settled = _not_duplicates(draft.answers)
    return [notification for notification in found if notification.reference not in settled]


# Start, drafts and the gate ------------------------------------------------------------------


@require_role(*REPORTING_ROLES)
@require_http_methods(["GET", "POST"])
def start(request):
    trusts = _reporting_trusts(request)
    if request.method == "POST":
        code = (request.POST.get("trust") or "").strip().upper()
        trust = next((t for t in trusts if t.code == code), None)
        if trust is None:
            raise PermissionDenied("You do not report for this trust")
        gate = _gate(request, trust, status=403)
        if gate is not None:
            return gate
        draft = save_draft(trust=trust, user=request.user, answers={}, step="what-happened", request=request)
        return redirect(_question_url(draft, "what-happened"))
    onboardings = [onboarding_for(trust) for trust in trusts]
    codes = [trust.code for trust in trusts]
    drafts = [presenters.draft_summary(draft) for draft in selectors.drafts_for(request).filter(trust__code__in=codes)]
    return render(
        request,
        "notifications/journey/start.jinja",
        {
            "page_title": "Notify a perinatal event",
            "live": [o for o in onboardings if o.is_live],
            "not_live": [o for o in onboardings if not o.is_live],
            "drafts": drafts,
        },
    )


@require_role(*REPORTING_ROLES)
def resume(request, draft_id):
    draft = _draft_or_404(request, draft_id)
    step = steps.first_unanswered(draft.answers or {})
    return redirect(_question_url(draft, step.slug if step else None))


@require_role(*REPORTING_ROLES)
@require_http_methods(["GET", "POST"])
def delete(request, draft_id):
    draft = _draft_or_404(request, draft_id)
    if request.method == "POST":
        discard_draft(draft=draft, user=request.user, request=request)
        messages.success(request, "Draft deleted")
        return redirect("journey:start")
    summary = presenters.draft_summary(draft)
    return render(
        request,
        "notifications/journey/delete.jinja",
        {
            "page_title": "Are you sure you want to delete this draft?",
            "draft": draft,
            "summary": summary,
            "back_link": {"href": reverse("journey:start")},
        },
    )


# Question pages ------------------------------------------------------------------------------


@require_role(*REPORTING_ROLES)
@require_http_methods(["GET", "POST"])
def question(request, draft_id, slug):
    draft = _draft_or_404(request, draft_id)
    gate = _gate(request, draft.trust, status=200 if request.method == "GET" else 403)
    if gate is not None:
        return gate
    if slug not in steps.STEPS_BY_SLUG:
        raise Http404("No such question")
    answers = draft.answers or {}
    needed = [step.slug for step in steps.steps_for(answers)]
    if slug not in needed:
        # Not a question this event needs (any more): go to the next one it does.
        upcoming = steps.first_unanswered(answers)
        return redirect(_question_url(draft, upcoming.slug if upcoming else None))
    changing = (request.GET.get("change") or request.POST.get("change")) == "1"
    form_class = FORMS[slug]
    context = form_context(draft.trust)
    if request.method == "POST":
        form = form_class(request.POST, answers=answers, context=context)
        if form.is_valid():
            if slug == "what-happened":
                new_answers = steps.record_what_happened(answers, form.choice)
            else:
                new_answers = steps.record_answer(answers, slug=slug, values=form.values())
            upcoming = steps.next_slug(new_answers, slug, changing=changing)
            save_draft(
                draft=draft,
                trust=draft.trust,
                user=request.user,
                answers=new_answers,
                step=upcoming or CHECK,
                request=request,
            )
            return redirect(_question_url(draft, upcoming, changing=changing and upcoming is not None))
    else:
        form = form_class(answers=answers, context=context)
        _audit_view(request, draft, slug)
    previous = steps.previous_slug(answers, slug)
    back = (
        reverse("journey:check", args=[draft.pk])
        if changing
        else _question_url(draft, previous)
        if previous
        else reverse("journey:start")
    )
    text = presenters.question_for(slug, answers)
    return render(
        request,
        f"notifications/journey/pages/{text.template}.jinja",
        {
            "page_title": text.text,
            "question": text,
            "form": form,
            "draft": draft,
            "slug": slug,
            "changing": changing,
            "back_link": {"href": back},
            "trust": draft.trust,
        },
    )


# Check your answers ---------------------------------------------------------------------------


@require_role(*REPORTING_ROLES)
def check(request, draft_id):
    draft = _draft_or_404(request, draft_id)
    gate = _gate(request, draft.trust)
    if gate is not None:
        return gate
    answers = draft.answers or {}
    upcoming = steps.first_unanswered(answers)
    if upcoming is not None:
        return redirect(_question_url(draft, upcoming.slug))
    _parsed, errors = _validate(steps.build_document(answers, trust=draft.trust.code))
    rows = presenters.answer_rows(answers, site_names=site_names(answers), errors=errors)
    _audit_view(request, draft, "check answers")
    last = steps.steps_for(answers)[-1].slug
    return render(
        request,
        "notifications/journey/check.jinja",
        {
            "page_title": "Check your answers",
            "draft": draft,
            "rows": rows,
            "errors": list(errors),
            "unplaced": presenters.unplaced_errors(answers, errors),
            "error_rows": [row for row in rows if row.errors],
            "back_link": {"href": _question_url(draft, last)},
        },
    )


def _complete_draft(request, draft_id):
    """The draft, its answers and its notification document, for the pages after "check your
    answers"; or the response instead (the onboarding gate, or back to check an incomplete one)."""
    draft = _draft_or_404(request, draft_id)
    gate = _gate(request, draft.trust, status=200 if request.method == "GET" else 403)
    if gate is not None:
        return gate
    answers = draft.answers or {}
    if not steps.is_complete(answers):
        return redirect("journey:check", draft.pk)
    return draft, answers, steps.build_document(answers, trust=draft.trust.code)


# Possible duplicates -------------------------------------------------------------------------


@require_role(*REPORTING_ROLES)
@require_http_methods(["GET", "POST"])
def duplicates(request, draft_id):
    ready = _complete_draft(request, draft_id)
    if isinstance(ready, HttpResponse):
        return ready
    draft, answers, document = ready
    found = _open_duplicates(draft, document)
    if not found:
        return redirect("journey:destinations", draft.pk)
    if request.method == "POST":
        journey = steps.journey_of(answers)
        journey["not_duplicates"] = sorted(_not_duplicates(answers) | {n.reference for n in found})
        save_draft(
            draft=draft,
            trust=draft.trust,
            user=request.user,
            answers={**answers, steps.JOURNEY_KEY: journey},
            step="where-this-will-go",
            request=request,
        )
        return redirect("journey:destinations", draft.pk)
    _audit_view(request, draft, "possible duplicates")
    rows = [presenters.duplicate_row(notification) for notification in found]
    return render(
        request,
        "notifications/journey/duplicates.jinja",
        {
            "page_title": "This may already have been notified",
            "draft": draft,
            "rows": rows,
            "maternal": document.get("event") == "maternal",
            "back_link": {"href": reverse("journey:check", args=[draft.pk])},
            "amend_url": _amend_url,
        },
    )


def _amend_url(reference: str) -> str:
    return reverse(AMEND_URL_NAME, args=[reference])


# Where this will go and why, and submitting ------------------------------------------------


@require_role(*REPORTING_ROLES)
@require_http_methods(["GET", "POST"])
def destinations(request, draft_id):
    ready = _complete_draft(request, draft_id)
    if isinstance(ready, HttpResponse):
        return ready
    draft, answers, document = ready
    parsed, errors = _validate(document)
    if errors:
        return redirect("journey:check", draft.pk)
    if _open_duplicates(draft, document):
        return redirect("journey:duplicates", draft.pk)
    if request.method == "POST":
        try:
            # The reporter said on the possible duplicates page that these are other events:
            # it is sent, and the bodies see the flag (docs/rules/routing.md §7.3, §7.4).
            settled = sorted(_not_duplicates(answers))
            submit_notification(
                document=document,
                trust=draft.trust,
                user=request.user,
                request=request,
                draft=draft,
                distinct_from=settled,
                distinct_because=WEB_DISTINCT_REASON if settled else "",
            )
        except DocumentInvalid:
            return redirect("journey:check", draft.pk)
        except NotYetLive:
            return _gate(request, draft.trust, status=403)
        return redirect("journey:submitted", draft.pk)
    result = route(parsed)
    view = presenters.routing_view(result, due_dates(document=parsed, result=result))
    _audit_view(request, draft, "where this will go")
    return render(
        request,
        "notifications/journey/destinations.jinja",
        {
            "page_title": "Where this notification will go and why",
            "draft": draft,
            "routing": view,
            "back_link": {"href": reverse("journey:check", args=[draft.pk])},
        },
    )


@require_role(*REPORTING_ROLES)
def submitted(request, draft_id):
    scope = scope_for(request)
    draft = scope.get_or_404(
        Draft.objects.filter(created_by=request.user, submitted__isnull=False).select_related(
            "submitted__current_version", "trust"
        ),
        purpose=SUBMIT_NOTIFICATIONS,
        pk=draft_id,
    )
    notification = draft.submitted
    version = notification.current_version
    return render(
        request,
        "notifications/journey/submitted.jinja",
        {
            "page_title": "Notification submitted",
            "notification": notification,
            "destinations": presenters.destinations_of(version.routing if version else None),
            "status_url": reverse(STATUS_URL_NAME, args=[notification.reference]),
        },
    )

"""The Improvement Support Team's pages: the case list, concerns and their triage, a case's page
and the forms that record each part of it (docs/rules/improvement.md §1).

Who may do what (`perinatal.accounts.scoping`): a case is read by its trust's local authoriser,
board and executives, its ICB and region, and the national team (`READ_IMPROVEMENT_CASES`); a
case someone may not read is "not found" (404), never "forbidden". The team and the region
change a case (`MANAGE_IMPROVEMENT_CASES`); the trust updates its plan's actions and answers
feedback (`UPDATE_IMPROVEMENT_ACTIONS`): a reader who may not make a change gets 403. Every
page of a case records the view in the audit trail.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from perinatal.accounts.scoping import (
    MANAGE_IMPROVEMENT_CASES,
    READ_IMPROVEMENT_CASES,
    UPDATE_IMPROVEMENT_ACTIONS,
    scope_for,
)
from perinatal.core import audit, clock
from perinatal.core.formatting import long_date
from perinatal.improvement import forms, presenters
from perinatal.improvement.clocks import clocks_of
from perinatal.improvement.models import (
    Case,
    Concern,
    ConcernType,
    Escalation,
    FeedbackItem,
    MeetingKind,
    PlanAction,
    diagnostic_domains,
)
from perinatal.improvement.selectors import cases as selectors
from perinatal.improvement.selectors.concerns import concerns_to_triage
from perinatal.improvement.selectors.evidence import evidence_pack
from perinatal.improvement.selectors.listing import case_list_rows, export_cases
from perinatal.improvement.selectors.suggestions import suggested_concerns, suggestion_by_key
from perinatal.improvement.services import concerns as concern_services
from perinatal.improvement.services import diagnostic, escalations, exit, meetings, people, plan
from perinatal.improvement.transfer import EXPORT_COLUMNS, export_row
from perinatal.kernel.refusals import Refused
from perinatal.organisations.models import Organisation
from perinatal.organisations.selectors import UnknownOrganisation, get_trust
from perinatal.surveillance.models import CriticalSafetyCheck

TRIAGED_WORDS = {"monitor": "The concern will be monitored.", "decline": "The concern was declined."}


# --- reading a case -------------------------------------------------------------------------------


def _case(request, pk: int, purpose: frozenset = READ_IMPROVEMENT_CASES) -> Case:
    """The case, if the person may read it (else 404) and make this change (else 403); a
    page of it shown is an audited view."""
    scope = scope_for(request)
    case = scope.get_or_404(Case.objects.select_related("trust", "icb"), purpose=READ_IMPROVEMENT_CASES, pk=pk)
    if purpose is not READ_IMPROVEMENT_CASES and not scope.can_read_trust(case.trust, purpose):
        raise PermissionDenied("Your role does not allow this change to the case")
    if request.method == "GET":
        audit.record(
            action=audit.Action.VIEW,
            obj=case,
            organisation=case.trust,
            request=request,
            summary=f"Improvement case {case.case_id} viewed ({request.resolver_match.url_name})",
        )
    return case


def _require_reader(request) -> None:
    if not scope_for(request).has_role(*READ_IMPROVEMENT_CASES):
        raise PermissionDenied("Your role does not give access to improvement support cases")


def _require_manager(request) -> None:
    if not scope_for(request).has_role(*MANAGE_IMPROVEMENT_CASES):
        raise PermissionDenied("Only the Improvement Support Team and the region record concerns")


def case_list(request):
    _require_reader(request)
    scope = scope_for(request)
    today = clock.today()
    rows = case_list_rows(selectors.cases_visible_to(scope), as_of=today)
    listing = presenters.case_list(rows, request.GET)
    return render(
        request,
        "improvement/cases.jinja",
        {
            "page_title": "Improvement support cases",
            "listing": listing,
            "cells": {row.case.pk: presenters.list_cells(row.row) for row in listing.rows},
            "today": today,
            "can_manage": scope.has_role(*MANAGE_IMPROVEMENT_CASES),
            "tag": presenters.Tag,
        },
    )


def case_list_csv(request):
    """The list as ``perinatal improvement export`` prints it, for the cases the person may read."""
    _require_reader(request)
    rows = case_list_rows(selectors.cases_visible_to(scope_for(request)), as_of=clock.today())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow(row.row.cells())
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="improvement-cases-{clock.today().isoformat()}.csv"'
    return response


def case_page(request, pk: int):
    case = _case(request, pk)
    scope = scope_for(request)
    today = clock.today()
    timeline = selectors.timeline_of(case)
    clocks = clocks_of(timeline, today) if today >= case.identified_on else None
    can_manage = scope.can_read_trust(case.trust, MANAGE_IMPROVEMENT_CASES)
    exited = timeline.exited_on is not None
    return render(
        request,
        "improvement/case.jinja",
        {
            "page_title": f"Improvement case {case.case_id}",
            "case": case,
            "today": today,
            "clocks": clocks,
            # The figures of the case list and the export, for this case (docs/rules/improvement.md §3).
            "row": presenters.list_cells(export_row(export_cases([case], as_of=today)[0], as_of=today))
            if clocks
            else None,
            "missed": presenters.missed_words(clocks) if clocks else ("", ""),
            "dates": selectors.dates_of(case),
            "concerns": [(concern, presenters.concern_evidence(concern)) for concern in selectors.concerns_of(case)],
            "people": selectors.current_people(case),
            "domains": selectors.domains_with_findings(case),
            "versions": selectors.plan_versions(case),
            "plan": selectors.current_plan(case),
            "actions": selectors.action_states(case),
            "feedback": selectors.feedback_of(case),
            "meetings": selectors.meetings_of(case),
            "escalations": selectors.escalations_of(case),
            "criteria": selectors.current_exit_criteria(case),
            "assessments": [
                presenters.assessment_rows(a) for a in case.exit_assessments.order_by("-assessed_on", "-id")
            ],
            "decisions": list(case.exit_decisions.order_by("-decided_on", "-id")),
            "exit": getattr(case, "exit", None),
            "history": presenters.history(case),
            "pack": evidence_pack(case, as_of=today),
            "can_manage": can_manage and not exited,
            "can_update_actions": scope.can_read_trust(case.trust, UPDATE_IMPROVEMENT_ACTIONS) and not exited,
            "can_respond": scope.can_read_trust(case.trust, UPDATE_IMPROVEMENT_ACTIONS),
            "words": presenters,
            "back_link": {"href": reverse("improvement:cases"), "text": "Back to improvement support cases"},
        },
    )


# --- recording: the shared shape --------------------------------------------------------------------


def _apply(form, change: Callable[[], object]) -> bool:
    """Run a service call; a refusal becomes an error on the field it names (or the whole form)."""
    try:
        change()
    except Refused as refused:
        form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        return False
    return True


def _form_page(
    request,
    *,
    case: Case | None,
    form,
    change: Callable[[dict], object],
    title: str,
    submit: str,
    success: str,
    done: str,
    intro: str = "",
    back: dict | None = None,
):
    if request.method == "POST" and form.is_valid() and _apply(form, lambda: change(form.cleaned_data)):
        messages.success(request, success)
        return redirect(done)
    if back is None and case is not None:
        back = {"href": reverse("improvement:case", args=[case.pk]), "text": f"Back to case {case.case_id}"}
    return render(
        request,
        "improvement/form.jinja",
        {"page_title": title, "case": case, "form": form, "submit": submit, "intro": intro, "back_link": back},
    )


def _case_url(case: Case, anchor: str = "") -> str:
    return reverse("improvement:case", args=[case.pk]) + (f"#{anchor}" if anchor else "")


# --- concerns and triage ------------------------------------------------------------------------------


def concerns(request):
    _require_manager(request)
    scope = scope_for(request)
    today = clock.today()
    regions = list(Organisation.objects.filter(kind=Organisation.Kind.REGION).order_by("code"))
    region = next((r for r in regions if r.code == request.GET.get("region")), None)
    return render(
        request,
        "improvement/concerns.jinja",
        {
            "page_title": "Concerns to triage",
            "suggestions": suggested_concerns(scope, today=today, region=region),
            "concerns": [
                (concern, presenters.concern_evidence(concern), decision)
                for concern, decision in concerns_to_triage(scope)
            ],
            # Dashboard suggestions are looked for one region at a time (selectors.suggestions).
            "regions": regions if scope.is_national(MANAGE_IMPROVEMENT_CASES) else [],
            "region": region,
            "back_link": {"href": reverse("improvement:cases"), "text": "Back to improvement support cases"},
        },
    )


def triage_suggestion(request):
    """Triage a concern the platform suggests: it is recorded as a concern, with its evidence,
    only when someone decides on it (the platform never opens a case by itself)."""
    _require_manager(request)
    scope = scope_for(request)
    key = request.GET.get("key") or ""
    suggestion = suggestion_by_key(scope, key, today=clock.today())
    if suggestion is None:
        raise Http404("This suggestion is not waiting for triage")
    form = forms.TriageForm(request.POST or None, initial={"system_scope": "trust"})
    decided = {}

    @transaction.atomic
    def change(data):
        concern = concern_services.record_concern(
            trust=suggestion.trust,
            concern_type=suggestion.concern_type,
            identified_on=suggestion.identified_on,
            summary=suggestion.summary,
            suggestion_key=suggestion.key,
            by=request.user,
            request=request,
            **suggestion.evidence,
        )
        decided["triage"] = _triage(concern, data, request)

    if request.method == "POST" and form.is_valid() and _apply(form, lambda: change(form.cleaned_data)):
        return _triaged(request, decided["triage"])
    evidence = presenters.suggestion_evidence(suggestion)
    return render(
        request,
        "improvement/triage.jinja",
        {
            "page_title": "Triage a suggested concern",
            "trust": suggestion.trust,
            "concern_type": ConcernType(suggestion.concern_type).label,
            "identified_on": suggestion.identified_on,
            "summary": suggestion.summary,
            "evidence": evidence,
            "previous": [],
            "form": form,
            "back_link": {"href": reverse("improvement:concerns"), "text": "Back to concerns to triage"},
        },
    )


def _triage(concern: Concern, data: dict, request):
    return concern_services.triage_concern(
        concern=concern,
        decision=data["decision"],
        reason=data["reason"],
        system_scope=data["system_scope"] == "system",
        exit_criteria=data["exit_criteria"],
        by=request.user,
        request=request,
    )


def _triaged(request, triage):
    if triage.case is not None:
        messages.success(request, f"Concern accepted into case {triage.case.case_id}.")
        return redirect("improvement:case", pk=triage.case.pk)
    messages.success(request, TRIAGED_WORDS[triage.decision])
    return redirect("improvement:concerns")


def concern_new(request):
    _require_manager(request)
    scope = scope_for(request)
    form = forms.ConcernForm(request.POST or None, initial={"cqc_warning_notice": "no"})

    def change(data):
        try:
            trust = get_trust(data["trust_code"])
        except UnknownOrganisation as error:
            raise Refused("trust_code", str(error)) from None
        if not scope.can_read_trust(trust, MANAGE_IMPROVEMENT_CASES):
            raise Refused("trust_code", f"{trust.code} is not a trust of your region")
        check = None
        if data["safety_check"]:
            reference = data["safety_check"].upper().removeprefix("CSC-")
            check = CriticalSafetyCheck.objects.filter(pk=int(reference) if reference.isdigit() else 0).first()
            if check is None:
                raise Refused("safety_check", f"{data['safety_check']} is not a critical safety check")
        concern = concern_services.record_concern(
            trust=trust,
            concern_type=data["concern_type"],
            identified_on=data["identified_on"],
            summary=data["summary"],
            safety_check=check,
            metric_id=data["metric_id"],
            metric_month=data["metric_month"],
            mnsi_reference=data["mnsi_reference"],
            cqc_rating=data["cqc_rating"],
            cqc_warning_notice=data["cqc_warning_notice"] == "yes",
            document=data["document"],
            by=request.user,
            request=request,
        )
        recorded["concern"] = concern

    recorded = {}
    if request.method == "POST" and form.is_valid() and _apply(form, lambda: change(form.cleaned_data)):
        messages.success(request, "Concern recorded. Triage it now, or later from the list of concerns.")
        return redirect("improvement:triage", pk=recorded["concern"].pk)
    return render(
        request,
        "improvement/form.jinja",
        {
            "page_title": "Record a concern",
            "form": form,
            "submit": "Record the concern",
            "intro": (
                "Record the evidence the platform holds: the safety check, the metric, the MNSI case or the CQC rating."
            ),
            "back_link": {"href": reverse("improvement:concerns"), "text": "Back to concerns to triage"},
        },
    )


def triage(request, pk: int):
    _require_manager(request)
    scope = scope_for(request)
    concern = scope.get_or_404(
        Concern.objects.select_related("trust", "signal__site", "safety_check__site", "metric_organisation"),
        purpose=MANAGE_IMPROVEMENT_CASES,
        pk=pk,
    )
    form = forms.TriageForm(request.POST or None, initial={"system_scope": "trust"})
    decided = {}

    def change(data):
        decided["triage"] = _triage(concern, data, request)

    if request.method == "POST" and form.is_valid() and _apply(form, lambda: change(form.cleaned_data)):
        return _triaged(request, decided["triage"])
    return render(
        request,
        "improvement/triage.jinja",
        {
            "page_title": "Triage a concern",
            "trust": concern.trust,
            "concern_type": concern.get_concern_type_display(),
            "identified_on": concern.identified_on,
            "summary": concern.summary,
            "evidence": presenters.concern_evidence(concern),
            "previous": list(concern.triage_decisions.order_by("recorded_at", "id")),
            "form": form,
            "back_link": {"href": reverse("improvement:concerns"), "text": "Back to concerns to triage"},
        },
    )


# --- people and the diagnostic --------------------------------------------------------------------------


def person_new(request, pk: int):
    case = _case(request, pk, MANAGE_IMPROVEMENT_CASES)
    form = forms.PersonForm(request.POST or None)
    return _form_page(
        request,
        case=case,
        form=form,
        change=lambda d: people.add_person(
            case=case,
            role=d["role"],
            name=d["name"],
            job_title=d["job_title"],
            email=d["email"],
            by=request.user,
            request=request,
        ),
        title="Add a person to the case",
        submit="Add the person",
        success="Person added.",
        done=_case_url(case, "people"),
    )


def diagnostic_dates(request, pk: int):
    case = _case(request, pk, MANAGE_IMPROVEMENT_CASES)
    dates = selectors.dates_of(case)
    form = forms.DiagnosticForm(
        request.POST or None,
        initial={"started_on": dates.diagnostic_started_on, "completed_on": dates.diagnostic_completed_on},
    )
    return _form_page(
        request,
        case=case,
        form=form,
        change=lambda d: diagnostic.record_diagnostic(
            case=case, started_on=d["started_on"], completed_on=d["completed_on"], by=request.user, request=request
        ),
        title="The diagnostic's dates",
        submit="Save the dates",
        success="Diagnostic dates saved.",
        done=_case_url(case, "diagnostic"),
        intro=(
            "The diagnostic is due 6 weeks after the concern was identified. A completion date can be changed "
            "later; the record of each change is kept."
        ),
    )


def diagnostic_finding(request, pk: int, domain: str):
    case = _case(request, pk, MANAGE_IMPROVEMENT_CASES)
    labels = dict(diagnostic_domains())
    if domain not in labels:
        raise Http404("No such domain")
    current = selectors.latest_findings(case).get(domain)
    form = forms.FindingForm(request.POST or None, initial={"findings": current.findings if current else ""})
    form.fields["findings"].label = f"What did the diagnostic find about {labels[domain].lower()}?"
    return _form_page(
        request,
        case=case,
        form=form,
        change=lambda d: diagnostic.record_finding(
            case=case, domain=domain, findings=d["findings"], by=request.user, request=request
        ),
        title=f"Diagnostic findings: {labels[domain]}",
        submit="Save the findings",
        success=f"Findings for {labels[domain].lower()} saved.",
        done=_case_url(case, "diagnostic"),
    )


# --- the plan ---------------------------------------------------------------------------------------


def plan_agree(request, pk: int):
    """Agree the next version of the plan: only the team and the region (the trust gets 403)."""
    case = _case(request, pk, MANAGE_IMPROVEMENT_CASES)
    current = selectors.current_plan(case)
    in_plan = [state.action for state in selectors.action_states(case)]
    initial = {}
    if current is not None:
        initial = {
            "agreed_for_board_by": current.agreed_for_board_by,
            "tackling_inequalities": current.tackling_inequalities,
            "summary": current.summary,
        }
    form = forms.PlanVersionForm(request.POST or None, initial=initial, removable=in_plan)
    formset = forms.NewActionFormSet(request.POST or None, prefix=plan.ACTIONS_PREFIX)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        filled = [(index, sub) for index, sub in enumerate(formset.forms) if not sub.is_blank()]
        data = form.cleaned_data
        removals = [
            plan.Removal(action.number, data.get(f"remove_{action.number}_reason", ""))
            for action in in_plan
            if data.get(f"remove_{action.number}")
        ]
        try:
            plan.agree_plan_version(
                case=case,
                agreed_on=data["agreed_on"],
                agreed_for_board_by=data["agreed_for_board_by"],
                tackling_inequalities=data["tackling_inequalities"],
                summary=data["summary"],
                change_reason=data["change_reason"],
                actions=[
                    plan.ActionTerms(
                        sub.cleaned_data["description"],
                        sub.cleaned_data["owner"],
                        sub.cleaned_data["due_on"],
                        sub.cleaned_data["linked_metric"],
                    )
                    for _index, sub in filled
                ],
                removals=removals,
                by=request.user,
                request=request,
            )
        except Refused as refused:
            _refusal_on_plan(refused, form, formset, [index for index, _sub in filled])
        else:
            messages.success(request, "Plan version agreed.")
            return redirect(_case_url(case, "plan"))
    return render(
        request,
        "improvement/plan.jinja",
        {
            "page_title": "Agree a version of the plan",
            "case": case,
            "form": form,
            "formset": formset,
            "current": current,
            "in_plan": in_plan,
            "errors": bool(form.errors) or any(sub.errors for sub in formset.forms) or bool(formset.non_form_errors()),
            "back_link": {"href": _case_url(case), "text": f"Back to case {case.case_id}"},
        },
    )


def _refusal_on_plan(refused: Refused, form, formset, filled_indexes: list[int]) -> None:
    """Put the service's refusal on the field it names: ``actions-<n>-<field>`` counts the filled
    action rows only, so it is mapped back to the row of the page."""
    prefix = plan.ACTIONS_PREFIX + "-"
    if refused.field.startswith(prefix):
        number, _dash, name = refused.field.removeprefix(prefix).partition("-")
        index = int(number)
        row = filled_indexes[index] if index < len(filled_indexes) else 0
        formset.forms[row].add_error(name if name in formset.forms[row].fields else None, refused.message)
        return
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)


def action_update(request, pk: int, number: int):
    """The trust (and the team) record an action's progress; the agreed plan itself is not changed."""
    case = _case(request, pk, UPDATE_IMPROVEMENT_ACTIONS)
    action = get_object_or_404(PlanAction, case=case, number=number)
    state = next(s for s in selectors.action_states(case, include_removed=True) if s.action.pk == action.pk)
    initial = {"status": state.status, "rag": state.rag} if state.latest else {}
    form = forms.ActionUpdateForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        case=case,
        form=form,
        change=lambda d: plan.update_action(
            action=action, status=d["status"], rag=d["rag"], note=d["note"], by=request.user, request=request
        ),
        title=f"Update action {action.number}",
        submit="Save the update",
        success=f"Action {action.number} updated.",
        done=_case_url(case, f"action-{action.number}"),
        intro=f"{action.description} (owner: {action.owner}; due {long_date(action.due_on)})",
    )


def feedback_new(request, pk: int):
    case = _case(request, pk, MANAGE_IMPROVEMENT_CASES)
    form = forms.FeedbackForm(request.POST or None)
    return _form_page(
        request,
        case=case,
        form=form,
        change=lambda d: plan.record_feedback(
            case=case, heard_on=d["heard_on"], heard=d["heard"], source=d["source"], by=request.user, request=request
        ),
        title="Record service-user feedback",
        submit="Record the feedback",
        success="Feedback recorded.",
        done=_case_url(case, "feedback"),
    )


def feedback_respond(request, pk: int, item_pk: int):
    case = _case(request, pk, UPDATE_IMPROVEMENT_ACTIONS)
    item = get_object_or_404(FeedbackItem, case=case, pk=item_pk)
    form = forms.FeedbackResponseForm(request.POST or None)
    return _form_page(
        request,
        case=case,
        form=form,
        change=lambda d: plan.respond_to_feedback(item=item, response=d["response"], by=request.user, request=request),
        title="Respond to feedback",
        submit="Save the response",
        success="Response saved.",
        done=_case_url(case, "feedback"),
        intro=item.heard,
    )


# --- meetings and escalations ----------------------------------------------------------------------------


def meeting_new(request, pk: int):
    case = _case(request, pk, MANAGE_IMPROVEMENT_CASES)
    kind = request.GET.get("kind") if request.GET.get("kind") in MeetingKind.values else MeetingKind.EXECUTIVE
    form = forms.MeetingForm(
        request.POST or None, initial={"kind": kind}, actions=[s.action for s in selectors.action_states(case)]
    )
    return _form_page(
        request,
        case=case,
        form=form,
        change=lambda d: meetings.record_meeting(
            case=case,
            kind=d["kind"],
            held_on=d["held_on"],
            attendees=d["attendees"],
            minutes=d["minutes"],
            decisions=d["decisions"],
            outcome=d["outcome"],
            action_rags=form.action_rags(),
            by=request.user,
            request=request,
        ),
        title="Record a meeting",
        submit="Record the meeting",
        success="Meeting recorded.",
        done=_case_url(case, "meetings"),
        intro=(
            "Every month after the plan is agreed needs an executive meeting, and every quarter an improvement review."
        ),
    )


def escalation_new(request, pk: int):
    case = _case(request, pk, MANAGE_IMPROVEMENT_CASES)
    form = forms.EscalationForm(request.POST or None)
    return _form_page(
        request,
        case=case,
        form=form,
        change=lambda d: escalations.escalate(
            case=case,
            level=d["level"],
            escalated_on=d["escalated_on"],
            reason=d["reason"],
            by=request.user,
            request=request,
        ),
        title="Escalate the case",
        submit="Escalate",
        success="Escalation recorded.",
        done=_case_url(case, "escalations"),
    )


def _escalation_words(escalation: Escalation) -> str:
    return f"Escalated to {escalation.get_level_display()} on {long_date(escalation.escalated_on)}: {escalation.reason}"


def _escalation(case: Case, escalation_pk: int) -> Escalation:
    return get_object_or_404(Escalation.objects.select_related("deescalation"), case=case, pk=escalation_pk)


def escalation_response(request, pk: int, escalation_pk: int):
    case = _case(request, pk, MANAGE_IMPROVEMENT_CASES)
    escalation = _escalation(case, escalation_pk)
    form = forms.EscalationResponseForm(request.POST or None)
    return _form_page(
        request,
        case=case,
        form=form,
        change=lambda d: escalations.record_response(
            escalation=escalation, response=d["response"], by=request.user, request=request
        ),
        title="Record the response to an escalation",
        submit="Save the response",
        success="Response recorded.",
        done=_case_url(case, "escalations"),
        intro=_escalation_words(escalation),
    )


def deescalation_new(request, pk: int, escalation_pk: int):
    case = _case(request, pk, MANAGE_IMPROVEMENT_CASES)
    escalation = _escalation(case, escalation_pk)
    form = forms.DeescalationForm(request.POST or None)
    return _form_page(
        request,
        case=case,
        form=form,
        change=lambda d: escalations.deescalate(
            escalation=escalation, deescalated_on=d["deescalated_on"], note=d["note"], by=request.user, request=request
        ),
        title="De-escalate",
        submit="De-escalate",
        success="De-escalation recorded.",
        done=_case_url(case, "escalations"),
        intro=_escalation_words(escalation),
    )


# --- exit -------------------------------------------------------------------------------------------------


def exit_criteria(request, pk: int):
    case = _case(request, pk, MANAGE_IMPROVEMENT_CASES)
    current = selectors.current_exit_criteria(case)
    form = forms.ExitCriteriaForm(
        request.POST or None, initial={"criteria": "\n".join(current.criteria) if current else ""}
    )
    return _form_page(
        request,
        case=case,
        form=form,
        change=lambda d: exit.agree_exit_criteria(
            case=case,
            criteria=d["criteria"],
            agreed_on=d["agreed_on"],
            change_reason=d["change_reason"],
            by=request.user,
            request=request,
        ),
        title="Exit criteria" if current is None else f"Change the exit criteria (version {current.number + 1})",
        submit="Save the criteria",
        success="Exit criteria saved.",
        done=_case_url(case, "exit"),
    )


def exit_assessment(request, pk: int):
    case = _case(request, pk, MANAGE_IMPROVEMENT_CASES)
    current = selectors.current_exit_criteria(case)
    if current is None:
        messages.info(request, "Agree the exit criteria before assessing the case against them.")
        return redirect("improvement:exit_criteria", pk=case.pk)
    form = forms.ExitAssessmentForm(request.POST or None, criteria=current.criteria)
    return _form_page(
        request,
        case=case,
        form=form,
        change=lambda d: exit.assess_exit(
            case=case,
            assessed_on=d["assessed_on"],
            results=[
                exit.CriterionAssessment(d[f"result_{n}"], d[f"evidence_{n}"])
                for n in range(1, form.criteria_count + 1)
            ],
            recommendation=d["recommendation"],
            note=d["note"],
            by=request.user,
            request=request,
        ),
        title="Assess the case for exit",
        submit="Save the assessment",
        success="Exit assessment saved.",
        done=_case_url(case, "exit"),
    )


def exit_decision(request, pk: int):
    case = _case(request, pk, MANAGE_IMPROVEMENT_CASES)
    form = forms.ExitDecisionForm(request.POST or None)
    return _form_page(
        request,
        case=case,
        form=form,
        change=lambda d: exit.record_exit_decision(
            case=case,
            decided_on=d["decided_on"],
            decision=d["decision"],
            note=d["note"],
            by=request.user,
            request=request,
        ),
        title="The national decision",
        submit="Save the decision",
        success="National decision saved.",
        done=_case_url(case, "exit"),
    )


def exit_formal(request, pk: int):
    case = _case(request, pk, MANAGE_IMPROVEMENT_CASES)
    form = forms.ExitForm(request.POST or None)
    return _form_page(
        request,
        case=case,
        form=form,
        change=lambda d: exit.record_exit(
            case=case,
            exited_on=d["exited_on"],
            monitoring_until=d["monitoring_until"],
            by=request.user,
            request=request,
        ),
        title="The formal exit",
        submit="Record the exit",
        success="Exit recorded.",
        done=_case_url(case, "exit"),
        intro="The clocks stop on the day of the formal exit.",
    )

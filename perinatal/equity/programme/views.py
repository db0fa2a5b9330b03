"""The equity programme's pages (docs/rules/equity.md §3).

Who: the national programme team (``PLAN_EQUITY_PROGRAMME``) plans the intakes, allocates the
sites and records the sessions; a trust's perinatal leadership (``RECORD_EQUITY_TEAMS``) records
its sites' teams and progress; the trust's board, its ICB and its region read
(``READ_EQUITY_PROGRAMME``), and only the trust and the programme team see people's names
(``SEE_EQUITY_TEAM_NAMES``). Anyone else is refused (403); a site outside a reader's trusts is
not found (404), as everywhere in the service. Views are thin: services write, selectors read.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from perinatal.accounts.scoping import (
    PLAN_EQUITY_PROGRAMME,
    READ_EQUITY_PROGRAMME,
    RECORD_EQUITY_TEAMS,
    SEE_EQUITY_TEAM_NAMES,
    scope_for,
)
from perinatal.core import audit, clock
from perinatal.core.form_fields import date_parts
from perinatal.dashboard.exports import FORMAT_CSV, download_response
from perinatal.equity.models import Intake, Session, TeamMember
from perinatal.equity.programme import presenters, rules, selectors
from perinatal.equity.programme.forms import (
    AllocateForm,
    AttendanceForm,
    BackingForm,
    ConfirmForm,
    ElementForm,
    IntakeForm,
    ProgrammeStartForm,
    SessionForm,
    SurveyForm,
    TeamMemberForm,
)
from perinatal.equity.programme.rules import SurveyRound
from perinatal.equity.programme.services import plan as plan_services
from perinatal.equity.programme.services import sessions as session_services
from perinatal.equity.programme.services import teams as team_services
from perinatal.equity.programme.services.history import ProgrammeRefused
from perinatal.organisations.models import Organisation, Site


def _posted(request):
    """The form's data on a POST (even an empty one: nothing ticked is an answer), else unbound."""
    return request.POST if request.method == "POST" else None


def _parts(day):
    """A stored date as the date input's day, month and year (a form's initial value)."""
    return date_parts(day.isoformat()) if day else None


def _apply(form, change) -> bool:
    """Run a service call; a refusal becomes an error on the form's named field."""
    try:
        change()
    except ProgrammeRefused as refused:
        form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        return False
    return True


def _require(request, purpose: frozenset) -> None:
    if not scope_for(request).has_role(*purpose):
        raise PermissionDenied("Your role does not give access to the equity programme")


def _is_planner(request) -> bool:
    return scope_for(request).has_role(*PLAN_EQUITY_PROGRAMME)


def _programme_or_404():
    programme = selectors.current_programme()
    if programme is None:
        raise Http404("The programme has no start date yet")
    return programme


def _back_to_overview() -> dict:
    return {"href": reverse("equity_programme:overview"), "text": "Back to the equity programme"}


# --- Overview and plan -------------------------------------------------------------------------


def overview(request):
    _require(request, READ_EQUITY_PROGRAMME)
    scope = scope_for(request)
    today = clock.today()
    programme = selectors.current_programme()
    trust_ids = selectors.visible_trust_ids(scope)
    rows = selectors.rows_visible_to(selectors.plan_rows(programme=programme, today=today), scope)
    summaries = [
        summary
        for summary in selectors.intake_summaries(programme, today=today, trust_ids=trust_ids)
        if trust_ids is None or summary.sites
    ]
    return render(
        request,
        "equity/programme/overview.jinja",
        {
            "page_title": "Equity programme",
            "programme": programme,
            "today": today,
            "is_planner": _is_planner(request),
            "is_national": trust_ids is None,
            "summaries": summaries,
            "rows": rows,
            "not_allocated": [row for row in rows if row.status is rules.SiteStatus.NOT_ALLOCATED],
            "last_intake_start": rules.last_intake_start(programme.start_on) if programme else None,
            "history": selectors.programme_history(programme) if programme and trust_ids is None else [],
            "status_tag": presenters.status_tag,
            "progress_words": presenters.progress_words,
            "months": rules.PROGRAMME_MONTHS,
        },
    )


def plan_download(request):
    """The plan as ``perinatal equity-programme plan`` prints it (the reader's own sites only)."""
    _require(request, READ_EQUITY_PROGRAMME)
    scope = scope_for(request)
    rows = selectors.rows_visible_to(
        selectors.plan_rows(programme=selectors.current_programme(), today=clock.today()), scope
    )
    return download_response(presenters.plan_table(rows), FORMAT_CSV)


def programme_start(request):
    _require(request, PLAN_EQUITY_PROGRAMME)
    programme = selectors.current_programme()
    form = ProgrammeStartForm(_posted(request), initial={"start_on": _parts(programme.start_on) if programme else None})
    if request.method == "POST" and form.is_valid():
        if _apply(
            form,
            lambda: plan_services.set_programme_start(
                start_on=form.cleaned_data["start_on"], by=request.user, request=request
            ),
        ):
            messages.success(request, "The programme's start date is saved.")
            return redirect("equity_programme:overview")
    return render(
        request,
        "equity/programme/start.jinja",
        {
            "page_title": "When does the programme start?",
            "form": form,
            "programme": programme,
            "back_link": _back_to_overview(),
            "months": rules.PROGRAMME_MONTHS,
        },
    )


def _regions():
    return list(Organisation.objects.filter(kind=Organisation.Kind.REGION).order_by("name"))


def intake_new(request):
    _require(request, PLAN_EQUITY_PROGRAMME)
    programme = selectors.current_programme()
    if programme is None:
        messages.info(request, "Set the programme's start date before planning intakes.")
        return redirect("equity_programme:start")
    next_number = (programme.intakes.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    form = IntakeForm(_posted(request), regions=_regions(), initial={"number": next_number})
    created = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: created.update(
                intake=plan_services.add_intake(
                    number=data["number"],
                    name=data["name"],
                    regions=data["regions"],
                    start_on=data["start_on"],
                    capacity=data["capacity"],
                    by=request.user,
                    request=request,
                )
            ),
        ):
            intake = created["intake"]
            messages.success(request, f"Intake {intake.number} planned. Now add its sites.")
            return redirect("equity_programme:intake_sites", number=intake.number)
    return render(
        request,
        "equity/programme/intake_form.jinja",
        {
            "page_title": "Plan an intake",
            "form": form,
            "programme": programme,
            "last_intake_start": rules.last_intake_start(programme.start_on),
            "back_link": _back_to_overview(),
            "button": "Save intake",
        },
    )


def _intake_or_404(number: int) -> Intake:
    programme = _programme_or_404()
    return get_object_or_404(Intake.objects.prefetch_related("regions"), programme=programme, number=number)


def intake_edit(request, number: int):
    _require(request, PLAN_EQUITY_PROGRAMME)
    intake = _intake_or_404(number)
    form = IntakeForm(
        _posted(request),
        regions=_regions(),
        editing=True,
        initial={
            "name": intake.name,
            "regions": [region.code for region in intake.regions.all()],
            "start_on": _parts(intake.start_on),
            "capacity": intake.capacity,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: plan_services.change_intake(
                intake=intake,
                name=data["name"],
                regions=data["regions"],
                start_on=data["start_on"],
                capacity=data["capacity"],
                by=request.user,
                request=request,
            ),
        ):
            messages.success(request, f"Intake {intake.number} saved.")
            return redirect("equity_programme:intake", number=intake.number)
    return render(
        request,
        "equity/programme/intake_form.jinja",
        {
            "page_title": f"Change intake {intake.number}",
            "form": form,
            "intake": intake,
            "programme": intake.programme,
            "last_intake_start": rules.last_intake_start(intake.programme.start_on),
            "back_link": {"href": reverse("equity_programme:intake", args=[intake.number]), "text": "Back"},
            "button": "Save changes",
        },
    )


def intake(request, number: int):
    _require(request, READ_EQUITY_PROGRAMME)
    scope = scope_for(request)
    intake = _intake_or_404(number)
    today = clock.today()
    trust_ids = selectors.visible_trust_ids(scope)
    (summary,) = [
        s
        for s in selectors.intake_summaries(intake.programme, today=today, trust_ids=trust_ids)
        if s.intake.pk == intake.pk
    ]
    if trust_ids is not None and not summary.sites:
        raise Http404("None of your trusts' sites is in this intake")
    progress = selectors.team_progress(intake.programme, [fact.site for fact in summary.sites], on=today)
    is_planner = _is_planner(request)
    return render(
        request,
        "equity/programme/intake.jinja",
        {
            "page_title": f"Intake {intake.number}: {intake.name}",
            "intake": intake,
            "summary": summary,
            "progress": progress,
            "is_planner": is_planner,
            "can_remove": is_planner and intake.start_on > today,
            "onboarding_starts": rules.onboarding_starts(intake.start_on),
            "delivery_ends": rules.delivery_ends(intake.start_on),
            "sessions": selectors.sessions_of(intake),
            "history": selectors.intake_history(intake) if trust_ids is None else [],
            "notices": list(intake.notices.select_related("trust").order_by("created_at", "id"))
            if trust_ids is None
            else [],
            "status_tag": presenters.status_tag,
            "element_total": len(rules.ELEMENTS),
            "back_link": _back_to_overview(),
        },
    )


def intake_sites(request, number: int):
    _require(request, PLAN_EQUITY_PROGRAMME)
    intake = _intake_or_404(number)
    today = clock.today()
    codes = [region.code for region in intake.regions.all()]
    candidates = selectors.unallocated_sites(intake.programme, today=today, region_codes=codes)
    form = AllocateForm(_posted(request), facts=candidates)
    if request.method == "POST" and form.is_valid():
        sites = form.cleaned_data["sites"]
        if _apply(
            form, lambda: plan_services.allocate_sites(intake=intake, sites=sites, by=request.user, request=request)
        ):
            messages.success(
                request,
                f"{len(sites)} site{'s' if len(sites) != 1 else ''} added to intake {intake.number}. "
                "Their trusts are told when the intake starts.",
            )
            return redirect("equity_programme:intake", number=intake.number)
    return render(
        request,
        "equity/programme/intake_sites.jinja",
        {
            "page_title": f"Add sites to intake {intake.number}",
            "form": form,
            "intake": intake,
            "room": max(0, intake.capacity - intake.allocations.count()),
            "elsewhere": [
                fact
                for fact in selectors.unallocated_sites(intake.programme, today=today)
                if fact.region_code not in codes
            ],
            "candidates": candidates,
            "back_link": {"href": reverse("equity_programme:intake", args=[intake.number]), "text": "Back"},
        },
    )


def intake_site_remove(request, number: int, code: str):
    _require(request, PLAN_EQUITY_PROGRAMME)
    intake = _intake_or_404(number)
    site = get_object_or_404(Site, code=code.upper())
    if not intake.allocations.filter(site=site).exists():
        raise Http404("The site is not in this intake")
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        if _apply(form, lambda: plan_services.remove_site(intake=intake, site=site, by=request.user, request=request)):
            messages.success(request, f"{site.code} taken out of intake {intake.number}: it is not allocated.")
            return redirect("equity_programme:intake", number=intake.number)
    return render(
        request,
        "equity/programme/confirm.jinja",
        {
            "page_title": f"Take {site.code} out of intake {intake.number}?",
            "form": form,
            "caption": f"Intake {intake.number}: {intake.name}",
            "explanation": (
                f"{site.name} ({site.code}) will not be in an intake: the plan will name it as not allocated. "
                "Its team's records are kept."
            ),
            "button": "Take the site out",
            "back_link": {"href": reverse("equity_programme:intake", args=[intake.number]), "text": "Back"},
        },
    )


# --- Sessions ----------------------------------------------------------------------------------


def session_new(request, number: int):
    _require(request, PLAN_EQUITY_PROGRAMME)
    intake = _intake_or_404(number)
    form = SessionForm(_posted(request))
    created = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: created.update(
                session=session_services.record_session(
                    intake=intake,
                    element=data["element"],
                    kind=data["kind"],
                    title=data["title"],
                    held_on=data["held_on"],
                    by=request.user,
                    request=request,
                )
            ),
        ):
            messages.success(request, "Session recorded. Now record who attended.")
            return redirect("equity_programme:session_attendance", pk=created["session"].pk)
    return render(
        request,
        "equity/programme/session_form.jinja",
        {
            "page_title": f"Record a session for intake {intake.number}",
            "form": form,
            "intake": intake,
            "back_link": {"href": reverse("equity_programme:intake", args=[intake.number]), "text": "Back"},
        },
    )


def session_attendance(request, pk: int):
    _require(request, PLAN_EQUITY_PROGRAMME)
    session = get_object_or_404(Session.objects.select_related("intake"), pk=pk)
    teams = selectors.teams_of(session.intake)
    form = AttendanceForm(_posted(request), teams=teams, current=selectors.attendance_of(session))
    if request.method == "POST" and form.is_valid():
        if _apply(
            form,
            lambda: session_services.record_attendance(
                session=session, attended=form.attended(), by=request.user, request=request
            ),
        ):
            messages.success(request, "Attendance saved.")
            return redirect("equity_programme:intake", number=session.intake.number)
    return render(
        request,
        "equity/programme/attendance.jinja",
        {
            "page_title": "Who attended?",
            "form": form,
            "session": session,
            "element": rules.element(session.element),
            "back_link": {"href": reverse("equity_programme:intake", args=[session.intake.number]), "text": "Back"},
        },
    )


# --- A site's team and progress ---------------------------------------------------------------


def _readable_site(request, code: str):
    """The site and its trust, when the user may read it; otherwise not found."""
    site = get_object_or_404(Site, code=code.upper())
    today = clock.today()
    fact = selectors.plan_site(site, today)
    if fact.trust is None or not scope_for(request).can_read_trust(fact.trust, READ_EQUITY_PROGRAMME):
        raise Http404("No such site in your organisations")
    return site, fact.trust


def _recordable_site(request, code: str):
    site, trust = _readable_site(request, code)
    if not scope_for(request).can_read_trust(trust, RECORD_EQUITY_TEAMS):
        raise PermissionDenied("Only the trust's perinatal leadership records its teams")
    return site, trust


def _back_to_site(site: Site) -> dict:
    return {"href": reverse("equity_programme:site", args=[site.code]), "text": f"Back to {site.code}"}


def site(request, code: str):
    _require(request, READ_EQUITY_PROGRAMME)
    site, trust = _readable_site(request, code)
    scope = scope_for(request)
    today = clock.today()
    record = selectors.site_record(site, today=today)
    if record.allocation is None and site.pk not in selectors.open_obstetric_site_ids(today) and not record.state.team:
        raise Http404("The site is not on the equity programme")
    show_names = scope.can_read_trust(trust, SEE_EQUITY_TEAM_NAMES)
    can_record = scope.can_read_trust(trust, RECORD_EQUITY_TEAMS) and record.allocation is not None
    if show_names and record.state.members:
        audit.record(
            action=audit.Action.VIEW,
            object_type="equity.TeamMember",
            organisation=trust,
            request=request,
            summary=f"Equity programme team of {site.code} viewed ({len(record.state.members)} members)",
        )
    surveys = record.state.surveys
    return render(
        request,
        "equity/programme/site.jinja",
        {
            "page_title": f"Equity programme: {site.name}",
            "record": record,
            "site": site,
            "trust": trust,
            "today": today,
            "show_names": show_names,
            "can_record": can_record,
            "status_words": presenters.status_words(record.status, record.intake.start_on if record.intake else None),
            "groups": presenters.team_groups(record.state.members),
            "survey_before": presenters.survey_words(surveys.get(SurveyRound.BEFORE.value)),
            "survey_after": presenters.survey_words(surveys.get(SurveyRound.AFTER.value)),
            "survey_lines": presenters.survey_lines(
                surveys.get(SurveyRound.BEFORE.value), surveys.get(SurveyRound.AFTER.value)
            ),
            "evaluation_periods": presenters.evaluation_periods(
                trust_code=trust.code,
                intake_start=record.intake.start_on if record.intake else None,
                today=today,
            ),
            "status_tag": presenters.status_tag,
            "element_tag": presenters.element_tag,
            "back_link": _back_to_overview(),
        },
    )


def team_member_new(request, code: str):
    _require(request, RECORD_EQUITY_TEAMS)
    site, _trust = _recordable_site(request, code)
    form = TeamMemberForm(_posted(request), initial={"role": request.GET.get("role")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: team_services.add_team_member(
                site=site,
                role=data["role"],
                full_name=data["full_name"],
                job_title=data["job_title"],
                work_email=data["work_email"],
                by=request.user,
                request=request,
            ),
        ):
            messages.success(request, f"{rules.TeamRole(data['role']).label} added to the team.")
            return redirect(reverse("equity_programme:site", args=[site.code]) + "#team")
    return render(
        request,
        "equity/programme/team_member_form.jinja",
        {"page_title": "Add someone to the team", "form": form, "site": site, "back_link": _back_to_site(site)},
    )


def team_member_remove(request, code: str, pk: int):
    _require(request, RECORD_EQUITY_TEAMS)
    site, _trust = _recordable_site(request, code)
    member = get_object_or_404(TeamMember, pk=pk, team__site=site)
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        if _apply(form, lambda: team_services.remove_team_member(member=member, by=request.user, request=request)):
            messages.success(request, f"{member.full_name} has left the team.")
            return redirect(reverse("equity_programme:site", args=[site.code]) + "#team")
    return render(
        request,
        "equity/programme/confirm.jinja",
        {
            "page_title": f"Has {member.full_name} left the team?",
            "form": form,
            "caption": f"{site.name} ({site.code})",
            "explanation": f"{member.full_name}, {member.role_label.lower()}, will no longer be listed. "
            "The team's history keeps that they were in it.",
            "button": "Yes, they have left the team",
            "back_link": _back_to_site(site),
        },
    )


def backing(request, code: str):
    _require(request, RECORD_EQUITY_TEAMS)
    site, _trust = _recordable_site(request, code)
    form = BackingForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: team_services.record_executive_backing(
                site=site,
                backed=data["backed"],
                confirmed_on=data["confirmed_on"],
                note=data["note"],
                by=request.user,
                request=request,
            ),
        ):
            messages.success(request, "Executive backing recorded.")
            return redirect(reverse("equity_programme:site", args=[site.code]) + "#backing")
    return render(
        request,
        "equity/programme/backing_form.jinja",
        {
            "page_title": "Does the executive team back the work?",
            "form": form,
            "site": site,
            "back_link": _back_to_site(site),
        },
    )


def element(request, code: str, number: int):
    _require(request, RECORD_EQUITY_TEAMS)
    site, _trust = _recordable_site(request, code)
    try:
        element = rules.element(number)
    except KeyError:
        raise Http404("No such element") from None
    programme = _programme_or_404()
    record = selectors.site_record(site, today=clock.today())
    (state,) = [state for state in record.state.elements if state.element.number == number]
    latest = state.latest
    initial = (
        {
            "status": latest.status,
            "started_on": _parts(latest.started_on),
            "completed_on": _parts(latest.completed_on),
            "participants": latest.participants,
            "evidence": latest.evidence,
            "notes": latest.notes,
        }
        if latest
        else {}
    )
    form = ElementForm(_posted(request), element=element, programme_start=programme.start_on, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: team_services.record_element(
                site=site,
                element=number,
                status=data["status"],
                started_on=data["started_on"],
                completed_on=data["completed_on"],
                participants=data["participants"],
                evidence=data["evidence"],
                notes=data["notes"],
                by=request.user,
                request=request,
            ),
        ):
            status = rules.ElementStatus(data["status"])
            messages.success(request, f"Element {number} marked {status.label.lower()}.")
            return redirect(reverse("equity_programme:site", args=[site.code]) + f"#element-{number}")
    return render(
        request,
        "equity/programme/element_form.jinja",
        {
            "page_title": f"Element {number}: {element.title}",
            "form": form,
            "site": site,
            "element": element,
            "state": state,
            "back_link": _back_to_site(site),
        },
    )


def survey(request, code: str, round_: str):
    _require(request, RECORD_EQUITY_TEAMS)
    site, _trust = _recordable_site(request, code)
    try:
        survey_round = SurveyRound(round_)
    except ValueError:
        raise Http404("No such survey") from None
    record = selectors.site_record(site, today=clock.today())
    other = record.state.surveys.get(
        (SurveyRound.AFTER if survey_round is SurveyRound.BEFORE else SurveyRound.BEFORE).value
    )
    current = record.state.surveys.get(survey_round.value)
    initial = (
        {
            "held_on": _parts(current.held_on),
            "invited": current.invited,
            "responses": current.responses,
            **{key: getattr(current, key) for key in rules.HEADLINE_KEYS},
        }
        if current
        else {}
    )
    form = SurveyForm(
        _posted(request),
        round_=survey_round,
        other_round_held_on=other.held_on if other else None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: team_services.record_survey(
                site=site,
                round_=survey_round.value,
                held_on=data["held_on"],
                invited=data["invited"],
                responses=data["responses"],
                scores=form.scores(),
                by=request.user,
                request=request,
            ),
        ):
            messages.success(request, f"Survey {survey_round.value} the intake saved.")
            return redirect(reverse("equity_programme:site", args=[site.code]) + "#evaluation")
    return render(
        request,
        "equity/programme/survey_form.jinja",
        {
            "page_title": f"Participants' survey: {survey_round.label.lower()}",
            "form": form,
            "site": site,
            "round": survey_round,
            "measures": rules.HEADLINE_MEASURES,
            "back_link": _back_to_site(site),
        },
    )

"""Answers for the journey's pages, as a browser would post them, and a walker."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from django.urls import resolve, reverse

from perinatal.notifications.models import Draft

BORN = {"born_on_day": "1", "born_on_month": "10", "born_on_year": "2026", "born_time": "03:20"}
MOTHER = {
    "nhs_number": "943 476 5919",
    "date_of_birth_day": "2",
    "date_of_birth_month": "4",
    "date_of_birth_year": "1991",
    "postcode": "m13 9wl",
}

# A term intrapartum stillbirth (docs/rules/routing.md §5, first example).
TERM_INTRAPARTUM_STILLBIRTH = [
    ("what-happened", {"what_happened": "stillbirth"}),
    ("signs-of-life", {"born_alive": "no"}),
    ("born-at", BORN),
    ("place-of-birth", {"place": "R0A01"}),
    ("gestation", {"weeks": "38", "days": "2", "certainty": "sure"}),
    ("birth-weight", {"weight": "3100"}),
    ("multiple-birth", {"answer": "no"}),
    ("termination", {"answer": "no"}),
    ("congenital-anomaly", {"answer": "no"}),
    ("labour", {"status": "labour"}),
    ("alive-at-onset", {"answer": "yes"}),
    ("mother", MOTHER),
    ("baby-nhs-number", {"nhs_number": ""}),
    ("linked-notification", {"reference": ""}),
]

# A baby born at 30+0 at RRK (another trust) who died at 3 days in R0A's neonatal unit.
TRANSFERRED_NEONATAL_DEATH = [
    ("what-happened", {"what_happened": "baby_died"}),
    ("born-at", BORN),
    ("died-at", {"died_on_day": "4", "died_on_month": "10", "died_on_year": "2026", "died_time": "10:00"}),
    ("place-of-birth", {"place": "other_hospital", "site_code": "rrk01"}),
    ("place-of-death", {"place": "R0A02"}),
    ("gestation", {"weeks": "30", "days": "0", "certainty": "sure"}),
    ("birth-weight", {"weight": "1400"}),
    ("multiple-birth", {"answer": "no"}),
    ("termination", {"answer": "no"}),
    ("congenital-anomaly", {"answer": "not_known"}),
    ("labour", {"status": "labour"}),
    ("mother", MOTHER),
    ("baby-nhs-number", {"nhs_number": "999 000 0018"}),
    ("linked-notification", {"reference": ""}),
]

# A baby born at 40+1 after labour, cooled from birth, alive, MRI awaited (docs/rules/routing.md §5, third example).
COOLED_BABY = [
    ("what-happened", {"what_happened": "brain_injury"}),
    ("born-at", BORN),
    ("died-at", {"has_died": "no"}),
    ("place-of-birth", {"place": "R0A01"}),
    ("gestation", {"weeks": "40", "days": "1", "certainty": "sure"}),
    ("birth-weight", {"weight": ""}),
    ("multiple-birth", {"answer": "no"}),
    ("congenital-anomaly", {"answer": "no"}),
    ("labour", {"status": "labour"}),
    ("brain-injury", {"signs": "therapeutic_hypothermia", "diagnosed_day": "0"}),
    ("mri", {"mri": "pending"}),
    ("mother", MOTHER),
    ("baby-nhs-number", {"nhs_number": "999 000 0018"}),
    ("linked-notification", {"reference": ""}),
]

MATERNAL_DEATH = [
    ("what-happened", {"what_happened": "mother_died"}),
    (
        "mother-death",
        {"died_on_day": "20", "died_on_month": "10", "died_on_year": "2026", "died_time": "09:00", "pregnant": "no"},
    ),
    ("pregnancy-end", {"ended_on_day": "1", "ended_on_month": "10", "ended_on_year": "2026", "outcome": "birth"}),
    ("pregnancy-place", {"place": "R0A01"}),
    ("place-of-death", {"place": "R0A01"}),
    ("mother", MOTHER),
    ("linked-notification", {"reference": ""}),
]


def errors_on(response) -> list[str]:
    found = re.findall(
        r'class="nhsuk-error-message"[^>]*>\s*<span class="nhsuk-u-visually-hidden">Error:\s*</span>(.*?)</',
        response.content.decode(),
        re.S,
    )
    return [" ".join(text.split()).replace("&#39;", "'") for text in found]


def start(client, trust: str = "R0A") -> Draft:
    response = client.post(reverse("journey:start"), {"trust": trust})
    assert response.status_code == 302, response.content.decode()[:500]
    # The draft the service made is the one it sent the reporter to: drafts started at the
    # same instant (the tests' clock stands still) cannot be told apart by time.
    draft_id = resolve(urlparse(response["Location"]).path).kwargs["draft_id"]
    return Draft.objects.get(pk=draft_id)


def page_url(draft: Draft, slug: str) -> str:
    return reverse("journey:question", args=[draft.pk, slug])


def walk(client, draft: Draft, pages) -> str:
    """Answer the pages in order, checking each is the page the journey goes to next."""
    url = page_url(draft, pages[0][0])
    for slug, data in pages:
        assert url == page_url(draft, slug), f"expected {slug}, went to {url}"
        response = client.post(url, data)
        assert response.status_code == 302, (slug, errors_on(response))
        url = response["Location"]
    return url


def answers_for(pages, *, trust) -> dict:
    """The answers the pages would save, without going through HTTP (for fast set-up)."""
    from django.http import QueryDict

    from perinatal.notifications.journey import steps
    from perinatal.notifications.journey.context import form_context
    from perinatal.notifications.journey.forms import FORMS

    answers: dict = {}
    for slug, data in pages:
        query = QueryDict(mutable=True)
        for key, value in data.items():
            query[key] = value
        form = FORMS[slug](query, answers=answers, context=form_context(trust))
        assert form.is_valid(), (slug, form.errors)
        answers = (
            steps.record_what_happened(answers, form.choice)
            if slug == "what-happened"
            else steps.record_answer(answers, slug=slug, values=form.values())
        )
    return answers


def make_draft(*, user, trust_code: str = "R0A", pages=TERM_INTRAPARTUM_STILLBIRTH) -> Draft:
    from perinatal.notifications.services.drafts import save_draft
    from perinatal.organisations.models import Organisation

    trust = Organisation.objects.get(code=trust_code)
    return save_draft(trust=trust, user=user, answers=answers_for(pages, trust=trust), step="check-answers")

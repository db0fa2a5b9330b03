"""An amendment as journey answers: a notification document turned back into the answers of
the journey's question pages, so that an amendment asks every question as the journey does
(docs/rules/routing.md §8), and the document the amended answers make.

Framework-free, like `journey.steps`, whose pages and rules it reuses:

- ``answers_from_document``: the answers a document gives, every page it needs answered.
- ``amended_document``: the document from amended answers. As in the journey, the answers of
  a page the event no longer needs are left out; a value that no page asked, before or now
  (a field a trust's system sent that the event does not need), is kept as it was, so that
  an amendment changes only what the reporter changed.
- ``changed_fields``: the fields two documents differ in, in page order.
- ``rebase``: one person's changes laid over a version someone else sent in the meantime,
  and the fields both changed (docs/rules/routing.md §10).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from perinatal.notifications.journey import steps
from perinatal.notifications.journey.steps import JOURNEY_KEY, WhatHappened, get_path, set_path

#: Every field a question page asks, in the order the pages ask them ("event" first).
FIELDS: tuple[str, ...] = tuple(dict.fromkeys(path for step in steps.STEPS for path in step.paths))

#: The starting points an amendment may move between: the type of event never changes.
BABY_CHOICES = (WhatHappened.BABY_DIED, WhatHappened.STILLBIRTH, WhatHappened.BRAIN_INJURY)


def what_happened_of(document: Mapping[str, Any], *, said: str | None = None) -> WhatHappened:
    """The journey's starting point for a document: what the reporter said (`said`, from the
    web draft) when it still fits the document, else what the document shows."""
    if document.get("event") == "maternal":
        return WhatHappened.MOTHER_DIED
    if said in {str(choice) for choice in BABY_CHOICES}:
        return WhatHappened(said)
    born_alive = get_path(document, "baby.born_alive")
    if born_alive is False:
        return WhatHappened.STILLBIRTH
    if get_path(document, "baby.died_at") and not document.get("brain_injury"):
        return WhatHappened.BABY_DIED
    return WhatHappened.BRAIN_INJURY


def answers_from_document(document: Mapping[str, Any], *, said: str | None = None) -> dict[str, Any]:
    """Journey answers holding the document, with every page the event needs answered."""
    answers = copy.deepcopy(dict(document))
    answers.pop("trust", None)
    answers[JOURNEY_KEY] = {"what_happened": str(what_happened_of(document, said=said))}
    answers[JOURNEY_KEY]["answered"] = steps.slugs(steps.steps_for(answers))
    return answers


def _asked(answers: Mapping[str, Any]) -> set[str]:
    return {path for step in steps.steps_for(answers) for path in step.paths}


def amended_document(answers: Mapping[str, Any], *, original: Mapping[str, Any], said: str | None = None) -> dict:
    """The notification document the amended answers make (see the module docstring)."""
    document = steps.build_document(answers, trust=str(original.get("trust") or ""))
    asked = _asked(answers) | _asked(answers_from_document(original, said=said))
    for path in FIELDS:
        value = get_path(original, path)
        if path not in asked and value is not None:
            set_path(document, path, copy.deepcopy(value))
    return document


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The page fields whose values differ, in the order the pages ask them."""
    return [path for path in FIELDS if get_path(before, path) != get_path(after, path)]


@dataclass(frozen=True)
class Rebased:
    document: dict[str, Any]
    both_changed: tuple[str, ...]


def rebase(*, mine: Mapping[str, Any], base: Mapping[str, Any], theirs: Mapping[str, Any]) -> Rebased:
    """`theirs` (the version now current) with the changes `mine` made to `base` laid over it.

    A field both changed to different values keeps mine and is named in `both_changed`.
    """
    document = copy.deepcopy(dict(theirs))
    theirs_changed = set(changed_fields(base, theirs))
    both: list[str] = []
    for path in changed_fields(base, mine):
        value = get_path(mine, path)
        if path in theirs_changed and value != get_path(theirs, path):
            both.append(path)
        set_path(document, path, copy.deepcopy(value))
    return Rebased(document=document, both_changed=tuple(both))

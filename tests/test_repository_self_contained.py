"""The repository stands on its own: a fresh clone has everything its files refer to.

- (a) No tracked text file names a path outside the repository (a project folder beside
  it, a home directory).
- (b) Every citation of a document in the repository, ``docs/<...>.md``, names a tracked
  file; when it carries section numbers (``docs/rules/routing.md`` followed by a section
  sign and ``3.3``), each one is a numbered heading of that file.
- (c) Every section sign in the code and tests is part of such a full citation: a bare
  one, or "spec" plus a number, does not say which rules file it means
  (docs/rules/README.md explains the form).

The Python files still carry the citations written before the rules moved into
``docs/rules/``; they are rewritten mechanically after the package moves. Until then the
checks on them are expected failures, strict, so that the rewrite makes them fail loudly
and the marker is removed.

Pure pytest: reads ``git ls-files`` and the files, needs no database.
"""

from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
THIS_FILE = Path(__file__).resolve().relative_to(REPO).as_posix()

SECTION_SIGN = "\u00a7"

# Paths outside the repository. Written in pieces so that this file does not name them.
OUTSIDE_PATHS = (
    "/" + "work/",
    ".." + "/shared",
    "shared" + "/spec",
    "shared" + "/vectors",
    "shared" + "/data",
    "/" + "home/",
    "/" + "root/",
)
URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)

NOT_SCANNED = {"package-lock.json"}

# A section number: 3, 3.4, 1.2.3.
_SECTION = r"\d+(?:\.\d+)*"
# More sections of the same file after the first: "§1.3, §1.4", "§2 and §4", "§2–§4",
# "§3.4–3.6", "§3.4/3.5", "§3.4 / §3.5".
_MORE_SECTIONS = (
    rf"(?:(?:[\u2013-]|\s*/\s*){SECTION_SIGN}?{_SECTION}"
    rf"|(?:,\s+and\s+|,\s+|\s+and\s+|\s+or\s+){SECTION_SIGN}{_SECTION})"
)
CITATION = re.compile(
    r"(?<![\w/.-])(?P<path>docs/[\w./-]*?\.md)`?"
    rf"(?:[ \u00a0]{SECTION_SIGN}(?P<first>{_SECTION})(?P<more>{_MORE_SECTIONS}*))?"
)
SECTION_NUMBER = re.compile(_SECTION)
NUMBERED_HEADING = re.compile(rf"^#{{1,6}}\s+(?P<number>{_SECTION})\.?(?:\s|$)")
FENCE = re.compile(r"^\s*(```|~~~)")


# What a source tree holds that is not the repository's own (installed, built or run data).
NOT_THE_REPOSITORY = {".git", ".venv", "node_modules", "var", "__pycache__", ".pytest_cache", ".ruff_cache"}


@cache
def tracked_files() -> tuple[str, ...]:
    """The repository's files: git's list, or (an export without .git) every file but the
    installed and generated ones, so the checks always run rather than skip."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, check=True, capture_output=True).stdout
        return tuple(sorted(name for name in out.decode("utf-8").split("\0") if name))
    except (OSError, subprocess.CalledProcessError):
        return tuple(
            sorted(
                path.relative_to(REPO).as_posix()
                for path in REPO.rglob("*")
                if path.is_file() and not NOT_THE_REPOSITORY & set(path.relative_to(REPO).parts)
            )
        )


@cache
def text_of(path: str) -> str | None:
    """The file's text, or None for a binary file or one that is not there."""
    try:
        data = (REPO / path).read_bytes()
    except OSError:
        return None
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def text_files() -> list[tuple[str, str]]:
    files = []
    for path in tracked_files():
        if Path(path).name in NOT_SCANNED:
            continue
        text = text_of(path)
        if text is not None:
            files.append((path, text))
    return files


def is_python(path: str) -> bool:
    return path.endswith(".py")


def outside_path_offenders(*, python: bool) -> list[str]:
    offenders = []
    for path, text in text_files():
        if is_python(path) != python:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            without_urls = URL.sub("", line)
            for outside in OUTSIDE_PATHS:
                if outside in without_urls:
                    offenders.append(f"{path}:{number}: {outside!r} in {line.strip()}")
    return offenders


@cache
def numbered_headings(path: str) -> frozenset[str]:
    """The section numbers of the file's Markdown headings, outside fenced code."""
    numbers = set()
    in_fence = False
    for line in (text_of(path) or "").splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence and (match := NUMBERED_HEADING.match(line)):
            numbers.add(match["number"])
    return frozenset(numbers)


def cited_sections(match: re.Match[str]) -> list[str]:
    if match["first"] is None:
        return []
    return [match["first"], *SECTION_NUMBER.findall(match["more"] or "")]


def bare_section_signs(path: str, text: str) -> list[str]:
    """Lines with a section sign that is not part of a full citation with a section."""
    offenders = []
    for number, line in enumerate(text.splitlines(), start=1):
        if SECTION_SIGN not in line:
            continue
        covered = [m.span() for m in CITATION.finditer(line) if m["first"] is not None]
        for index, character in enumerate(line):
            if character == SECTION_SIGN and not any(a <= index < b for a, b in covered):
                offenders.append(f"{path}:{number}: {line.strip()}")
                break
    return offenders


# --- (a) no path outside the repository --------------------------------------------------


def test_outside_path_patterns_are_found():
    line = "Spec: " + OUTSIDE_PATHS[0] + "shared" + "/spec/routing.md, see https://example.org/root/x"
    assert [o for o in OUTSIDE_PATHS if o in URL.sub("", line)] == [
        OUTSIDE_PATHS[0],
        OUTSIDE_PATHS[2],
    ]


def test_no_tracked_file_names_a_path_outside_the_repository():
    """Documents, data, templates, configuration: everything except the Python files."""
    offenders = outside_path_offenders(python=False)
    assert not offenders, "paths outside the repository:\n" + "\n".join(offenders)


def test_no_python_file_names_a_path_outside_the_repository():
    offenders = outside_path_offenders(python=True)
    assert not offenders, "paths outside the repository:\n" + "\n".join(offenders)


# --- (b) citations name files and sections that exist --------------------------------------


def test_citation_pattern():
    line = (
        "(docs/rules/dashboard.md " + SECTION_SIGN + "2\u2013" + SECTION_SIGN + "4 and "
        "`docs/rules/surveillance.md` " + SECTION_SIGN + "1.2, " + SECTION_SIGN + "1.3; "
        "docs/adr/0016-daily-jobs-scheduler.md)"
    )
    found = [(m["path"], cited_sections(m)) for m in CITATION.finditer(line)]
    assert found == [
        ("docs/rules/dashboard.md", ["2", "4"]),
        ("docs/rules/surveillance.md", ["1.2", "1.3"]),
        ("docs/adr/0016-daily-jobs-scheduler.md", []),
    ]
    assert bare_section_signs("x.py", line) == []
    assert bare_section_signs("x.py", "see spec " + SECTION_SIGN + "4") == ["x.py:1: see spec " + SECTION_SIGN + "4"]


def test_every_cited_document_and_section_exists():
    tracked = set(tracked_files())
    problems = []
    for path, text in text_files():
        for number, line in enumerate(text.splitlines(), start=1):
            for match in CITATION.finditer(line):
                cited = match["path"]
                if cited not in tracked:
                    problems.append(f"{path}:{number}: {cited} is not a file of the repository")
                    continue
                headings = numbered_headings(cited)
                for section in cited_sections(match):
                    if section not in headings:
                        problems.append(f"{path}:{number}: {cited} has no heading numbered {section}")
    assert not problems, "broken citations:\n" + "\n".join(problems)


def test_the_rules_files_have_the_cited_section_numbers():
    """The rules keep the section numbers the code was written against."""
    expected = {
        "docs/rules/routing.md": {"1", "2", "3", "3.1", "3.2", "3.3", "3.4", "3.5", "4", "5", "6"},
        "docs/rules/dashboard.md": {"1", "2", "3", "4", "5"} | {f"3.{n}" for n in range(1, 9)},
        "docs/rules/surveillance.md": (
            {"1", "2", "3", "4"}
            | {f"1.{n}" for n in range(1, 7)}
            | {"1.2.1", "1.2.2", "1.2.3"}
            | {f"2.{n}" for n in range(1, 10)}
        ),
    }
    for path, numbers in expected.items():
        assert numbers <= numbered_headings(path), (path, sorted(numbers - numbered_headings(path)))


# --- (c) no bare section signs --------------------------------------------------------------


def test_every_section_sign_in_documents_is_part_of_a_full_citation():
    """Markdown and JSON anywhere (docs/rules/README.md explains the form, so it is left out)."""
    offenders = []
    for path, text in text_files():
        if path.endswith((".md", ".json")) and path != "docs/rules/README.md":
            offenders += bare_section_signs(path, text)
    assert not offenders, "section signs without a rules file:\n" + "\n".join(offenders)


def test_every_section_sign_in_code_and_tests_is_part_of_a_full_citation():
    offenders = []
    for path, text in text_files():
        if path.startswith(("perinatal/", "tests/")) and path.endswith((".py", ".jinja", ".md")) and path != THIS_FILE:
            offenders += bare_section_signs(path, text)
    assert not offenders, (
        f"{len(offenders)} lines with a section sign that is not part of a full citation "
        "(write docs/rules/<file>.md and the section):\n" + "\n".join(offenders)
    )

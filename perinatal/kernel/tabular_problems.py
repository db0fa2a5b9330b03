"""Problems in a tabular file (CSV), located by line and column: one model for every file the
platform reads (dataset uploads, ODS extracts, nominated users, MOSS input files).

A file with problems is refused whole, naming every problem, and nothing of it is stored: a
half-loaded file would be worse than none, because the person fixing it could not tell what
was kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["FileRefused", "LineProblem"]


@dataclass(frozen=True)
class LineProblem:
    """One reason a file is refused.

    ``line`` is the physical line (the header is line 1; ``None``: the file as a whole);
    ``column`` the column's name as the file's specification writes it (``None``: the whole
    row); ``message`` plain English; ``code`` a stable identifier where the rule has one.
    """

    line: int | None
    column: str | None
    message: str
    code: str = ""

    def location(self) -> str:
        where = [f"line {self.line}"] if self.line is not None else []
        if self.column is not None:
            where.append(f"column {self.column}")
        return ", ".join(where)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class FileRefused(ValueError):
    """A whole file refused, with every problem found (the first twenty in the message)."""

    def __init__(self, problems: Sequence[LineProblem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems[:20]))

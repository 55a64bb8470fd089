"""The scenario checks' shared vocabulary: a report of located problems, values
shown as a facilitator reads them, and "did you mean" suggestions.

Both passes of `engine.scenario` (the schema's and the semantic one) write to
one `Report`; it places every JSON path in the file through the document's
marks, and it bounds the work spent on suggestions, which a hostile or careless
file could otherwise make quadratic (a thousand unknown references, each
compared with a thousand known ids).
"""
from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from typing import Any

from .errors import Problem, ScenarioError
from .yamlsource import Document, Path

__all__ = ["MAX_BYTES", "MAX_SUGGESTIONS", "Report", "format_path", "problem", "show", "sorted_problems",
           "too_big"]

MAX_BYTES = 5 * 1024 * 1024

# A file with more unknown names than this is not a few typos; past it messages go without
# the hint, so that the search for one stays a bounded cost per file.
MAX_SUGGESTIONS = 50


def format_path(path: Iterable[str | int]) -> str:
    """A JSON path as messages show it: states[4].regime."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += f".{step}" if out else str(step)
    return out


def show(value: Any) -> str:
    """A value as a message quotes it: strings cut at 60 characters, containers named."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int) and abs(value) >= 10 ** 30:
        return "a number of more than 30 digits"
    return repr(value)


class _Candidates:
    """The known names of one kind, sorted once and grouped by length: a name can only be
    close (difflib's ratio >= 0.6) to names whose length is within a factor of 7/3 of its own."""

    def __init__(self, names: Collection[str]):
        self.by_length: dict[int, list[str]] = {}
        for name in sorted(names):
            self.by_length.setdefault(len(name), []).append(name)

    def near(self, word: str) -> list[str]:
        low, high = (3 * len(word)) // 7, -(-7 * len(word) // 3)
        return [name for size, names in self.by_length.items() if low <= size <= high for name in names]


class Report:
    """Collects problems, placing each path in the file when the document knows it."""

    def __init__(self, doc: Document, name: str):
        self.doc, self.name = doc, name
        self.problems: list[Problem] = []
        self._suggested = 0
        self._indexes: dict[int, tuple[Collection[str], _Candidates]] = {}

    def flag(self, path: Path, message: str, *, key: bool = False, start: bool = False) -> None:
        mark = self.doc.start_of(path) if start else self.doc.locate(path, key=key)
        # A value that is not there (a key left out) is placed at its nearest ancestor.
        ancestor = path
        while mark == (0, 0) and ancestor and self.doc.starts:
            ancestor = ancestor[:-1]
            mark = self.doc.start_of(ancestor)
        self.problems.append(problem(self.name, mark, path, message))

    def suggest(self, word: Any, choices: Collection[str]) -> str:
        """'; did you mean X?' for the known name closest to `word`, or ''.

        The candidates of each collection are indexed once, and a file gets at most
        MAX_SUGGESTIONS searches."""
        if not isinstance(word, str) or self._suggested >= MAX_SUGGESTIONS or len(word) > 200:
            return ""
        self._suggested += 1
        entry = self._indexes.get(id(choices))
        if entry is None or entry[0] is not choices:
            entry = self._indexes[id(choices)] = (choices, _Candidates(choices))
        close = difflib.get_close_matches(word, entry[1].near(word), n=1)
        return f"; did you mean {close[0]}?" if close else ""


def problem(name: str, mark: tuple[int, int], path: Path, message: str) -> Problem:
    return Problem(name, mark[0], mark[1] if mark[0] else 0, format_path(path), message)


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Without repeats, in the order of the file."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.line, p.column))


def too_big(name: str, size: int) -> ScenarioError:
    return ScenarioError([Problem(name, 0, 0, "", f"file is {size:,} bytes; a scenario file "
                                                    f"may have at most {MAX_BYTES:,} bytes (5 MB)")])

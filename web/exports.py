"""The console's downloads made safe for what opens them.

The engine writes the report and the decisions table as plain text; a
downloaded file is then opened by a spreadsheet or a Markdown viewer, and the
text in it comes from scenario files and players. Two hazards, handled here at
the console's door:

- a spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a
  carriage return as a formula (CSV injection): such a cell gets a leading
  single quote, which spreadsheets show as text. A number stays a number.
- a Markdown viewer renders raw HTML: `<`, `>` and `&` are written as entities,
  which Markdown shows as the characters themselves.
"""
from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Iterator
from typing import Any

from flask import Response, stream_with_context

from engine import report

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text, never runs; its line breaks written as newlines
    (a bare carriage return would end the CSV row where it stands)."""
    unsafe = value.startswith(FORMULA_STARTS) and not _is_number(value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "'" + value if unsafe else value


def _is_number(value: str) -> bool:
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False


def decisions_csv(aar: report.AfterAction) -> str:
    """The engine's decisions table, each text cell made safe for a spreadsheet first."""
    rows = tuple(dataclasses.replace(d, **_safe_text_fields(d)) for d in aar.decisions)
    return report.decisions_csv(dataclasses.replace(aar, decisions=rows))


def _safe_text_fields(row: report.DecisionRow) -> dict[str, Any]:
    values = ((f.name, getattr(row, f.name)) for f in dataclasses.fields(row))
    return {name: spreadsheet_cell(value) for name, value in values if isinstance(value, str)}


def safe_markdown(text: str) -> str:
    """Markdown whose text shows as written: no raw HTML reaches the viewer."""
    return html.escape(text, quote=False)


def stream_response(chunks: Iterator[str], mimetype: str, filename: str | None = None) -> Response:
    """A text download sent piece by piece as it is made, its charset named once."""
    response = Response(stream_with_context(chunks), content_type=f"{mimetype}; charset=utf-8")
    if filename is not None:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def text_response(text: str, mimetype: str, filename: str | None = None) -> Response:
    """A text download with its charset named once (Flask adds none to a full content type)."""
    response = Response(text, content_type=f"{mimetype}; charset=utf-8")
    if filename is not None:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

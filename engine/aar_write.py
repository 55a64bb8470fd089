"""The after-action report written out: Markdown, CSV of the decisions, SVG charts of the indicators.

Everything here is drawn from an `AfterAction` (`engine.aar`), never from the
log itself: the same report data give the same bytes.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from . import svg
from .aar import AfterAction
from .assess_text import Cell
from .model import RESPONSES

__all__ = ["DECISION_COLUMNS", "decisions_csv", "to_markdown", "indicator_charts"]

DECISION_COLUMNS = ("turn", "attack", "state", "state_name", "treaty", "response", "source",
                    "cell_response", "override_reason", "revisions", "rationale", "statement",
                    "doctrine_response", *(f"p_{r}" for r in RESPONSES))


def decisions_csv(aar: AfterAction) -> str:
    """One row per decision that stood, with the doctrine's probabilities beside it."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(DECISION_COLUMNS)
    for d in aar.decisions:
        probs: list[float | str] = [*d.doctrine_probabilities] or [""] * len(RESPONSES)
        w.writerow([d.turn, d.attack, d.state, d.state_name, d.treaty or "", d.response, d.source,
                    d.cell_response or "", d.override_reason, d.revisions, d.rationale, d.statement,
                    d.doctrine_response or "", *probs])
    return buf.getvalue()


def _md(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def to_markdown(aar: AfterAction, debrief: Sequence[str] = ()) -> str:
    """The report in Markdown; `debrief`, when given, is its first page (engine.debrief), before
    the full record."""
    lines = [f"# After-action report: {_md(aar.title)}", "",
             f"Scenario: {_md(aar.scenario_title)} (`{aar.scenario_id}`). Turns played: {aar.turns_played}"
             + (" (finished)." if aar.finished else " (in progress)."), "",
             f"Commitments honoured: {aar.honoured}; abandoned: {aar.abandoned}.", ""]
    if debrief:
        lines += [*debrief, "", "# The full record", ""]
    lines += (_md_timeline(aar) + _md_decisions(aar) + _md_commitments(aar) + _md_indicators(aar)
              + _md_framework(aar))
    return "\n".join(lines).rstrip() + "\n"


def _md_timeline(aar: AfterAction) -> list[str]:
    lines = ["## Timeline", ""]
    for rec in aar.timeline:
        lines.append(f"### Turn {rec.turn} — {rec.date}")
        lines.append("")
        lines += [f"- **{e.kind}**: {_md(e.text)}" for e in rec.entries] or ["- (nothing happened)"]
        lines.append("")
    return lines


def _md_decisions(aar: AfterAction) -> list[str]:
    lines = ["## Decisions", "",
             "| turn | state | on | treaty | answer | by | rationale | doctrine |",
             "|---|---|---|---|---|---|---|---|"]
    for d in aar.decisions:
        by = d.source + (f" (cell said {d.cell_response}; reason: {d.override_reason})" if d.cell_response
                         else (f" (reason: {d.override_reason})" if d.override_reason else ""))
        doc = f"{d.doctrine_response} — {d.doctrine_view}" if d.doctrine_response else ""
        lines.append(f"| {d.turn} | {_md(d.state_name)} | {_md(d.attack)} | {_md(d.treaty_name)} | "
                     f"{d.response} | {_md(by)} | {_md(d.rationale)} | {_md(doc)} |")
    return lines


def _md_commitments(aar: AfterAction) -> list[str]:
    lines = ["", "## Commitments", "", "| turn | state | treaty | article | toward | answer | kept |",
             "|---|---|---|---|---|---|---|"]
    for c in aar.commitments:
        lines.append(f"| {c.turn} | {_md(c.state_name)} | {_md(c.treaty_name)} | {_md(c.article)} | "
                     f"{_md(c.partner_name)} | {c.response or ''} | {'honoured' if c.honoured else 'abandoned'} |")
    return lines


def _md_indicators(aar: AfterAction) -> list[str]:
    lines = ["", "## Indicators per turn", ""]
    for treaty, points in aar.indicators.items():
        lines += [f"### {_md(aar.treaty_names.get(treaty, treaty))}", "", "| turn | cohesion | credibility |",
                  "|---|---|---|"]
        lines += [f"| {t} | {_num(c)} | {_num(r)} |" for t, c, r in points]
        lines.append("")
    return lines


def _md_framework(aar: AfterAction) -> list[str]:
    """The report ends with the alliance literature's questions, turn 1 beside the last turn."""
    if not aar.framework:
        return []
    turns = [f"turn {t}" for t in aar.framework_turns]
    lines = ["", f"## The framework: {' beside '.join(turns)}", "",
             "Each question of the seed paper's framework, with the engine's verdict and the indicators "
             "behind it (`casus assess`); *changed* marks a verdict that moved.", ""]
    for group in aar.framework:
        lines += [f"### {_md(group.name)}", "", f"| question | {' | '.join(turns)} |",
                  "|---" * (len(turns) + 1) + "|"]
        for row in group.rows:
            cells = [_md_cell(c) for c in row.cells]
            mark = " *changed*" if row.changed else ""
            lines.append(f"| {_md(row.question)}{mark} | {' | '.join(cells)} |")
        lines.append("")
    return lines


def _md_cell(cell: Cell | None) -> str:
    if cell is None:
        return "(not in force)"
    return f"**{cell.verdict}**: {_md(cell.words)} ({_md(cell.numbers)})"


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}"


# --- charts ------------------------------------------------------------------------------------------

def indicator_charts(aar: AfterAction, *, width: int = 520, height: int = 250) -> list[tuple[str, str]]:
    """(treaty name, SVG line chart of cohesion and credibility per turn) for each treaty with data."""
    out = []
    for treaty, points in aar.indicators.items():
        if not any(c is not None or r is not None for _, c, r in points):
            continue
        series = [svg.Series("cohesion", [(t, c) for t, c, _ in points], svg.PALETTE[0]),
                  svg.Series("credibility", [(t, r) for t, _, r in points], svg.PALETTE[1], dashed=True)]
        turns = [t for t, _, _ in points]
        ticks = [(t, str(t)) for t in turns] if len(turns) <= 16 else None
        name = aar.treaty_names.get(treaty, treaty)
        out.append((name, svg.line_chart(series, width=width, height=height, title=name,
                                         x_label="turn", y_label="0 to 1", y_range=(0.0, 1.0),
                                         x_ticks=ticks)))
    return out

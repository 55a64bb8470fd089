"""The after-action report's first page: what a debrief runs from.

What happened, in a few sentences; the cells' decisions beside the doctrine's
and the record's; the umpire's overrides and why; the commitments honoured and
abandoned, treaty by treaty, with why; the fears of abandonment and
entrapment as they stood at the end. Built from the report's data and the log
alone; the full record follows it.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .aar import AfterAction, DecisionRow
from .events import AttackMade, Event, IndicatorsMeasured
from .model import DecisionSource, Scenario
from .words import Fear, attack_name, fears, why_kept

_CELL_SOURCES = (str(DecisionSource.PLAYER), str(DecisionSource.UMPIRE))


@dataclass(frozen=True, slots=True)
class Compared:
    """A decision taken in the room, beside the doctrine's and the record's."""
    turn: int
    state: str
    attack: str
    answer: str
    by: str                      # "the cell" | "the umpire"
    doctrine: str | None
    history: str | None
    history_note: str


@dataclass(frozen=True, slots=True)
class Kept:
    """One treaty's commitments called on: who honoured, who abandoned, and why."""
    treaty: str
    honoured: tuple[str, ...]
    abandoned: tuple[tuple[str, str], ...]      # (state, why)


@dataclass(frozen=True, slots=True)
class Debrief:
    objectives: tuple[str, ...]                  # the exercise's learning objectives, first
    summary: tuple[str, ...]
    compared: tuple[Compared, ...]
    overrides: tuple[tuple[str, str], ...]      # (what the umpire set, why)
    kept: tuple[Kept, ...]
    fears: tuple[Fear, ...]
    players: frozenset[str]


def debrief(sc: Scenario, a: AfterAction, events: Sequence[Event], players: frozenset[str] = frozenset()) -> Debrief:
    attacks = {e.attack.id: e.attack for e in events if isinstance(e, AttackMade)}
    named = {aid: attack_name(sc, at, aid) for aid, at in attacks.items()}
    first = [e for e in events if isinstance(e, AttackMade) and e.round == 1 and not e.reopened]
    summary = [f"{a.turns_played} turn{'s' if a.turns_played != 1 else ''} played"
               + (", to the end." if a.finished else ", the exercise still under way.")]
    if first:
        summary.append(f"{len(first)} attack{'s' if len(first) != 1 else ''}: "
                       + "; ".join(named[e.attack.id] for e in first[:8])
                       + (f" and {len(first) - 8} more." if len(first) > 8 else "."))
    summary.append(f"{a.honoured} commitment{'s' if a.honoured != 1 else ''} honoured, "
                   f"{a.abandoned} abandoned.")
    summary.append(f"{len(a.wars)} war{'s' if len(a.wars) != 1 else ''} begun"
                   + (f": {'; '.join(a.wars[:6])}" + (f" and {len(a.wars) - 6} more" if len(a.wars) > 6 else "")
                      if a.wars else "") + ".")
    in_room = [d for d in a.decisions if d.source in _CELL_SOURCES or d.cell_response is not None]
    return Debrief(
        objectives=sc.objectives,
        summary=tuple(summary),
        compared=tuple(_compared(sc, d, named) for d in in_room),
        overrides=tuple((f"Turn {d.turn}: {d.state_name} set to {d.response} on {named.get(d.attack, d.attack)}"
                         + (f" (the cell had said {d.cell_response})" if d.cell_response else ""),
                         d.override_reason) for d in a.decisions if d.source == str(DecisionSource.UMPIRE)),
        kept=_kept(sc, a),
        fears=tuple(_final_fears(events, players)),
        players=players)


def _compared(sc: Scenario, d: DecisionRow, named: dict[str, str]) -> Compared:
    entry = next((e for e in sc.script if e.state == d.state and (e.inject is None or e.inject == d.attack)), None)
    return Compared(turn=d.turn, state=d.state_name, attack=named.get(d.attack, d.attack), answer=d.response,
                    by="the umpire" if d.source == str(DecisionSource.UMPIRE) else "the cell",
                    doctrine=d.doctrine_response, history=str(entry.response) if entry else None,
                    history_note=(entry.note or "") if entry else "")


def _kept(sc: Scenario, a: AfterAction) -> tuple[Kept, ...]:
    types = {(t.name, o.label): o.type for t in sc.treaties for o in t.obligations}
    per: dict[str, tuple[list[str], list[tuple[str, str]]]] = {}
    for c in a.commitments:
        honoured, abandoned = per.setdefault(c.treaty_name, ([], []))
        if c.honoured:
            if c.state_name not in honoured:
                honoured.append(c.state_name)
        else:
            kind = types.get((c.treaty_name, c.article))
            why = why_kept(kind, c.response) if kind and c.response else "broke the pact by attacking"
            abandoned.append((c.state_name, f"{c.article}: {why}"))
    return tuple(Kept(t, tuple(h), tuple(ab)) for t, (h, ab) in per.items())


def _final_fears(events: Sequence[Event], players: frozenset[str]) -> list[Fear]:
    latest: dict[str, dict[str, object]] = {}
    for e in events:
        if isinstance(e, IndicatorsMeasured) and e.abandonment is not None:
            latest[e.treaty] = e.data()
    mine = fears(latest, players) if players else []
    rest = [f for f in fears(latest) if f.state not in players]
    return mine + rest[:max(0, 8 - len(mine))]



def to_markdown(d: Debrief, name: Callable[[str], str], treaty_name: Callable[[str], str]) -> list[str]:
    """The debrief page as Markdown lines (the report's own writer puts it first)."""
    def cell(x: object) -> str:
        return str(x).replace("|", "\\|").replace("\n", " ").strip()
    lines = ["## Debrief", ""]
    if d.objectives:
        lines += ["### The exercise's objectives", "", *[f"- {cell(o)}" for o in d.objectives], ""]
    lines += [*[f"- {cell(s)}" for s in d.summary], "", "### The decisions taken in the room", ""]
    if d.compared:
        lines += ["| Turn | State | On | Answer | By | The doctrine | History |", "|---|---|---|---|---|---|---|"]
        lines += [f"| {c.turn} | {cell(c.state)} | {cell(c.attack)} | {c.answer} | {c.by} | {c.doctrine or '—'} | "
                  f"{c.history or 'no record'} |" for c in d.compared]
    else:
        lines.append("No cell or umpire decided anything: the doctrine answered throughout.")
    lines += ["", "### Overrides", ""]
    lines += [f"- {cell(what)}. Why: {cell(why)}" for what, why in d.overrides] or ["- none"]
    lines += ["", "### Commitments honoured and abandoned", ""]
    for k in d.kept:
        abandoned = ", ".join(f"{s} ({why})" for s, why in k.abandoned)
        lines.append(f"- **{cell(k.treaty)}**: honoured by {', '.join(k.honoured) or 'none'}; "
                     f"abandoned by {cell(abandoned) or 'none'}")
    lines += ["", "### Fears of abandonment and entrapment at the end", ""]
    lines += [f"- {cell(name(f.state))}, {cell(treaty_name(f.treaty))}: {f.words}"
              for f in d.fears] or ["- not measured"]
    return lines

"""A game told turn by turn, as a facilitator would read it out.

What happened, who was bound, who came and why. Built from the event log
alone, so a saved game, a replay and a live game read the same way. Bound
allies are grouped by article and answers by level, so that a NATO-sized
alliance reads in a few lines; `explain=True` adds each state's reasons.
`event_line` says one event in words, for the console's log and the debrief.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import groupby
from typing import Any

from .events import Event, Kind
from .model import RESPONSES, Scenario

_SOURCE_WORDS = {"doctrine": "doctrine", "script": "history", "player": "cell", "umpire": "umpire"}
Name = Callable[[str], str]


def narrate(scenario: Scenario, events: Iterable[Event], *, explain: bool = False) -> str:
    lines = [scenario.title, "=" * len(scenario.title)]
    name = lambda s: scenario.state_by_id[s].name if s in scenario.state_by_id else str(s)  # noqa: E731
    for turn, group in groupby((e for e in events if e.turn > 0), key=lambda e: e.turn):
        lines += [""] + _turn(scenario, turn, list(group), name, explain)
    return "\n".join(lines) + "\n"


def _turn(sc: Scenario, turn: int, events: list[Event], name: Name, explain: bool) -> list[str]:
    date = next((e.payload["date"][:10] for e in events if e.kind is Kind.TURN_OPENED), "")
    out = [f"Turn {turn} — {date}"]
    i = 0
    while i < len(events):
        e = events[i]
        if e.kind is Kind.OBLIGATION:
            j = _run_end(events, i, {Kind.OBLIGATION})
            out += _bound(sc, events[i:j], name)
            i = j
        elif e.kind in (Kind.DECISION, Kind.DECISION_DEFERRED):
            j = _run_end(events, i, {Kind.DECISION, Kind.DECISION_DEFERRED})
            out += _answers(events[i:j], name, explain)
            i = j
        elif e.kind in (Kind.HONOURED, Kind.BREACH, Kind.REPUTATION):
            j = _run_end(events, i, {Kind.HONOURED, Kind.BREACH, Kind.REPUTATION})
            out += _kept(sc, events[i:j], name)
            i = j
        else:
            line = _line(sc, e, name)
            if line:
                out.append("  " + line)
            i += 1
    return out


def _run_end(events: list[Event], i: int, kinds: set[Kind]) -> int:
    j = i
    while j < len(events) and events[j].kind in kinds:
        j += 1
    return j


def _bound(sc: Scenario, events: list[Event], name: Name) -> list[str]:
    """Binding obligations grouped by treaty and article: 'NATO art. 5 (defense): 29 allies'."""
    groups: dict[tuple[str, int], list[str]] = {}
    for e in events:
        p = e.payload
        if p["triggered"] and p["type"] != "nonaggression":
            allies = groups.setdefault((p["treaty"], p["article"]), [])
            if p["ally"] not in allies:
                allies.append(p["ally"])
    lines = []
    for (treaty_id, article), allies in groups.items():
        treaty = sc.treaty_by_id[treaty_id]
        label = treaty.obligations[article].label
        who = _list([name(a) for a in allies], limit=6)
        lines.append(f"    bound by {treaty.name} {label}: {who}")
    for e in events:
        if e.payload["triggered"] and e.payload["type"] == "nonaggression":
            lines.append(f"    breach: {e.reason}")
    return lines


def _answers(events: list[Event], name: Name, explain: bool) -> list[str]:
    lines = []
    for attack, run in groupby(events, key=lambda e: e.payload["attack"]):
        group = list(run)
        by_level: dict[str, list[str]] = {}
        for e in group:
            p = e.payload
            if e.kind is Kind.DECISION_DEFERRED:
                by_level.setdefault("later", []).append(name(p["state"]))
                continue
            tag = _SOURCE_WORDS.get(p["source"], p["source"])
            if p.get("predicted") and p["predicted"] != p["response"]:
                tag += f"; doctrine: {p['predicted']}"
            by_level.setdefault(p["response"], []).append(f"{name(p['state'])} ({tag})")
        lines.append(f"  Answers on {attack}:")
        for level in [str(r) for r in reversed(RESPONSES)] + ["later"]:
            if level in by_level:
                lines.append(f"    {level}: {_list(by_level[level], limit=12)}")
        if explain:
            lines += _explanations(group, name)
    return lines


def _explanations(group: list[Event], name: Name) -> list[str]:
    out = []
    for e in group:
        p = e.payload
        if e.kind is not Kind.DECISION:
            continue
        why = p.get("rationale") or e.reason
        if p["source"] == "script":
            why = e.reason
        out.append(f"      {name(p['state'])}: {why}")
    return out


def _kept(sc: Scenario, events: list[Event], name: Name) -> list[str]:
    honoured: dict[str, list[str]] = {}
    broken: dict[str, list[str]] = {}
    for e in events:
        if e.kind in (Kind.HONOURED, Kind.BREACH):
            p = e.payload
            treaty = sc.treaty_by_id[p["treaty"]]
            key = f"{treaty.name} {treaty.obligations[p['article']].label}"
            (honoured if e.kind is Kind.HONOURED else broken).setdefault(key, []).append(name(p["state"]))
    lines = [f"  Honoured {k}: {_list(v, limit=8)}" for k, v in honoured.items()]
    lines += [f"  Abandoned {k}: {_list(v, limit=8)}" for k, v in broken.items()]
    return lines


def _line(sc: Scenario, e: Event, name: Name) -> str | None:
    p, k = e.payload, e.kind
    if k is Kind.INJECT_FIRED:
        return f"[{p['kind']}] {p['inject']}: {p.get('text') or ''}".rstrip(": ")
    if k in (Kind.INJECT_HELD, Kind.INJECT_AWAITING):
        return f"(held) {p['inject']}: {e.reason}"
    if k is Kind.ATTACK and not p.get("reopened") and p.get("round", 1) == 1:
        return f"Attack ({p['attack']}): {e.reason}, attribution {p['attribution']:.0%}"
    if k is Kind.CONFLICT:
        return f"Torn between allies: {e.reason}"
    if k is Kind.CASCADE_ROUND:
        return f"Cascade, round {p['round']}: {', '.join(p['attacks'])}"
    if k is Kind.OVERRIDE:
        return f"Umpire overrides {name(p['state'])}: {p['response']} — {e.reason}"
    words = {Kind.INVOCATION: "Council", Kind.WAR: "War", Kind.TREATY_IN_FORCE: "Treaty",
             Kind.MEMBER_WITHDREW: "Treaty", Kind.TREATY_DISCLOSED: "Disclosure",
             Kind.AWAITING: "Waiting"}
    if k in words:
        return f"{words[k]}: {e.reason}"
    if k is Kind.INDICATORS and p.get("cohesion") is not None:
        cred = p.get("credibility")
        return (f"Indicators, {sc.treaty_by_id[p['treaty']].name}: cohesion {p['cohesion']:.2f}"
                + (f", credibility {cred:.2f}" if cred is not None else ""))
    return None


def _list(items: list[str], limit: int) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return f"{', '.join(items[:limit])} and {len(items) - limit} more ({len(items)} in all)"


# --- one event in words -------------------------------------------------------------------------

# Kinds that carry little for a reader of the log, shown only in full logs.
QUIET_KINDS = frozenset({Kind.REPUTATION, Kind.INDICATORS, Kind.DECISION_REQUESTED, Kind.GAME_STARTED,
                         Kind.TURN_CLOSED, Kind.INJECT_HELD, Kind.EFFECT_APPLIED, Kind.VOTE, Kind.DECISION,
                         Kind.HONOURED, Kind.BREACH})


def is_quiet(event: Event) -> bool:
    if event.kind is Kind.OBLIGATION:
        return not event.payload.get("triggered")
    return event.kind in QUIET_KINDS


def name_of(sc: Scenario, state: str | None) -> str:
    s = sc.state_by_id.get(state) if state else None
    return s.name if s else (state or "—")


def event_line(sc: Scenario, event: Event, payload: Mapping[str, Any] | None = None) -> str:
    """One line of words for an event, from the payload the reader may see."""
    p = event.payload if payload is None else payload
    k = event.kind
    if k is Kind.TURN_OPENED:
        return f"Turn {event.turn} opens ({str(p.get('date', ''))[:10]})"
    if k is Kind.INJECT_FIRED:
        text = p.get("text") or ""
        return f"[{p.get('kind')}] {text}".strip() if text else f"[{p.get('kind')}] {p.get('inject')}"
    if k in (Kind.DECISION, Kind.OVERRIDE):
        who = name_of(sc, p.get("state"))
        head = "Umpire sets" if k is Kind.OVERRIDE else "Decision:"
        line = f"{head} {who} — {p.get('response')} ({p.get('source')}) on {p.get('attack')}"
        if p.get("statement"):
            line += f": “{p['statement']}”"
        return line
    if k is Kind.NOTE:
        if p.get("truncated"):
            return event.reason
        return ("Bookmark: " if p.get("bookmark") else "Note: ") + str(p.get("text", ""))
    if k is Kind.INJECT_AWAITING:
        return f"Manual inject {p.get('inject')} waits for the umpire"
    if k is Kind.AWAITING:
        return "Waiting for: " + ", ".join(f"{name_of(sc, x['state'])} on {x['attack']}"
                                           for x in p.get("pending", []))
    return event.reason or str(k)

"""A game told turn by turn, as a facilitator would read it out.

What happened, who was bound, who came and why. Built from the event log
alone, so a saved game, a replay and a live game read the same way. Bound
allies are grouped by article and answers by level, so that a NATO-sized
alliance reads in a few lines; `explain=True` adds each state's reasons.
`event_line` says one event in words, for the console's log and the debrief.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import groupby

from .events import (
    AttackMade,
    AwaitingDecisions,
    Breach,
    CascadeRound,
    Conflict,
    DecisionDeferred,
    DecisionTaken,
    Event,
    Honoured,
    IndicatorsMeasured,
    InjectAwaiting,
    InjectFired,
    InjectHeld,
    InvocationResolved,
    Kind,
    MemberWithdrew,
    Note,
    ObligationExamined,
    Overridden,
    ReputationChanged,
    TreatyDisclosed,
    TreatyInForce,
    TurnOpened,
    WarBegun,
)
from .model import RESPONSES, ObligationType, Scenario

_SOURCE_WORDS = {"doctrine": "doctrine", "script": "history", "player": "cell", "umpire": "umpire"}
Name = Callable[[str], str]


def narrate(scenario: Scenario, events: Iterable[Event], *, explain: bool = False) -> str:
    lines = [scenario.title, "=" * len(scenario.title)]

    def name(s: str) -> str:
        return scenario.state_by_id[s].name if s in scenario.state_by_id else str(s)

    for turn, group in groupby((e for e in events if e.turn > 0), key=lambda e: e.turn):
        lines += [""] + _turn(scenario, turn, list(group), name, explain)
    return "\n".join(lines) + "\n"


def _turn(sc: Scenario, turn: int, events: list[Event], name: Name, explain: bool) -> list[str]:
    date = next((e.date[:10] for e in events if isinstance(e, TurnOpened)), "")
    out = [f"Turn {turn} — {date}"]
    i = 0
    while i < len(events):
        e = events[i]
        if isinstance(e, ObligationExamined):
            j = _run_end(events, i, (ObligationExamined,))
            out += _bound(sc, events[i:j], name)
        elif isinstance(e, DecisionTaken | DecisionDeferred):
            j = _run_end(events, i, (DecisionTaken, DecisionDeferred))
            out += _answers(sc, events[i:j], name, explain)
        elif isinstance(e, Honoured | Breach | ReputationChanged):
            j = _run_end(events, i, (Honoured, Breach, ReputationChanged))
            out += _kept(sc, events[i:j], name)
        else:
            j = i + 1
            line = _line(sc, e, name)
            if line:
                out.append("  " + line)
        i = j
    return out


def _run_end(events: list[Event], i: int, kinds: tuple[type[Event], ...]) -> int:
    j = i
    while j < len(events) and isinstance(events[j], kinds):
        j += 1
    return j


def _bound(sc: Scenario, events: list[Event], name: Name) -> list[str]:
    """Binding obligations grouped by treaty and article: 'NATO art. 5 (defense): 29 allies'."""
    examined = [e for e in events if isinstance(e, ObligationExamined) and e.triggered]
    groups: dict[tuple[str, int], list[str]] = {}
    for e in examined:
        if e.type is not ObligationType.NONAGGRESSION:
            allies = groups.setdefault((e.treaty, e.article), [])
            if e.ally not in allies:
                allies.append(e.ally)
    lines = []
    for (treaty_id, article), allies in groups.items():
        treaty = sc.treaty_by_id[treaty_id]
        label = treaty.obligations[article].label
        lines.append(f"    bound by {treaty.name} {label}: {_list([name(a) for a in allies], limit=6)}")
    lines += [f"    breach: {e.reason}" for e in examined if e.type is ObligationType.NONAGGRESSION]
    # A conditional obligation whose condition the others' answers left unmet (1938: the
    # Soviet pact waited on France).
    lines += [f"    condition unmet: {e.reason}" for e in events if isinstance(e, ObligationExamined)
              and not e.triggered and sc.treaty_by_id[e.treaty].obligations[e.article].conditional_on
              and e.reason.startswith("not owed: the article binds")]
    return lines


def _answers(sc: Scenario, events: list[Event], name: Name, explain: bool) -> list[str]:
    lines = []
    answers = [e for e in events if isinstance(e, DecisionTaken | DecisionDeferred)]
    for attack, grouped in groupby(answers, key=lambda e: e.attack):
        group = list(grouped)
        by_level: dict[str, list[str]] = {}
        for e in group:
            if isinstance(e, DecisionDeferred):
                by_level.setdefault("later", []).append(name(e.state))
                continue
            tag = _SOURCE_WORDS.get(str(e.source), str(e.source))
            if e.predicted and e.predicted != e.response:
                tag += f"; doctrine: {e.predicted}"
            if e.response in ("limited", "full") and e.side and e.side in _attackers(sc, attack):
                tag += f"; beside {name(e.side)}, the attacker" + (
                    ": at war with its victim" if e.response == "full" else "")
            by_level.setdefault(str(e.response), []).append(f"{name(e.state)} ({tag})")
        lines.append(f"  Answers on {attack}:")
        for level in [str(r) for r in reversed(RESPONSES)] + ["later"]:
            if level in by_level:
                lines.append(f"    {level}: {_list(by_level[level], limit=12)}")
        if explain:
            lines += [f"      {name(e.state)}: {e.reason if e.source == 'script' else (e.rationale or e.reason)}"
                      for e in group if isinstance(e, DecisionTaken)]
    return lines


def _attackers(sc: Scenario, attack_id: str) -> tuple[str, ...]:
    """The attackers of the attack an answer names: an inject's actors, or for a war begun in a
    cascade (ORIGIN/STATE>TARGET) the state that began it."""
    inject = sc.inject_by_id.get(attack_id)
    if inject is not None:
        return inject.actors
    link = attack_id.rpartition("/")[2]
    return (link.partition(">")[0],) if ">" in link else ()


def _kept(sc: Scenario, events: list[Event], name: Name) -> list[str]:
    honoured: dict[str, list[str]] = {}
    broken: dict[str, list[str]] = {}
    for e in events:
        if isinstance(e, Honoured | Breach):
            treaty = sc.treaty_by_id[e.treaty]
            key = f"{treaty.name} {treaty.obligations[e.article].label}"
            (honoured if isinstance(e, Honoured) else broken).setdefault(key, []).append(name(e.state))
    lines = [f"  Honoured {k}: {_list(v, limit=8)}" for k, v in honoured.items()]
    lines += [f"  Abandoned {k}: {_list(v, limit=8)}" for k, v in broken.items()]
    return lines


_HEADINGS: dict[type[Event], str] = {
    InvocationResolved: "Council", WarBegun: "War", TreatyInForce: "Treaty", MemberWithdrew: "Treaty",
    TreatyDisclosed: "Disclosure", AwaitingDecisions: "Waiting"}


def _line(sc: Scenario, e: Event, name: Name) -> str | None:
    match e:
        case InjectFired():
            return f"[{e.inject_kind}] {e.inject}: {e.text or ''}".rstrip(": ")
        case InjectHeld() | InjectAwaiting():
            return f"(held) {e.inject}: {e.reason}"
        case AttackMade(reopened=False, round=1):
            a = e.attack
            if a.threat:
                return (f"Threat ({a.id}): {e.reason} ({a.kind.traits.label}), short of an attack: "
                        f"consultation is owed, attribution {a.attribution:.0%}")
            occupied = "" if a.resisted else (f"; {name(a.target)} does not resist: occupied "
                                              "without a war, its allies still bound")
            return f"Attack ({a.id}): {e.reason}, attribution {a.attribution:.0%}{occupied}"
        case Conflict():
            return f"Torn between allies: {e.reason}"
        case CascadeRound():
            return f"Cascade, round {e.round}: {', '.join(e.attacks)}"
        case Overridden():
            return f"Umpire overrides {name(e.state)}: {e.response} — {e.reason}"
        case IndicatorsMeasured(cohesion=float() as cohesion):
            cred = e.credibility
            return (f"Indicators, {sc.treaty_by_id[e.treaty].name}: cohesion {cohesion:.2f}"
                    + (f", credibility {cred:.2f}" if cred is not None else ""))
    heading = _HEADINGS.get(type(e))
    return f"{heading}: {e.reason}" if heading else None


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
    if isinstance(event, ObligationExamined):
        return not event.triggered
    return event.kind in QUIET_KINDS


def name_of(sc: Scenario, state: str | None) -> str:
    s = sc.state_by_id.get(state) if state else None
    return s.name if s else (state or "—")


def event_line(sc: Scenario, event: Event) -> str:
    """One line of words for an event. It says only what every reader of the event may read
    (never a private rationale), so one line serves the umpire and the cells."""
    match event:
        case TurnOpened():
            return f"Turn {event.turn} opens ({event.date[:10]})"
        case InjectFired():
            return f"[{event.inject_kind}] {event.text or event.inject}"
        case DecisionTaken() | Overridden():
            head = "Umpire sets" if isinstance(event, Overridden) else "Decision:"
            line = f"{head} {name_of(sc, event.state)} — {event.response} ({event.source}) on {event.attack}"
            return line + (f": “{event.statement}”" if event.statement else "")
        case Note():
            return ("Bookmark: " if event.bookmark else "Note: ") + event.text
        case InjectAwaiting():
            return f"Manual inject {event.inject} waits for the umpire"
        case AwaitingDecisions():
            return "Waiting for: " + ", ".join(f"{name_of(sc, p.state)} on {p.attack}" for p in event.pending)
    return event.reason or str(event.kind)

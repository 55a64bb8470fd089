"""A game told turn by turn, as a facilitator would read it out.

What happened, who was bound, who came and why. Built from the event log
alone, so a saved game, a replay and a live game read the same way. Bound
allies are grouped by article and answers by level, so that a NATO-sized
alliance reads in a few lines; `explain=True` adds each state's reasons.
`event_line` says one event in words, for the console's log and the debrief.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from itertools import groupby

from . import words
from .events import (
    AttackMade,
    AwaitingDecisions,
    Breach,
    CascadeRound,
    Conflict,
    DecisionDeferred,
    DecisionRequested,
    DecisionTaken,
    Event,
    ForcesDeployed,
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
    OptionDeclined,
    OptionLapsed,
    OptionOffered,
    OptionTaken,
    Overridden,
    ReputationChanged,
    TreatyDisclosed,
    TreatyInForce,
    TurnOpened,
    VoteCast,
    WarBegun,
    WarEnded,
)
from .model import RESPONSES, Control, ObligationType, Scenario
from .words import name_of, why_kept

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
                tag += f"; {words.side(name(e.side), True, e.response)}"
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
    TreatyDisclosed: "Disclosure", AwaitingDecisions: "Waiting", WarEnded: "Ceasefire", OptionLapsed: "Option"}


def _line(sc: Scenario, e: Event, name: Name) -> str | None:
    match e:
        case InjectFired():
            return f"[{e.inject_kind}] {e.inject}: {e.text or ''}".rstrip(": ")
        case InjectHeld() | InjectAwaiting():
            return f"(held) {e.inject}: {e.reason}"
        case AttackMade(reopened=False, round=1):
            a = e.attack
            if a.threat:
                return (f"Threat ({a.id}): {e.reason} ({a.kind.traits.label}), {words.THREAT}, "
                        f"attribution {a.attribution:.0%}")
            occupied = "" if a.resisted else f"; {words.occupied(name(a.target))}"
            return f"Attack ({a.id}): {e.reason}, attribution {a.attribution:.0%}{occupied}"
        case Conflict():
            return f"Torn between allies: {e.reason}"
        case CascadeRound():
            return f"Cascade, round {e.round}: {', '.join(e.attacks)}"
        case Overridden():
            return f"Umpire overrides {name(e.state)}: {e.response} — {e.reason}"
        case OptionTaken() | OptionDeclined():
            return _option_words(e, name)
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
            line = (f"{head} {name_of(sc, event.state)} — {event.response} ({event.source}) "
                    f"on {attack_label(sc, event.attack)}")
            return line + (f": “{event.statement}”" if event.statement else "")
        case Note():
            return ("Bookmark: " if event.bookmark else "Note: ") + event.text
        case InjectAwaiting():
            inject = sc.inject_by_id.get(event.inject)
            return f"A manual inject waits for the umpire: {inject.text if inject and inject.text else event.inject}"
        case AwaitingDecisions():
            return "Waiting for: " + ", ".join(f"{name_of(sc, p.state)} on {attack_label(sc, p.attack)}"
                                               for p in event.pending)
        case OptionOffered():
            return f"Option: {name_of(sc, event.state)} decides whether to carry out {event.inject} now"
        case OptionTaken() | OptionDeclined():
            return _option_words(event, lambda s: name_of(sc, s))
        case OptionLapsed():
            return f"Option {event.inject} lapses: not carried out in its window"
        case WarEnded():
            return f"{_NO_LONGER}{name_of(sc, event.aggressor)} and {name_of(sc, event.defender)} ({event.ceasefire})"
        case ForcesDeployed():
            return (f"Forces of {name_of(sc, event.state)} deploy to {name_of(sc, event.host)} "
                    f"({event.size}): a tripwire from now on")
    return event.reason or str(event.kind)


_NO_LONGER = "No longer at war: "


def _option_words(e: OptionTaken | OptionDeclined, name: Name) -> str:
    """An option's choice in words, without its private reasons (the umpire's and the cell's)."""
    done = "carries out" if isinstance(e, OptionTaken) else "does not carry out"
    when = "" if isinstance(e, OptionTaken) else " this turn"
    by = {"umpire": " (the umpire decides)", "script": " (the record)", "player": " (its cell)"}.get(str(e.source), "")
    return f"Option: {name(e.state)} {done} {e.inject}{when}{by}"


# --- a turn's digest, per attack ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DigestLine:
    """An event outside any attack, in words."""
    turn: int
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class Group:
    """A heading and the states under it ("Article 5 of the North Atlantic Treaty (defense)": ...)."""
    heading: str
    states: tuple[str, ...]

    @property
    def text(self) -> str:
        return _list(list(self.states), limit=10)


@dataclass(frozen=True, slots=True)
class AttackDigest:
    """One attack told in a few lines: who is bound, who answered what, who blocked."""
    turn: int
    attack: str
    headline: str
    bound: tuple[Group, ...]
    answers: tuple[Group, ...]          # by level, strongest first, then "still to answer"
    councils: tuple[str, ...]           # invocations declared or blocked
    honoured: tuple[Group, ...]
    abandoned: tuple[Group, ...]
    torn: tuple[str, ...]               # states torn between allies
    cause: str = ""                     # the headline without kind and attribution
    kind: str = "attack"


def digest(sc: Scenario, events: Iterable[Event]) -> list[DigestLine | AttackDigest]:
    """The events (as a viewer may see them) grouped per attack, in the order they came: the
    console's turn log. Events outside any attack are one line each, the quiet ones left out."""
    name: Name = lambda s: name_of(sc, s)  # noqa: E731
    order: list[DigestLine | str] = []
    per: dict[str, list[Event]] = {}
    heads: dict[str, AttackMade] = {}
    for e in events:
        attack = _attack_of(e)
        if attack is None:
            last = order[-1] if order else None
            if isinstance(e, ForcesDeployed) and isinstance(last, DigestLine) and last.kind == str(Kind.INJECT_FIRED):
                # The deployment's own line says it: its forces are part of the same news.
                order[-1] = replace(last, text=f"{last.text} ({event_line(sc, e)})")
            elif e.kind is not Kind.GAME_STARTED and not is_quiet(e):
                order.append(DigestLine(e.turn, str(e.kind), event_line(sc, e)))
            continue
        if attack not in per:
            per[attack] = []
            order.append(attack)
        if isinstance(e, AttackMade):
            heads.setdefault(attack, e)
        per[attack].append(e)
    told = [x if isinstance(x, DigestLine) else _attack_digest(sc, x, heads.get(x), per[x], name)
            for x in order]
    return _merged(told)


def _merged(told: list[DigestLine | AttackDigest]) -> list[DigestLine | AttackDigest]:
    """Runs of alike entries told once: a cascade's wars that bring the same obligations into play
    and meet the same answers (one CSTO line, not twelve), and the wars begun, in one line."""
    out: list[DigestLine | AttackDigest] = []
    for x in told:
        last = out[-1] if out else None
        if isinstance(x, AttackDigest) and isinstance(last, AttackDigest) and _body(x) == _body(last) \
                and x.turn == last.turn:
            out[-1] = replace(last, attack=f"{last.attack} {x.attack}", headline=f"{last.headline}; {x.cause}",
                              cause=f"{last.cause}; {x.cause}")
        elif isinstance(x, DigestLine) and isinstance(last, DigestLine) and x.kind == last.kind == "war" \
                and x.turn == last.turn:
            pairs = [t.removesuffix(_AT_WAR) for t in (last.text.removeprefix("At war: "), x.text)]
            out[-1] = replace(last, text="At war: " + "; ".join(pairs))
        elif isinstance(x, DigestLine) and isinstance(last, DigestLine) and x.kind == last.kind == "war-ended" \
                and x.turn == last.turn:
            out[-1] = replace(last, text=f"{last.text}; {x.text.removeprefix(_NO_LONGER)}")
        else:
            out.append(x)
    return out


_AT_WAR = " are at war"


def _body(d: AttackDigest) -> tuple[object, ...]:
    return (d.bound, d.answers, d.councils, d.honoured, d.abandoned, d.torn)


def _attack_of(e: Event) -> str | None:
    if isinstance(e, AttackMade):
        return e.attack.id
    if isinstance(e, ObligationExamined | DecisionTaken | DecisionDeferred | Overridden | Honoured | Breach
                  | InvocationResolved | Conflict | DecisionRequested | VoteCast):
        return e.attack
    return None


def _attack_digest(sc: Scenario, attack: str, head: AttackMade | None, events: list[Event],
                   name: Name) -> AttackDigest:
    if head is not None:
        a = head.attack
        headline = f"{head.reason} ({a.kind.traits.label or a.kind}, attribution {a.attribution:.0%})"
    else:
        headline = f"Still at issue: {attack}"
    cause = head.reason if head is not None else headline
    bound: dict[str, list[str]] = {}
    for e in events:
        if isinstance(e, ObligationExamined) and e.triggered and e.type is not ObligationType.NONAGGRESSION:
            _add(bound, _commitment(sc, e.treaty, e.article), name(e.ally))
    final: dict[str, str] = {}
    asked: dict[str, bool] = {}          # state: whether its cell answers (else the doctrine, at the close)
    for e in events:
        if isinstance(e, DecisionRequested):
            asked.setdefault(e.state, e.control is Control.PLAYER)
        elif isinstance(e, DecisionTaken | Overridden):
            tag = _SOURCE_WORDS.get(str(e.source), str(e.source))
            if isinstance(e, DecisionTaken) and e.source == "doctrine" and "deadline" in (e.reason or ""):
                tag = "doctrine, at the deadline"
            final[e.state] = f"{e.response}|{name(e.state)} ({tag})"
        elif isinstance(e, DecisionDeferred):
            final.setdefault(e.state, f"later|{name(e.state)}")
    answers: dict[str, list[str]] = {}
    for value in final.values():
        level, who = value.split("|", 1)
        _add(answers, level, who)
    levels = [str(r) for r in reversed(RESPONSES)] + ["later"]
    groups = [Group(level, tuple(answers[level])) for level in levels if level in answers]
    for heading, cell in (("cells still to answer", True), ("the doctrine answers at the close", False)):
        waiting = tuple(name(s) for s, c in asked.items() if c is cell and s not in final)
        if waiting:
            groups.append(Group(heading, waiting))
    honoured: dict[str, list[str]] = {}
    broken: dict[str, list[str]] = {}
    for e in events:
        if isinstance(e, Honoured | Breach):
            # The answer and the article's type say why: `diplomatic` keeps a consultation article
            # and abandons a defence article.
            why = f" — {why_kept(e.type, None if isinstance(e, Honoured) else e.response)}"
            _add(honoured if isinstance(e, Honoured) else broken, _commitment(sc, e.treaty, e.article) + why,
                 name(e.state))
    return AttackDigest(
        turn=events[0].turn, attack=attack, headline=headline,
        bound=tuple(Group(k, tuple(v)) for k, v in bound.items()), answers=tuple(groups),
        councils=tuple(_council(sc, e, name) for e in events if isinstance(e, InvocationResolved)),
        honoured=tuple(Group(k, tuple(v)) for k, v in honoured.items()),
        abandoned=tuple(Group(k, tuple(v)) for k, v in broken.items()),
        torn=tuple(f"{name(e.state)}: {e.reason}" for e in events if isinstance(e, Conflict)), cause=cause)


def _commitment(sc: Scenario, treaty_id: str, article: int) -> str:
    treaty = sc.treaty_by_id.get(treaty_id)
    if treaty is None or article >= len(treaty.obligations):
        return treaty_id
    ob = treaty.obligations[article]
    return f"{treaty.name}, {ob.label}"


def _council(sc: Scenario, e: InvocationResolved, name: Name) -> str:
    treaty = sc.treaty_by_id[e.treaty].name if e.treaty in sc.treaty_by_id else e.treaty
    if e.declared:
        return f"{treaty}: casus foederis declared ({len(e.yes)} for, {len(e.no)} against)"
    blocked = f", blocked by {_list([name(s) for s in e.blocked_by], limit=8)}" if e.blocked_by else ""
    return f"{treaty}: casus foederis not declared{blocked}"


def _add(groups: dict[str, list[str]], key: str, item: str) -> None:
    items = groups.setdefault(key, [])
    if item not in items:
        items.append(item)


def attack_label(sc: Scenario, attack_id: str) -> str:
    """An attack named from its id alone: a war the cascade spread ("origin/A>B") by its states'
    names, a scenario's inject by its kind and target, an ad-hoc one as the umpire's."""
    if "/" in attack_id and ">" in attack_id:
        side = attack_id.rsplit("/", 1)[1]
        aggressor, _, defender = side.partition(">")
        return f"{name_of(sc, aggressor)} against {name_of(sc, defender)}"
    inject = sc.inject_by_id.get(attack_id)
    if inject is not None and inject.target:
        who = ", ".join(name_of(sc, a) for a in inject.actors) or "unknown attackers"
        return f"{who} against {name_of(sc, inject.target)}"
    if attack_id.startswith("adhoc-"):
        return "the umpire's inject " + attack_id.removeprefix("adhoc-").replace("-", ".")
    return attack_id

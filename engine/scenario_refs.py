"""The semantic pass: what a schema cannot say.

References to states, treaties and injects exist, ids are unique, a leader is a
member, turns fall within the game and every turn has a date, relation and
deployment ends differ, effect paths name real states and fitting values. Every
access is guarded, so the pass runs on data the schema pass has refused and
still finds the rest.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from .model import ATTACK_KINDS, THREAT_KINDS, Regime, TurnLength, turn_date
from .scenario_report import Report, format_path, show
from .yamlsource import Path

__all__ = ["semantic_pass"]

def _entries(data: dict[str, Any], key: str) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The mappings of a top-level list, with their paths; anything else is the schema's business."""
    items = data.get(key)
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield (key, index), item


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_attack(kind: Any) -> bool:
    return isinstance(kind, str) and kind in ATTACK_KINDS


def _is_threat(inject: dict[str, Any]) -> bool:
    """A statement, intelligence report, mobilization or deployment by an actor against a target."""
    kind = inject.get("kind")
    return (isinstance(kind, str) and kind in THREAT_KINDS and bool(inject.get("actor"))
            and isinstance(inject.get("target"), str))


def _unique_ids(data: dict[str, Any], key: str, report: Report) -> set[str]:
    first: dict[str, Path] = {}
    for path, item in _entries(data, key):
        ident = item.get("id")
        if not isinstance(ident, str):
            continue
        if ident in first:
            line = report.doc.locate(first[ident] + ("id",))[0]
            where = f"line {line}" if line else format_path(first[ident])
            report.flag(path + ("id",), f"duplicate id {ident!r} (first at {where})")
        else:
            first[ident] = path
    return set(first)


class _Names:
    """The ids a scenario defines, for reference checks."""

    def __init__(self, data: dict[str, Any], report: Report):
        self.states = _unique_ids(data, "states", report)
        self.treaties = _unique_ids(data, "treaties", report)
        self.injects = _unique_ids(data, "injects", report)
        self.members = {item["id"]: item.get("members") for _, item in _entries(data, "treaties")
                        if isinstance(item.get("id"), str) and isinstance(item.get("members"), list)}
        self.kinds = {item["id"]: item.get("kind") for _, item in _entries(data, "injects")
                      if isinstance(item.get("id"), str)}
        self.threats = {item["id"] for _, item in _entries(data, "injects")
                        if isinstance(item.get("id"), str) and _is_threat(item)}
        turns = data.get("turns")
        self.turns: int | None = turns if isinstance(turns, int) and _is_int(turns) and 1 <= turns <= 1000 else None


_KNOWN = {"state": "states", "treaty": "treaties", "inject": "injects"}


def _ref(report: Report, path: Path, value: Any, known: set[str], what: str) -> bool:
    """Flag a reference to an id that does not exist; True if it does."""
    if not isinstance(value, str):
        return False
    if value in known:
        return True
    hint = report.suggest(value, known) or f" (no such id in {_KNOWN[what]})"
    report.flag(path, f"unknown {what} {value!r}{hint}")
    return False


def _refs(report: Report, path: Path, value: Any, known: set[str], what: str) -> None:
    """A reference or a list of them."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            _ref(report, path + (index,), item, known, what)
    else:
        _ref(report, path, value, known, what)


def semantic_pass(data: dict[str, Any], report: Report) -> None:
    names = _Names(data, report)
    _check_calendar(data, names, report)
    _check_relations(data, names, report)
    _check_deployments(data, names, report)
    for path, treaty in _entries(data, "treaties"):
        _check_treaty(path, treaty, names, report)
    for path, inject in _entries(data, "injects"):
        _check_inject(path, inject, names, report)
    for path, entry in _entries(data, "script"):
        _check_script(path, entry, names, report)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def _check_calendar(data: dict[str, Any], names: _Names, report: Report) -> None:
    """Time passes in every turn, and the last turn still has a date (the calendar
    ends at 9999-12-31): the console and the narrative date every turn they show.
    Dates only grow with the turn, so the last turn's date settles every turn's."""
    iso = data.get("turn_length", "P1D")
    start = data.get("start")
    where: Path = ("turn_length",) if "turn_length" in data else ("start",)
    if not isinstance(iso, str):
        return  # the schema pass has said what a duration looks like
    try:
        length = TurnLength.parse(iso)
    except ValueError as exc:
        if "calendar" in str(exc):
            report.flag(where, str(exc))
        return  # else not a duration at all: the schema pass has said so
    if length.empty:
        report.flag(where, f"{show(iso)} is no time at all: a turn must last at least a second (PT1S)")
        return
    if not (isinstance(start, str) and _ISO_DATE.fullmatch(start)) or names.turns is None:
        return
    try:
        first = dt.date.fromisoformat(start)
    except ValueError:
        return  # not a date: the schema pass has said so
    try:
        turn_date(first, length, names.turns)
    except ValueError:
        report.flag(where, f"turn {names.turns} of {length.iso} from {start} falls after 9999-12-31, "
                           f"the last date the calendar knows: start earlier, or have fewer or shorter turns")


def _check_relations(data: dict[str, Any], names: _Names, report: Report) -> None:
    seen: dict[tuple[str, str], Path] = {}
    for path, rel in _entries(data, "relations"):
        source, target = rel.get("from"), rel.get("to")
        _ref(report, path + ("from",), source, names.states, "state")
        _ref(report, path + ("to",), target, names.states, "state")
        if not (isinstance(source, str) and isinstance(target, str)):
            continue
        if source == target:
            report.flag(path + ("to",), f"a relation joins two different states; "
                                        f"from and to are both {source!r}")
        elif (source, target) in seen:
            report.flag(path, f"the dyad {source} -> {target} is given twice "
                              f"(first at {format_path(seen[(source, target)])})", start=True)
        else:
            seen[(source, target)] = path


def _check_deployments(data: dict[str, Any], names: _Names, report: Report) -> None:
    for path, dep in _entries(data, "deployments"):
        state, host = dep.get("state"), dep.get("host")
        _ref(report, path + ("state",), state, names.states, "state")
        _ref(report, path + ("host",), host, names.states, "state")
        if isinstance(state, str) and state == host:
            report.flag(path + ("host",), f"forces are deployed abroad; state and host are "
                                          f"both {state!r}")


def _check_treaty(path: Path, treaty: dict[str, Any], names: _Names, report: Report) -> None:
    members = treaty.get("members")
    members = [m for m in members if isinstance(m, str)] if isinstance(members, list) else []
    _refs(report, path + ("members",), treaty.get("members"), names.states, "state")
    leader = treaty.get("leader")
    if _ref(report, path + ("leader",), leader, names.states, "state") and leader not in members:
        report.flag(path + ("leader",), f"the leader {leader!r} is not a member of the treaty")
    beneficiaries = treaty.get("beneficiaries")
    if isinstance(beneficiaries, list):
        for index, state in enumerate(beneficiaries):
            here = path + ("beneficiaries", index)
            if _ref(report, here, state, names.states, "state") and state in members:
                report.flag(here, f"{state!r} is a member; beneficiaries are the non-members "
                                  f"the treaty also protects")
    _check_at_signing(path, treaty.get("at_signing"), members, names, report)
    obligations = treaty.get("obligations")
    if isinstance(obligations, list):
        for index, obligation in enumerate(obligations):
            if isinstance(obligation, dict):
                _check_obligation(path + ("obligations", index), obligation, members, names, report)


def _check_at_signing(path: Path, at_signing: Any, members: list[str], names: _Names,
                      report: Report) -> None:
    """The situation at signing speaks of the treaty's own members."""
    if not isinstance(at_signing, dict):
        return
    for key in ("power", "regime"):
        table = at_signing.get(key)
        if not isinstance(table, dict):
            continue
        for state in table:
            here = path + ("at_signing", key, state)
            if _ref(report, here, state, names.states, "state") and state not in members:
                report.flag(here, f"{state!r} is not a member; at_signing gives the members' "
                                  f"{key} when the treaty was signed")


def _check_obligation(path: Path, obligation: dict[str, Any], members: list[str], names: _Names,
                      report: Report) -> None:
    adversaries = obligation.get("adversaries")
    if isinstance(adversaries, list):
        _refs(report, path + ("adversaries",), adversaries, names.states, "state")
    bound = obligation.get("asymmetric_to")
    if isinstance(bound, list):
        for index, state in enumerate(bound):
            here = path + ("asymmetric_to", index)
            if _ref(report, here, state, names.states, "state") and state not in members:
                report.flag(here, f"{state!r} is not a member; asymmetric_to lists the members "
                                  f"who owe the obligation")
    # The states an obligation waits for need not be members (France for the 1935
    # Soviet-Czechoslovak pact): each honours its own obligation, under another treaty.
    _refs(report, path + ("conditional_on",), obligation.get("conditional_on"), names.states, "state")
    _members_only(path, obligation, "owed_to", members, names, report,
                  "lists the members a one-sided obligation is owed to")
    if isinstance(obligation.get("owed_to"), list) and not isinstance(bound, list):
        report.flag(path + ("owed_to",), "owed_to says to whom a one-sided obligation is owed: "
                                         "name who owes it in asymmetric_to too")
    if obligation.get("trigger") == "mobilization" and not isinstance(adversaries, list):
        report.flag(path + ("trigger",), "trigger: mobilization answers the mobilization of a named "
                                         "adversary: list the adversaries")


def _members_only(path: Path, obligation: dict[str, Any], key: str, members: list[str],
                  names: _Names, report: Report, role: str) -> None:
    states = obligation.get(key)
    if not isinstance(states, list):
        return
    for index, state in enumerate(states):
        here = path + (key, index)
        if _ref(report, here, state, names.states, "state") and state not in members:
            report.flag(here, f"{state!r} is not a member; {key} {role}")


def _check_turn(path: Path, turn: Any, names: _Names, report: Report) -> None:
    if _is_int(turn) and names.turns is not None and turn > names.turns:
        report.flag(path, f"turn {turn} is after the last turn of the scenario (turns: {names.turns})")


def _check_inject(path: Path, inject: dict[str, Any], names: _Names, report: Report) -> None:
    _check_turn(path + ("turn",), inject.get("turn"), names, report)
    actor, target = inject.get("actor"), inject.get("target")
    _refs(report, path + ("actor",), actor, names.states, "state")
    _ref(report, path + ("target",), target, names.states, "state")
    _ref(report, path + ("territory",), inject.get("territory"), names.states, "state")
    actors = actor if isinstance(actor, list) else [actor]
    if _is_attack(inject.get("kind")) and isinstance(target, str) and target in actors:
        report.flag(path + ("target",), f"{target!r} cannot attack itself: actor and target differ")
    if inject.get("resisted") is False and not _is_attack(inject.get("kind")):
        report.flag(path + ("resisted",), f"resisted: false says that the target of an attack does not "
                                          f"resist; a {inject.get('kind')} inject is no attack")
    _check_option(path, inject, names, report)
    visibility = inject.get("visibility")
    if isinstance(visibility, list):
        _refs(report, path + ("visibility",), visibility, names.states, "state")
    _check_requires(path, inject, names, report)
    _check_invites(path, inject, names, report)
    treaty = inject.get("treaty")
    if _ref(report, path + ("treaty",), treaty, names.treaties, "treaty"):
        _check_party(path, inject, actors, names.members.get(treaty), report)
    effects = inject.get("effects")
    if isinstance(effects, list):
        for index, effect in enumerate(effects):
            if isinstance(effect, dict):
                _check_effect(path + ("effects", index), effect, names, report)


def _check_option(path: Path, inject: dict[str, Any], names: _Names, report: Report) -> None:
    """`until` and `resolve` belong to an option; an option's window runs forward within the game."""
    kind, target = inject.get("kind"), inject.get("target")
    if kind == "ceasefire" and isinstance(target, str) and target == inject.get("actor"):
        report.flag(path + ("target",), "a ceasefire is made between two states: actor and target differ")
    if inject.get("option") is not True:
        for key in ("until", "resolve"):
            if key in inject:
                report.flag(path + (key,), f"{key} belongs to an option: add option: true, or remove {key}")
        return
    if inject.get("manual") is True:
        report.flag(path + ("manual",), "an option is decided by its actor, a manual inject by the umpire: "
                                        "keep one of option: true and manual: true")
    if not inject.get("actor"):
        report.flag(path + ("option",), "an option is a choice of its actor: name the actor")
    until, turn = inject.get("until"), inject.get("turn")
    if isinstance(until, int) and isinstance(turn, int) and _is_int(until) and until < turn:
        report.flag(path + ("until",), f"until: {until} is before the option's first turn ({turn})")
    _check_turn(path + ("until",), until, names, report)


def _check_invites(path: Path, inject: dict[str, Any], names: _Names, report: Report) -> None:
    """An invitation is the target's request for help against an attack."""
    invites = inject.get("invites")
    if not isinstance(invites, list):
        return
    if not _is_attack(inject.get("kind")):
        report.flag(path + ("invites",), f"invites lists the states an attack's target asked in; "
                                         f"a {inject.get('kind')} inject is no attack: remove invites "
                                         f"or make the inject an attack")
        return
    for index, state in enumerate(invites):
        here = path + ("invites", index)
        if _ref(report, here, state, names.states, "state") and state == inject.get("target"):
            report.flag(here, f"{state!r} is the target; invites lists the states it asked to help it")


def _check_requires(path: Path, inject: dict[str, Any], names: _Names, report: Report) -> None:
    requires = inject.get("requires")
    if not isinstance(requires, list):
        return
    for index, other in enumerate(requires):
        here = path + ("requires", index)
        if _ref(report, here, other, names.injects, "inject") and other == inject.get("id"):
            report.flag(here, "an inject cannot require itself")


def _check_party(path: Path, inject: dict[str, Any], actors: list[Any], members: Any,
                 report: Report) -> None:
    """Joining or leaving a treaty is done by its members."""
    if inject.get("kind") not in ("treaty-signed", "treaty-withdrawal") or not isinstance(members, list):
        return
    for index, actor in enumerate(actors):
        if isinstance(actor, str) and actor not in members:
            here = path + ("actor",) + ((index,) if isinstance(inject.get("actor"), list) else ())
            report.flag(here, f"{actor!r} is not a member of treaty {inject.get('treaty')!r}")


_EFFECT_PATH = re.compile(r"(relations)\.([^.]+)\.([^.]+)\.(threat|affinity|trade)"
                          r"|(states)\.([^.]+)\.(power|regime|burden_sharing)")
_EFFECT_RANGES = {"threat": (0, 1), "affinity": (-1, 1), "trade": (0, 1),
                  "power": (0, 100), "burden_sharing": (0, 1)}


def _check_effect(path: Path, effect: dict[str, Any], names: _Names, report: Report) -> None:
    target = effect.get("set")
    match = _EFFECT_PATH.fullmatch(target) if isinstance(target, str) else None
    if match is None:
        return  # the schema pass has said what an effect path looks like
    here = path + ("set",)
    if match.group(1):
        source, other, name = match.group(2, 3, 4)
        known = [_ref(report, here, s, names.states, "state") for s in (source, other)]
        if all(known) and source == other:
            report.flag(here, f"a relation joins two different states; both ends are {source!r}")
    else:
        _ref(report, here, match.group(6), names.states, "state")
        name = match.group(7)
    if "value" in effect:
        _check_effect_value(path + ("value",), name, effect["value"], report)


def _check_effect_value(path: Path, name: str, value: Any, report: Report) -> None:
    if name == "regime":
        if value not in tuple(Regime):
            report.flag(path, f"{name} takes one of {', '.join(Regime)}, got {show(value)}")
        return
    low, high = _EFFECT_RANGES[name]
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number or not low <= value <= high:
        report.flag(path, f"{name} takes a number in {low}..{high}, got {show(value)}")


def _check_script(path: Path, entry: dict[str, Any], names: _Names, report: Report) -> None:
    _check_turn(path + ("turn",), entry.get("turn"), names, report)
    _ref(report, path + ("state",), entry.get("state"), names.states, "state")
    inject = entry.get("inject")
    if _ref(report, path + ("inject",), inject, names.injects, "inject"):
        kind = names.kinds.get(inject)
        if not _is_attack(kind) and inject not in names.threats:
            report.flag(path + ("inject",), f"a recorded decision answers an attack or a threat (a "
                                            f"statement, intelligence, mobilization or deployment with "
                                            f"an actor and a target); {inject!r} is a {kind} inject "
                                            f"without both an actor and a target")
    _ref(report, path + ("treaty",), entry.get("treaty"), names.treaties, "treaty")
    side = entry.get("side")
    if _ref(report, path + ("side",), side, names.states, "state") and side == entry.get("state"):
        report.flag(path + ("side",), f"{side!r} cannot answer on its own side: side names the "
                                      f"state it stands by (the attacked, an ally or an attacker)")


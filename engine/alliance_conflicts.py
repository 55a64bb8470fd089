"""Conflicts: a state bound to both sides of an attack, with no answer that honours all.

A state is torn when its binding obligations toward the victim and toward an
attacker admit no common answer on the response scale: defense or
consultation of the victim with offense for the attacker, neutrality toward the
victim with offense, defense of the victim with neutrality toward the attacker
(neutrality forbids arming the partner's enemy). A non-aggression pact calls
for no answer and takes no part.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .attack import Attack, Trigger
from .model import ObligationType, Response


@dataclass(frozen=True, slots=True)
class Conflict:
    """A state bound to both sides of an attack, with no answer that honours all."""
    state: str
    honour_victim: tuple[Trigger, ...]
    honour_attacker: tuple[Trigger, ...]
    text: str

    @property
    def attack(self) -> str:
        return self.honour_victim[0].attack


_R, _T = Response, ObligationType
_ANY_ANSWER = frozenset(_R)

# On the victim's scale (hostile = aiding the attacker), the answers that honour
# an obligation, by (type, owed to the victim?). Offense for an attacker means
# siding with it; neutrality toward an attacker forbids arming its enemy. The
# scale and what honours each type: SCENARIO_FORMAT.md, "Response scale".
_ANSWERS_ON_VICTIM_SCALE: dict[tuple[ObligationType, bool], frozenset[Response]] = {
    (_T.DEFENSE, True): frozenset({_R.LIMITED, _R.FULL}),
    (_T.CONSULTATION, True): frozenset({_R.DIPLOMATIC, _R.LIMITED, _R.FULL}),
    (_T.NEUTRALITY, True): frozenset({_R.NEUTRAL, _R.DIPLOMATIC, _R.LIMITED, _R.FULL}),
    (_T.OFFENSE, False): frozenset({_R.HOSTILE}),
    (_T.NEUTRALITY, False): frozenset({_R.HOSTILE, _R.NEUTRAL, _R.DIPLOMATIC}),
    # Never binding (defensive articles toward an attacker), kept for completeness.
    (_T.DEFENSE, False): _ANY_ANSWER, (_T.CONSULTATION, False): _ANY_ANSWER,
    (_T.OFFENSE, True): _ANY_ANSWER,
}

_OWED = {
    _T.DEFENSE: "defense of", _T.OFFENSE: "joining", _T.NEUTRALITY: "neutrality toward",
    _T.CONSULTATION: "consultation with", _T.NONAGGRESSION: "non-aggression toward",
}


def find_conflicts(attack: Attack, triggers: Iterable[Trigger], name: Callable[[str], str],
                   title: Callable[[Trigger], str]) -> tuple[Conflict, ...]:
    """The states torn by `attack`, in the order of their first trigger. `name` gives a
    state's name, `title` the title of the article a trigger examined."""
    victim, attacker = _by_side(attack, triggers)
    conflicts = []
    for state in victim:          # insertion order: the triggers' order
        if state in attacker and not _common_answers(attack, victim[state] + attacker[state]):
            conflicts.append(_conflict(state, victim[state], attacker[state], name, title))
    return tuple(conflicts)


def _by_side(attack: Attack, triggers: Iterable[Trigger]
             ) -> tuple[dict[str, list[Trigger]], dict[str, list[Trigger]]]:
    """Each state's binding obligations toward the victim, and toward an attacker."""
    victim: dict[str, list[Trigger]] = {}
    attacker: dict[str, list[Trigger]] = {}
    for t in triggers:
        if not t.triggered or t.attack != attack.id or t.type is _T.NONAGGRESSION:
            continue
        side = victim if t.partner == attack.target else attacker
        side.setdefault(t.ally, []).append(t)
    return victim, attacker


def _common_answers(attack: Attack, triggers: list[Trigger]) -> frozenset[Response]:
    options = _ANY_ANSWER
    for t in triggers:
        options &= _ANSWERS_ON_VICTIM_SCALE[t.type, t.partner == attack.target]
    return options


def _conflict(state: str, victim: list[Trigger], attacker: list[Trigger],
              name: Callable[[str], str], title: Callable[[Trigger], str]) -> Conflict:
    def owed(t: Trigger) -> str:
        return f"{_OWED[t.type]} {name(t.partner)} ({title(t)})"
    text = (f"{name(state)} is bound to both sides and no single response honours all: "
            f"{'; '.join(owed(t) for t in victim)}, against {'; '.join(owed(t) for t in attacker)}")
    return Conflict(state, tuple(victim), tuple(attacker), text)

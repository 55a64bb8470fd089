"""The cascade of wars: attacks, the wars their answers begin, the wars those begin (1914).

A round's attacks fall together: each attack that starts a war (an armed
attack) makes its attackers and its target belligerents before anyone answers,
so a state counted toward `min_adversaries` is at war from its round on. Then,
attack by attack in order, the triggers are found and the `decide` callback
answers for the bound allies (and whoever else it chooses). A decision begins a
war:
* `full` on the victim's side: the decider against each attacker, with
  provoked=True since the attacker struck first -- so an attacker's allies with
  a non-provocation clause are not bound, as Italy argued in 1914;
* `full` on an attacker's side: the decider against the victim (provoked=False).
A decision's `side` is read as the victim's unless it names an attacker.
`limited`, `diplomatic`, `neutral` and `hostile` begin no war: `hostile` is aid
to the attacker (arms, bases, money: the United States toward Britain in 1982),
not belligerency, which takes `full` on the attacker's side or an attack of its
own. Nor do the answers of the attack's own parties begin one.

A threat (a statement, intelligence report, mobilization or deployment with an
actor and a target) begins no war, whatever its answers; nor does an attack whose
target does not resist (`resisted: false`: it occupies, and its target's allies
are still asked).

An obligation with `conditional_on` is asked last: once the round's other answers
to the attack are in (and the answers given earlier this turn), it binds if the
members it waits for honoured their own; otherwise it is recorded as not owed
(`engine.casus_foederis.condition_unmet`), and no breach follows.

No attack is made on a pair already at war or already due to fight. Each war
becomes an attack of the next round; the cascade stops when a round begins
none, or after `max_rounds` (then `truncated`). A state that has answered an
attack by the same attackers on the same target is not asked again, and only a
state's first answer to an attack counts.

How long a cascade can run: every round after the first begins at least one
war between a pair not at war before, so a cascade never needs more than
1 + n(n-1)/2 rounds for n states. The number of states plus one is not enough:
a war can break out between two states already fighting others (four states can
chain six rounds).
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from .alliance_conflicts import Conflict
from .alliance_graph import AllianceGraph
from .attack import Attack, Trigger
from .casus_foederis import condition_unmet
from .model import Decision, InjectKind, Obligation, Response, Scenario
from .world import IdentityMemo, War, World


@dataclass(frozen=True, slots=True)
class Round:
    """One round of a cascade: its attacks, what they triggered, who answered."""
    number: int
    attacks: tuple[Attack, ...]
    triggers: tuple[Trigger, ...]
    decisions: tuple[Decision, ...]
    wars_begun: tuple[War, ...]
    conflicts: tuple[Conflict, ...]


@dataclass(frozen=True, slots=True)
class CascadeResult:
    rounds: tuple[Round, ...]
    world: World
    truncated: bool
    pending: tuple[Attack, ...] = ()   # the attacks a truncated cascade left unexamined

    @property
    def wars_begun(self) -> tuple[War, ...]:
        return tuple(w for r in self.rounds for w in r.wars_begun)

    @property
    def decisions(self) -> tuple[Decision, ...]:
        return tuple(d for r in self.rounds for d in r.decisions)


Decide = Callable[[Attack, World, tuple[Trigger, ...]], Sequence[Decision]]

# For a caller that gives no bound: the turn's (engine.turn.MAX_CASCADE_ROUNDS, which the
# turn passes itself). The longest cascade of the golden replays runs four rounds; the
# docstring above gives the bound a cascade can need.
_MAX_ROUNDS = 12


def cascade(world: World, attacks: Sequence[Attack], decide: Decide,
            max_rounds: int = _MAX_ROUNDS, all_triggers: bool = True,
            graph: AllianceGraph | None = None,
            earlier: Iterable[tuple[Attack, Decision]] = (),
            reopened: Collection[str] = frozenset()) -> CascadeResult:
    """Resolve attacks, the wars their answers begin, the wars those begin, ...

    Round 1 examines `attacks`; each later round the wars the previous round's
    decisions began. See the module's docstring for the rules. With
    `all_triggers=False` the rounds keep only the binding triggers (faster, for
    batch runs that need no explanation of what did not bind). `earlier` are answers given
    before the cascade (earlier turns), read by conditional obligations: an iterable read
    only when such an obligation is met (most cascades meet none). `reopened`: the ids of the
    attacks of round 1 made on an earlier turn and still at issue (a state answers them only
    now): each began its own war on its turn, and a ceasefire may have ended that war since, so
    it does not begin it again; the answers it gets now may begin theirs.
    """
    run = _Cascade(world, graph or AllianceGraph(world), decide, all_triggers, earlier, reopened)
    todo = tuple(attacks)
    while todo and len(run.rounds) < max_rounds:
        todo = run.play_round(todo)
    return CascadeResult(tuple(run.rounds), run.world, truncated=bool(todo), pending=todo)


class _Cascade:
    """What a cascade carries from round to round: the world, wars, who has answered what."""

    def __init__(self, world: World, graph: AllianceGraph, decide: Decide, all_triggers: bool,
                 earlier: Iterable[tuple[Attack, Decision]], reopened: Collection[str] = frozenset()) -> None:
        self.world, self.graph, self.decide, self.all_triggers = world, graph, decide, all_triggers
        self.at_war = {w.pair for w in world.wars}
        self.answered: dict[tuple[frozenset[str], str, bool], set[str]] = {}
        self.rounds: list[Round] = []
        self.given: list[tuple[Attack, Decision]] = []  # this cascade's answers, in order
        self._earlier: Iterable[tuple[Attack, Decision]] | None = earlier
        self.reopened = reopened
        self.conditional = _conditional(world.scenario)

    def answers_so_far(self) -> list[tuple[Attack, Decision]]:
        """Every answer so far, the earlier turns' first, for conditional obligations."""
        if self._earlier is not None:
            self.given[:0] = self._earlier
            self._earlier = None
        return self.given

    def play_round(self, todo: tuple[Attack, ...]) -> tuple[Attack, ...]:
        """Play one round of attacks; the attacks of the next round, from the wars it began."""
        # A round's attacks fall together: their wars stand before anyone answers.
        again = self.reopened if not self.rounds else ()
        begun = [war for attack in todo if attack.id not in again for war in _wars_of(attack, self.at_war)]
        if begun:
            self.world = self.world.evolve(wars=self.world.wars + tuple(begun))
        view = self.graph.at(self.world)
        found: list[Trigger] = []
        decisions: list[Decision] = []
        conflicts: list[Conflict] = []
        coming: list[Attack] = []
        due: set[frozenset[str]] = set()
        for attack in todo:
            triggers = view.triggers(attack) if self.all_triggers else view.binding(attack)
            conflicts.extend(view.conflicts(attack, triggers))
            threat = attack.threat  # read once for the attack's answers and the wars they begin
            answers, triggers = self._answers(attack, triggers, threat)
            found.extend(triggers)
            decisions.extend(answers)
            coming.extend(self._wars_from(answers, attack, due, threat))
        self.rounds.append(Round(len(self.rounds) + 1, todo, tuple(found), tuple(decisions),
                                 tuple(begun), tuple(conflicts)))
        return tuple(coming)

    def _answers(self, attack: Attack, triggers: tuple[Trigger, ...], threat: bool
                 ) -> tuple[list[Decision], tuple[Trigger, ...]]:
        """Ask `decide` about the bound states that have not answered these attackers on
        this target; keep each state's first answer. Obligations with `conditional_on` are
        judged after the others' answers; the triggers come back with those that wait in vain
        marked not binding."""
        # A threat and an attack by the same states on the same target are answered apart.
        already = self.answered.setdefault((frozenset(attack.attackers), attack.target, threat), set())
        conditional = self.conditional
        waits: Collection[Trigger] = (
            {t for t in triggers if t.triggered and (t.treaty, t.article) in conditional} if conditional else ())
        if not waits:  # the common case: no trigger to hash (a dataclass's hash reads every field)
            ask = [t for t in triggers if t.triggered and t.ally not in already]
            # All of them: the tuple itself, which the decider keeps what it read by (engine.decide).
            return self._ask(attack, triggers if len(ask) == len(triggers) else tuple(ask), already), triggers
        answers = self._ask(attack, tuple(t for t in triggers if t.triggered and t not in waits
                                          and t.ally not in already), already)
        met: list[Trigger] = []
        judged: dict[Trigger, Trigger] = {}
        for t in triggers:
            if t in waits:
                why = condition_unmet(self._obligation(t), t, self.answers_so_far(), self.graph.name)
                judged[t] = t if why is None else replace(t, triggered=False, reason=why)
                if why is None and t.ally not in already:
                    met.append(t)
        answers += self._ask(attack, tuple(met), already)
        return answers, tuple(judged.get(t, t) for t in triggers)

    def _ask(self, attack: Attack, ask: tuple[Trigger, ...], already: set[str]) -> list[Decision]:
        answers = []
        for answer in self.decide(attack, self.world, ask):
            if answer.state not in already:   # one answer per state: the first
                already.add(answer.state)
                answers.append(answer)
                self.given.append((attack, answer))
        return answers

    def _obligation(self, t: Trigger) -> Obligation:
        return self.world.scenario.treaty_by_id[t.treaty].obligations[t.article]

    def _wars_from(self, answers: list[Decision], attack: Attack, due: set[frozenset[str]], threat: bool
                   ) -> list[Attack]:
        """The wars the answers begin, each an attack of the next round (once per pair)."""
        coming = []
        for decision in answers:
            enemies, provoked = _enemies_from(decision, attack, threat)
            for enemy in enemies:
                pair = frozenset((decision.state, enemy))
                if pair not in self.at_war and pair not in due:
                    due.add(pair)
                    coming.append(_war_on(decision.state, enemy, provoked, attack, self.world))
        return coming


_CONDITIONAL = IdentityMemo()


def _conditional(scenario: Scenario) -> frozenset[tuple[str, int]]:
    """The (treaty, article) of every obligation with `conditional_on`, read once per scenario:
    every attack of every cascade asks it of each binding trigger."""
    memo = _CONDITIONAL.scratch(scenario)
    found: frozenset[tuple[str, int]] | None = memo.get("conditional")
    if found is None:
        found = memo["conditional"] = frozenset(
            (t.id, i) for t in scenario.treaties for i, o in enumerate(t.obligations) if o.conditional_on)
    return found


def _wars_of(attack: Attack, at_war: set[frozenset[str]]) -> list[War]:
    """The wars an attack begins (and records in `at_war`)."""
    if not attack.starts_war:
        return []
    begun = []
    for x in dict.fromkeys(attack.attackers):
        pair = frozenset((x, attack.target))
        if x != attack.target and pair not in at_war:
            at_war.add(pair)
            begun.append(War(x, attack.target))
    return begun


def _enemies_from(decision: Decision, attack: Attack, threat: bool | None = None) -> tuple[tuple[str, ...], bool]:
    """Whom a decision makes war on (and whether they provoked it): a
    belligerent answer is a war of its own. `threat`: `attack.threat`, when the caller has read it."""
    if decision.response is not Response.FULL:
        return (), False  # only a full answer makes war (most answers are not: asked first)
    if threat is None:
        threat = attack.threat
    if threat or decision.state == attack.target or decision.state in attack.attackers:
        return (), False
    if decision.side not in attack.attackers:
        return tuple(dict.fromkeys(attack.attackers)), True
    return (attack.target,), False


def _war_on(state: str, enemy: str, provoked: bool, attack: Attack, world: World) -> Attack:
    origin = attack.origin or attack.id
    return Attack(id=f"{origin}/{state}>{enemy}", attackers=(state,), target=enemy,
                  kind=InjectKind.ARMED_ATTACK, region=_region(world, enemy), provoked=provoked,
                  severity=attack.severity, origin=origin)


def _region(world: World, state: str) -> str | None:
    found = world.states.get(state)
    return found.region if found is not None else None

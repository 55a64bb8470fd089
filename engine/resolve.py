"""Phase 5 of a turn: the wars the answers began, the councils' votes, honour and reputation,
and the indicators.

Reputation moves by named constants: honouring earns a little standing, abandoning
costs more, because allies remember broken promises longer than kept ones
(Crescenzi 2018; Berkemeier & Fuhrmann 2018 find commitments tested and broken
weigh on later alliance choices). Cohesion is the share of the power of a treaty's
tested members that honoured (Snyder 1997's "alliance cohesion" read off the
record of a turn); credibility and the fears are the doctrine's (DOCTRINE.md).
"""
from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from .attack import toward
from .decide import script_entry
from .doctrine import Doctrine
from .events import (
    AttackMade,
    Breach,
    CascadeRound,
    CascadeTruncated,
    Event,
    GameEnded,
    Honoured,
    IndicatorsMeasured,
    InvocationResolved,
    ReputationChanged,
    TurnClosed,
    VoteCast,
    WarBegun,
    builder,
)
from .model import ALL, Decision, Invocation, Mode, ObligationType, Response, honours
from .network import Attack, CascadeResult, Round, Trigger
from .numeric import cohesion as numeric_cohesion
from .numeric import reputation_after
from .play import Play, first, obligation_visibility, obligations, treaty_visibility
from .state import GameState, Key
from .world import World

REPUTATION_GAIN = 0.10   # honouring: a tenth of the way up to a perfect record
REPUTATION_LOSS = 0.25   # abandoning: a quarter of the standing lost
_CALLS_TO_ARMS = frozenset({ObligationType.DEFENSE, ObligationType.OFFENSE})
# `honours` for every (obligation type, response): asked for each commitment tested, a
# thousand times a run, so looked up rather than worked out.
_HONOURS = {(t, r): honours(t, r) for t in ObligationType for r in Response}
_NONAGGRESSION, _MEMBER, _REPLAY = ObligationType.NONAGGRESSION, Invocation.MEMBER, Mode.REPLAY
# The constructors of the events `_honour` makes, two for each commitment accounted (events.builder).
_HONOURED, _BREACH, _REPUTATION = builder(Honoured), builder(Breach), builder(ReputationChanged)
# Events made every turn, by their constructors called directly (events.builder).
_WAR_BEGUN = builder(WarBegun)
_ATTACK_MADE = builder(AttackMade)
_INVOCATION_RESOLVED = builder(InvocationResolved)
_INDICATORS_MEASURED = builder(IndicatorsMeasured)
_TURN_CLOSED = builder(TurnClosed)
# How many of the voters each rule needs (ceiling of two thirds; more than half).
_NEEDED: dict[Invocation, Callable[[int], int]] = {
    Invocation.CONSENSUS: lambda n: n, Invocation.TWO_THIRDS: lambda n: -(-2 * n // 3),
    Invocation.MAJORITY: lambda n: n // 2 + 1}


@dataclass(frozen=True, slots=True)
class Accounted:
    """A treaty's commitments toward one attack of a round, resolved elsewhere (the compiled
    kernel's loop, engine.kernel.resolve_loop) by these rules: who voted for the call to arms and
    who against, in the voters' order, when the council voted; and the commitments accounted now,
    each with whether it was kept, in the round's order."""
    treaty: str
    attack: str
    vote: tuple[tuple[str, ...], tuple[str, ...]] | None
    owed: list[tuple[Trigger, bool]]


# What a batch run's summary reads of a commitment accounted, as of its Honoured or Breach event
# (engine.montecarlo._Reading.commitment): the attack, the ally, the obligation's type, whether kept.
Settled = tuple[str, str, ObligationType, bool]


@dataclass(frozen=True, slots=True)
class Accounts:
    """A turn's commitments resolved elsewhere: each round's, by its number, and per treaty each
    commitment tested this turn (the ally's power, whether it honoured), as `_tested` gathers them.

    `ledger`: where a kernel run, which keeps no log, wants the commitments accounted settled
    without their events: each ally's reputation moved in the state as the events would move it,
    and each commitment noted here, in the events' order."""
    rounds: Mapping[int, list[Accounted]]
    tested: dict[str, list[tuple[float, bool]]]
    ledger: list[Settled] | None = None


def resolve(play: Play, result: CascadeResult, max_rounds: int, accounts: Accounts | None = None) -> Iterator[Event]:
    """The turn's resolution; `accounts`: its votes and commitments resolved by the kernel's loop,
    whose events this makes as for its own."""
    gs, turn, name = play.gs, play.gs.turn, play.facts.name
    at_war = {w.pair for w in gs.wars}  # kept up to date with the WAR events below
    # Per treaty, each commitment tested this turn (the ally's power, whether it honoured), in the
    # order of the rounds' triggers: read as the honour events are made, for the indicators.
    tested: dict[str, list[tuple[float, bool]]] = {} if accounts is None else accounts.tested
    for rnd in result.rounds:
        if rnd.number > 1:
            yield from _new_round(play, rnd)
        elif play.ctx.verbose:
            yield from obligations(gs, _waited_in_vain(gs, rnd))
        for war in rnd.wars_begun:
            if war.pair not in at_war:
                yield _WAR_BEGUN(WarBegun, turn=turn, aggressor=war.aggressor, defender=war.defender,
                                 round=rnd.number, actor=war.aggressor,
                                 reason=f"{name(war.aggressor)} and {name(war.defender)} are at war")
                at_war.add(war.pair)
        if accounts is None:
            yield from _invocations_and_honour(play, rnd, tested, result.world)
        else:
            yield from _accounted(play, accounts.rounds.get(rnd.number, ()), accounts.ledger)
    if result.truncated:
        yield CascadeTruncated(turn=turn, rounds=max_rounds, visibility="umpire",
                               reason=f"the cascade was stopped after {max_rounds} rounds")
    yield from _indicators(play, result, tested)
    yield _TURN_CLOSED(TurnClosed, turn=turn, reason=f"turn {turn} closes")
    if turn >= gs.scenario.turns:
        yield GameEnded(turn=turn, reason="the last turn of the scenario is played")


def _waited_in_vain(gs: GameState, rnd: Round) -> list[Trigger]:
    """The conditional obligations of the first round that the others' answers left unowed
    (the cascade judged them after the answers; the attack's examination showed them due)."""
    return [t for t in rnd.triggers if not t.triggered
            and gs.scenario.treaty(t.treaty).obligations[t.article].conditional_on]


def _new_round(play: Play, rnd: Round) -> Iterator[Event]:
    gs, turn, f = play.gs, play.gs.turn, play.facts
    yield CascadeRound(turn=turn, round=rnd.number, attacks=tuple(a.id for a in rnd.attacks),
                       reason=f"round {rnd.number}: the new wars bring further obligations into play")
    for attack in rnd.attacks:
        yield _ATTACK_MADE(AttackMade, turn=turn, attack=attack, round=rnd.number, actor=first(attack.attackers),
                           reason=f"{f.names_of(attack.attackers)} now at war with {f.name(attack.target)}")
    if play.ctx.verbose:
        yield from obligations(gs, rnd.triggers)


def _invocations_and_honour(play: Play, rnd: Round, tested: dict[str, list[tuple[float, bool]]],
                            world: World) -> Iterator[Event]:
    """Votes where a treaty's council declares the casus foederis; then who honoured what.
    Each commitment tested with an answer given this turn goes into `tested` (see `_tested`)."""
    gs = play.gs
    bound: dict[tuple[str, str], list[Trigger]] = {}
    for t in rnd.triggers:  # (six hundred a run: no list made for a group already begun)
        if t.triggered:
            group = bound.get(key := (t.treaty, t.attack))
            if group is None:
                bound[key] = [t]
            else:
                group.append(t)
    # Every answer of the round, the implicit ones too (a state already fighting the attacker):
    # made when a council first votes (most rounds have none).
    answers: dict[Key, Decision] = {}
    for (treaty_id, attack_id), triggers in bound.items():
        # The council votes on the call to arms; consultation and neutrality are owed regardless.
        armed = [t for t in triggers if t.type in _CALLS_TO_ARMS]
        if armed and not answers and _votes(gs, treaty_id, attack_id):
            answers = {(d.attack, d.state): d for d in rnd.decisions}
        declared = (yield from _invocation(play, treaty_id, attack_id, armed, answers)) if armed else False
        owed = _tested(gs, triggers, declared, tested, world)
        if owed:
            yield from _honour(play, owed)


def _accounted(play: Play, groups: Iterable[Accounted], ledger: list[Settled] | None = None) -> Iterator[Event]:
    """`_invocations_and_honour`'s events for votes and commitments resolved elsewhere (with a
    `ledger`, the commitments settled without theirs: see Accounts)."""
    for group in groups:
        if group.vote is not None:
            yield _verdict(play, group.treaty, group.attack, *group.vote)[0]
        if group.owed:
            if ledger is None:
                yield from _honour(play, group.owed)
            else:
                _settle(play, group.owed, ledger)


def _tested(gs: GameState, triggers: list[Trigger], declared: bool,
            tested: dict[str, list[tuple[float, bool]]], world: World) -> list[tuple[Trigger, bool]]:
    """The commitments of one treaty toward one attack: each tested with an answer given this turn
    goes into `tested` (the ally's power, and whether it honoured), and those accounted now come
    back with whether each was kept (a pact broken by a new attack never is)."""
    decisions, turn, states = gs.decisions, gs.turn, world.states
    owed: list[tuple[Trigger, bool]] = []
    for t in triggers:
        if t.type is _NONAGGRESSION:
            if _answered_now(gs, t):
                owed.append((t, False))
            continue
        d = decisions.get((t.attack, t.ally))
        if d is None:
            continue  # never answered: neither tested nor accounted
        kept = _HONOURS[t.type, toward(d.response, d.side, gs.attacks[t.attack], t.partner)]
        if d.turn == turn:
            cases = tested.get(t.treaty)
            if cases is None:
                cases = tested[t.treaty] = []
            cases.append((states[t.ally].power, kept))
        if (declared or t.type not in _CALLS_TO_ARMS) and _answered_now(gs, t):
            owed.append((t, kept))
    return owed


def _answered_now(gs: GameState, t: Trigger) -> bool:
    """Accounted once: an answer given this turn, or a non-aggression pact broken by a new attack."""
    if t.type is _NONAGGRESSION:
        return gs.attack_turn.get(t.attack, gs.turn) == gs.turn and t.attack == gs.attacks[t.attack].origin
    key = (t.attack, t.ally)
    return key in gs.turn_decisions or key in gs.overrides


def _votes(gs: GameState, treaty_id: str, attack_id: str) -> bool:
    """Whether the treaty's council votes on this attack now (_invocation's first two tests)."""
    return (gs.scenario.treaty(treaty_id).invocation is not _MEMBER
            and (treaty_id, attack_id) not in gs.invocations)


def _invocation(play: Play, treaty_id: str, attack_id: str, triggers: list[Trigger],
                answers: dict[Key, Decision]) -> Generator[Event, None, bool]:
    """The council's vote, taken once per treaty and attack: each member votes for the call
    to arms when its answer honours it (in a replay, its answer as the record gives it).
    A batch run logs the outcome alone, which names who voted each way."""
    gs = play.gs
    treaty = gs.scenario.treaty(treaty_id)
    if treaty.invocation is _MEMBER:
        return True
    if (treaty_id, attack_id) in gs.invocations:
        return bool(gs.invocations[(treaty_id, attack_id)])
    attack, f = gs.attacks[attack_id], play.facts
    voters = sorted(gs.members_in_force.get(treaty_id, frozenset()) - set(attack.attackers), key=f.rank)
    owed_by: dict[str, list[Trigger]] = {}
    for t in triggers:
        owed_by.setdefault(t.ally, []).append(t)
    vis = treaty_visibility(gs, treaty_id)
    yes: list[str] = []
    no: list[str] = []
    for member in voters:
        aye, source = _vote(gs, attack, member, owed_by.get(member, []), treaty_id, answers)
        (yes if aye else no).append(member)
        if play.ctx.verbose:
            yield VoteCast(turn=gs.turn, treaty=treaty_id, attack=attack_id, member=member, vote=aye,
                           source=source, actor=member, visibility=vis,
                           reason=f"{f.name(member)} votes {'for' if aye else 'against'} invoking {treaty.name}")
    event, declared = _verdict(play, treaty_id, attack_id, tuple(yes), tuple(no))
    yield event
    return declared


def _verdict(play: Play, treaty_id: str, attack_id: str, yes: tuple[str, ...],
             no: tuple[str, ...]) -> tuple[InvocationResolved, bool]:
    """The council's verdict from its members' votes (for, against), and whether it declared."""
    gs, f = play.gs, play.facts
    treaty = gs.scenario.treaty(treaty_id)
    voters = len(yes) + len(no)
    need = _NEEDED[treaty.invocation](voters)
    declared = len(yes) >= need
    blocked = () if declared else no
    tally = f"{len(yes)} of {voters}, {treaty.invocation} needs {need}"
    return _INVOCATION_RESOLVED(
        InvocationResolved, turn=gs.turn, treaty=treaty_id, attack=attack_id, declared=declared, yes=yes,
        no=no, rule=treaty.invocation, needed=need, blocked_by=blocked, visibility=treaty_visibility(gs, treaty_id),
        reason=(f"{treaty.name}: casus foederis declared ({tally})" if declared else
                f"{treaty.name}: casus foederis not declared ({tally}); blocked by {f.names_of(blocked)}")), declared


def _vote(gs: GameState, attack: Attack, member: str, owed: list[Trigger], treaty_id: str,
          answers: dict[Key, Decision]) -> tuple[bool, str]:
    """A member's vote and whose answer it follows: the attacked votes for; a member votes for
    when its answer (given, implicit or recorded) honours every obligation it owes here."""
    if member == attack.target:
        return True, "attacked"
    d = gs.decisions.get((attack.id, member)) or answers.get((attack.id, member))
    response, source = (d.response, str(d.source)) if d is not None else _recorded(gs, attack, member, owed,
                                                                                    treaty_id)
    if response is None or not owed:
        return False, source
    side = d.side if d is not None and d.side else owed[0].partner
    for t in owed:  # (a loop, not all() over a generator: two hundred votes a run)
        if not _HONOURS[t.type, toward(response, side, attack, t.partner)]:
            return False, source
    return True, source


def _recorded(gs: GameState, attack: Attack, member: str, owed: list[Trigger],
              treaty_id: str) -> tuple[Response | None, str]:
    if gs.mode is _REPLAY and owed:
        entry = script_entry(gs, attack, member, owed[0], {treaty_id})
        if entry is not None:
            return entry.response, "script"
    return None, "absent"


def _honour(play: Play, owed: list[tuple[Trigger, bool]]) -> Iterator[Event]:
    # Half of a batch run's events come from here: names and wordings are looked up, not
    # rebuilt, and a batch run (no explanations) goes without them.
    gs, say = play.gs, play.ctx.verbose
    f = play.facts
    # The reputations this call has changed, over the state's: most calls change none, so the
    # state's dict is not copied.
    turn, reputation = gs.turn, gs.reputation
    changed: dict[str, float] = {}
    decisions = gs.decisions
    for t, kept in owed:
        ally = t.ally
        response = None if t.type is _NONAGGRESSION else decisions[(t.attack, ally)].response
        vis = obligation_visibility(gs, t) if (t.treaty, t.article) in f.hidden else ALL
        ally_name = f.name(ally) if say else ""
        cls, new = (Honoured, _HONOURED) if kept else (Breach, _BREACH)
        yield new(cls, turn=turn, state=ally, treaty=t.treaty, article=t.article, attack=t.attack,
                  partner=t.partner, type=t.type, response=response, actor=ally, visibility=vis,
                  reason=f"{ally_name} {'honours' if kept else 'abandons'} {f.commitments[t.treaty, t.article]} "
                         f"toward {f.name(t.partner)}" if say else "")
        before = changed[ally] if ally in changed else reputation[ally]
        after = _moved(before, kept)
        changed[ally] = after
        yield _REPUTATION(
            ReputationChanged, turn=turn, state=ally, before=before, after=after, treaty=t.treaty, actor=ally,
            visibility=vis,
            reason=f"{ally_name}'s reputation as an ally {'rises' if kept else 'falls'} to {after:.2f}"
            if say else "")


def _moved(before: float, kept: bool) -> float:
    """An ally's reputation after a commitment accounted: the one rule `_honour` and `_settle` both
    move it by (the constants read when called, so a rule changed is followed everywhere)."""
    return reputation_after(before, kept, REPUTATION_GAIN, REPUTATION_LOSS)


def _settle(play: Play, owed: list[tuple[Trigger, bool]], ledger: list[Settled]) -> None:
    """`_honour` without its events (see Accounts.ledger): each ally's reputation moved in the state
    as its ReputationChanged moves it, each commitment noted as its Honoured or Breach is read."""
    reputation = play.gs.reputation
    for t, kept in owed:
        ally = t.ally
        reputation[ally] = _moved(reputation[ally], kept)
        ledger.append((t.attack, ally, t.type, kept))
    play.world_changed()


def _indicators(play: Play, result: CascadeResult,
                honoured: Mapping[str, list[tuple[float, bool]]]) -> Iterator[Event]:
    gs, world, verbose = play.gs, result.world, play.ctx.verbose
    attackers = [x for a in result.rounds[0].attacks for x in a.attackers] if result.rounds else []
    rank = play.facts.rank
    threats = threats_by_source(world) if verbose else {}
    for treaty in gs.scenario.treaties:
        cases = honoured.get(treaty.id, [])
        # Batch runs (no explanations) need cohesion only, and only where something was at stake.
        if not (verbose or cases) or not world.in_force(treaty.id):
            continue
        cohesion = numeric_cohesion([p for p, _ in cases], [kept for _, kept in cases]) if cases else None
        measured = _INDICATORS_MEASURED(IndicatorsMeasured, turn=gs.turn, treaty=treaty.id, cohesion=_r(cohesion),
                                        triggered=len(cases), visibility=treaty_visibility(gs, treaty.id),
                                        reason=f"indicators of {treaty.name}")
        if verbose:
            measured = _deterrence(measured, world, play.ctx.doctrine,
                                   sorted(world.members_in_force[treaty.id], key=rank), attackers, threats)
        yield measured


def _deterrence(measured: IndicatorsMeasured, world: World, doctrine: Doctrine, members: list[str],
                attackers: list[str], threats: Mapping[str, list[tuple[str, float]]]) -> IndicatorsMeasured:
    """Credibility as the adversary sees it, and each member's fears (Snyder's alliance dilemma)."""
    adversary = main_adversary(members, attackers, threats)
    fears = {m: doctrine.fears(world, measured.treaty, m) for m in members}
    return replace(measured, adversary=adversary,
                   credibility=_r(doctrine.credibility(world, measured.treaty, adversary)) if adversary else None,
                   abandonment={m: round(float(f[0]), 4) for m, f in fears.items()},
                   entrapment={m: round(float(f[1]), 4) for m, f in fears.items()})


def threats_by_source(world: World) -> dict[str, list[tuple[str, float]]]:
    """Each state's threats above zero, in the scenario's order of states: read once a turn, so
    that finding each treaty's adversary costs its members' threats, not members x states."""
    order = {s.id: i for i, s in enumerate(world.scenario.states)}
    out: dict[str, list[tuple[str, float]]] = {}
    for (src, dst), r in world.relations.items():
        if r.threat > 0 and dst in order:
            out.setdefault(src, []).append((dst, r.threat))
    for targets in out.values():
        targets.sort(key=lambda x: order[x[0]])
    return out


def main_adversary(members: list[str], attackers: list[str],
                    threats_of: Mapping[str, list[tuple[str, float]]]) -> str | None:
    """Whose eyes credibility is judged through: this turn's attacker of a member, else the state
    the members feel most threatened by (summed over members, in their order)."""
    inside = set(members)
    for x in attackers:
        if x not in inside:
            return x
    threats: dict[str, float] = {}
    for m in members:
        for s, t in threats_of.get(m, ()):
            if s not in inside:
                threats[s] = threats.get(s, 0.0) + t
    best = max(sorted(threats), key=lambda s: threats[s], default=None)
    return best if best and threats[best] > 0 else None


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)

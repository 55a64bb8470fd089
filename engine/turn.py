"""The phases of a turn, in the order of DESIGN.md.

1. injects fire (each seen only by those in its visibility);
2. casus foederis: every obligation each attack triggers, or why not;
3. decisions: bound allies and states with a stake answer (a cell, the
   doctrine or the script); the alliance leader answers first (`engine.decide`);
4. adjudication: the umpire may override any decision, with a logged reason;
5. resolution: votes on invocation, honoured or abandoned commitments,
   reputations, wars and their cascade through further obligations, then the
   indicators (`engine.resolve`).

Each public phase is a function of the state and the settings (the seed is in
the state) that returns a `Step`: its events, and the state they lead to. It
never changes the state it is given: it works on its own copy (`engine.play`),
so draining a phase as a plain function gives the same events as a game driving
it, and the fold of those events gives the state it returns.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from . import options
from .cascade import CascadeResult, Decide
from .decide import Decider, Draw, answerers, control, request
from .errors import InvalidAction, NotDue, UnknownName, WrongMoment
from .events import (
    AttackMade,
    AwaitingDecisions,
    Conflict,
    DecisionTaken,
    EffectApplied,
    Event,
    ForcesDeployed,
    InjectAwaiting,
    InjectFired,
    InjectHeld,
    MemberWithdrew,
    OptionDeclined,
    OptionLapsed,
    OptionOffered,
    OptionTaken,
    Overridden,
    Pending,
    TreatyDisclosed,
    TreatyInForce,
    TriggerRef,
    TurnOpened,
    builder,
)
from .model import ALL, UMPIRE, Control, Decision, DecisionSource, Inject, InjectKind, Mode, Scenario
from .network import Attack, Trigger, cascade
from .play import Context, Play, Step, facts, first, inject_visibility, obligations, treaty_visibility
from .resolve import Accounts, resolve
from .state import GameState, Status
from .view import may_choose, may_submit

# A cascade ends when a round begins no new war, and can need up to 1 + n(n-1)/2 rounds for n
# states (engine.network). Twelve covers every chain of the record (1914 took five) with room to
# spare, and bounds what a pathological scenario costs; a stopped cascade says so in the log.
MAX_CASCADE_ROUNDS = 12
# Events made every turn, by their constructors called directly (events.builder).
_TURN_OPENED = builder(TurnOpened)
_INJECT_FIRED = builder(InjectFired)
_EFFECT_APPLIED = builder(EffectApplied)
_ATTACK_MADE = builder(AttackMade)

__all__ = ["MAX_CASCADE_ROUNDS", "Context", "Step", "choose_for_missing", "choose_option", "close_turn",
           "examine", "fire_adhoc", "made_attack", "obligations", "open_turn", "override", "override_option", "submit",
           "trigger_inject"]


# --- 1. injects ---------------------------------------------------------------------

def open_turn(gs: GameState, ctx: Context, *, own: bool = False) -> Step:
    """The next turn's opening: injects, attacks, the casus foederis and the answers asked.
    `own=True` hands `gs` over to be changed in place (see engine.play.Play)."""
    if gs.status is Status.OPEN:
        raise WrongMoment(f"turn {gs.turn} is still open: close it first")
    if gs.status is Status.FINISHED or gs.turn >= gs.scenario.turns:
        raise WrongMoment(f"the scenario has {gs.scenario.turns} turns and all have been played")
    play = Play(gs, ctx, own=own)
    return play.run(_open_turn(play))


def _open_turn(play: Play) -> Iterator[Event]:
    turn = play.gs.turn + 1
    yield _TURN_OPENED(TurnOpened, turn=turn, date=play.facts.date(turn),
                       reason=f"turn {turn} opens")
    # Answers the record gives on this turn to earlier attacks come first, so that a new
    # attack on the same victim meets the side those states have taken.
    yield from _reopen_deferred(play)
    for inject in play.facts.injects_at.get(turn, ()):
        if inject.manual:
            yield InjectAwaiting(turn=turn, inject=inject.id, visibility=UMPIRE,
                                 reason="manual: fires when the umpire triggers it")
            continue
        if inject.option:
            continue  # its actor's choice, below
        yield from _fire_if_ready(play, inject)
    # The options come after the turn's certain events: an attacker weighs the world they made.
    for inject in options.open_options(play.gs):
        yield from _option(play, inject)


def trigger_inject(gs: GameState, inject_id: str, ctx: Context) -> Step:
    """The umpire fires a manual inject now."""
    _require_open(gs)
    if inject_id not in gs.awaiting_manual:
        raise NotDue(f"inject {inject_id!r} is not waiting for the umpire "
                     f"(waiting: {', '.join(gs.awaiting_manual) or 'none'})")
    play = Play(gs, ctx)
    return play.run(_fire_if_ready(play, gs.scenario.inject(inject_id), by_umpire=True))


def fire_adhoc(gs: GameState, inject: Inject, ctx: Context) -> Step:
    """The umpire fires an inject that is not in the scenario's events list."""
    _require_open(gs)
    if inject.id in gs.scenario.inject_by_id or inject.id in gs.fired:
        raise InvalidAction(f"an inject named {inject.id!r} exists already: choose another id")
    seen_by = () if isinstance(inject.visibility, str) else tuple(inject.visibility)
    for sid in (*inject.actors, *([inject.target] if inject.target else []), *seen_by):
        if sid not in gs.scenario.state_by_id:
            raise UnknownName(f"no state {sid!r} in this scenario")
    traits = inject.kind.traits
    if traits.attack and not inject.target:
        raise InvalidAction(f"a {traits.label} needs a target: name the state attacked")
    if traits.needs_actor and not inject.actors:
        raise InvalidAction(f"a {traits.label} needs an actor: name the state that carries it out")
    if traits.treaty and inject.treaty not in gs.scenario.treaty_by_id:
        raise UnknownName(f"a {traits.label} names a treaty of this scenario; {inject.treaty!r} is none")
    play = Play(gs, ctx)
    return play.run(_fire(play, inject, adhoc=True))


def _fire_if_ready(play: Play, inject: Inject, by_umpire: bool = False) -> Iterator[Event]:
    missing = tuple(r for r in inject.requires if r not in play.gs.fired)
    if missing:
        yield InjectHeld(turn=play.gs.turn, inject=inject.id, missing=missing, visibility=UMPIRE,
                         reason=f"requires {', '.join(missing)}, which has not fired")
        return
    yield from _fire(play, inject, by_umpire=by_umpire)


def _fire(play: Play, inject: Inject, *, adhoc: bool = False, by_umpire: bool = False) -> Iterator[Event]:
    turn, vis = play.gs.turn, inject_visibility(inject.visibility)
    reason = "fired by the umpire" if (adhoc or by_umpire) else (
        f"an option of {play.facts.name(first(inject.actors))}, carried out" if inject.option
        else f"scheduled for turn {inject.turn}")
    yield _INJECT_FIRED(InjectFired, turn=turn, inject=inject.id, inject_kind=inject.kind, text=inject.text,
                        actors=tuple(inject.actors), target=inject.target, treaty=inject.treaty, adhoc=adhoc,
                        actor=first(inject.actors), visibility=vis, reason=reason)
    for effect in inject.effects:
        yield _EFFECT_APPLIED(EffectApplied, turn=turn, inject=inject.id, path=effect.path, value=effect.value,
                              visibility=UMPIRE, reason=f"effect of {inject.id}")
    yield from _treaty_change(play.gs, inject)
    yield from _forces(play.gs, inject)
    if inject.kind.traits.ends_war:
        yield from options.ceasefire(play.gs, inject)
    attack = made_attack(play.gs.scenario, inject)
    if attack is not None:
        yield from examine(play, attack, round_=1, visibility=vis)


def made_attack(scenario: Scenario, inject: Inject) -> Attack | None:
    """The attack an inject makes when it fires (an attack with a target, or a threat: a statement,
    intelligence report, mobilization or deployment that threatens its target), else None."""
    if (inject.is_attack and inject.target) or scenario.threatens(inject):
        return Attack.from_inject(inject)
    return None


def _forces(gs: GameState, inject: Inject) -> Iterator[Event]:
    """A reassurance deployment its actor chose to make puts its forces in the host (a tripwire
    from now on). Only an option does: a scheduled deployment inject stays news, as it was
    before options existed, so older scenarios keep their meaning (SCENARIO_FORMAT.md)."""
    if not (inject.option and inject.kind is InjectKind.DEPLOYMENT and inject.target) or (
            gs.scenario.threatens(inject)):
        return
    for actor in inject.actors:
        if actor != inject.target:
            yield ForcesDeployed(turn=gs.turn, state=actor, host=inject.target, actor=actor,
                                 visibility=inject_visibility(inject.visibility),
                                 reason=f"{inject.id}: {actor}'s forces deploy to {inject.target}")


def _treaty_change(gs: GameState, inject: Inject) -> Iterator[Event]:
    if inject.treaty is None or inject.treaty not in gs.scenario.treaty_by_id:
        return
    treaty, turn = gs.scenario.treaty(inject.treaty), gs.turn
    tvis = treaty_visibility(gs, treaty.id)
    if inject.kind is InjectKind.TREATY_SIGNED:
        members = tuple(inject.actors) or tuple(treaty.members)
        yield TreatyInForce(turn=turn, treaty=treaty.id, members=members, visibility=tvis,
                            reason=f"{inject.id}: {treaty.name} binds {', '.join(members)}")
    elif inject.kind is InjectKind.TREATY_WITHDRAWAL:
        for member in inject.actors:
            yield MemberWithdrew(turn=turn, treaty=treaty.id, member=member, visibility=tvis,
                                 reason=f"{inject.id}: {member} leaves {treaty.name}")
    elif inject.kind is InjectKind.DISCLOSURE:
        to = tuple(sorted(gs.scenario.state_by_id)) if inject.visibility == ALL else (
            () if inject.visibility == UMPIRE else tuple(inject.visibility))
        yield TreatyDisclosed(turn=turn, treaty=treaty.id, to=to, visibility=inject_visibility(inject.visibility),
                              reason=f"{inject.id}: the terms of {treaty.name} are revealed")


def _reopen_deferred(play: Play) -> Iterator[Event]:
    """Attacks some state answers only now, by the record (Britain on 3 September 1939)."""
    gs = play.gs
    due = sorted({attack for (attack, _), until in gs.deferred.items() if until == gs.turn})
    for attack_id in due:
        if attack_id not in gs.turn_attacks:
            attack = gs.attacks[attack_id]
            yield _ATTACK_MADE(AttackMade, turn=gs.turn, attack=attack, reopened=True, actor=first(attack.attackers),
                               reason="still at issue: the record has a state answer it on this turn")


# --- 1b. options: injects their actor decides (engine.options) ---------------------------------

def _option(play: Play, inject: Inject) -> Iterator[Event]:
    """The actor's choice on one open option: its cell's (the turn waits), the record's, or the doctrine's."""
    gs, actor = play.gs, options.actor_of(inject)
    if options.played_by_cell(gs, actor):
        yield OptionOffered(turn=gs.turn, inject=inject.id, state=actor, actor=actor, visibility=(actor,),
                            reason=f"{play.facts.name(actor)} decides whether to carry out {inject.id} now")
        return
    if options.by_record(gs, actor):
        rec = options.recorded(gs, inject)
        yield from _choice(play, inject, rec.taken, DecisionSource.SCRIPT, rec.why, None)
        return
    say = play.ctx.verbose
    if play.ctx.stochastic and not say:  # a batch run: the choice drawn from the chance alone
        taken = _option_draw(gs, inject) < options.probability(gs, inject, play.world)
        yield from _choice(play, inject, taken, DecisionSource.DOCTRINE, "", None)
        return
    advice = options.advice(gs, inject, play.world, say=say)
    p = advice.probability
    taken = _option_draw(gs, inject) < p if play.ctx.stochastic else advice.take
    yield from _choice(play, inject, taken, DecisionSource.DOCTRINE, advice.explain(taken) if say else "",
                       round(p, 4) if say else None)


def _option_draw(gs: GameState, inject: Inject) -> float:
    """The uniform an option's choice is drawn with, keyed by the game's seed, the turn and the option."""
    return Draw(f"{gs.seed}|{gs.turn}|option|{inject.id}").u


def _choice(play: Play, inject: Inject, taken: bool, source: DecisionSource, rationale: str,
            probability: float | None, *, visibility: str | tuple[str, ...] | None = None,
            reason: str = "") -> Iterator[Event]:
    gs, actor = play.gs, options.actor_of(inject)
    cls = OptionTaken if taken else OptionDeclined
    said = play.facts.name(actor) + (" carries out " if taken else " does not carry out ") + inject.id
    yield cls(turn=gs.turn, inject=inject.id, state=actor, source=source, probability=probability,
              rationale=rationale, actor=actor,
              visibility=visibility if visibility is not None else (actor,),
              reason=reason or (f"{said} ({source})" if play.ctx.verbose else ""))
    if taken:
        yield from _fire(play, inject)


def choose_option(gs: GameState, inject_id: str, state: str, take: bool, ctx: Context, *,
                  rationale: str = "") -> Step:
    """A cell's choice on an option offered to it; it may take an option it declined until the turn closes."""
    allowed, why = may_choose(gs, state, inject_id)
    if not allowed:
        raise (WrongMoment if gs.status is not Status.OPEN else NotDue)(why)
    play = Play(gs, ctx)
    return play.run(_choice(play, gs.scenario.inject(inject_id), take, DecisionSource.PLAYER, rationale, None))


def override_option(gs: GameState, inject_id: str, take: bool, reason: str, ctx: Context) -> Step:
    """The umpire decides an option for its actor this turn, with a reason kept for the debrief."""
    _require_open(gs)
    if not reason.strip():
        raise InvalidAction("an override needs a reason: it is logged for the debrief")
    inject = gs.scenario.inject_by_id.get(inject_id)
    if inject is None or not inject.option:
        raise UnknownName(f"no option {inject_id!r} in this scenario")
    if inject.id in gs.fired:
        raise NotDue(f"{inject_id!r} has been carried out already: it cannot be undone")
    if not options.is_open(gs, inject):
        raise NotDue(f"{inject_id!r} is not open this turn (from turn {inject.turn} to {options.last_turn(inject)}"
                     f"{', once ' + ', '.join(inject.requires) + ' have fired' if inject.requires else ''})")
    play = Play(gs, ctx)
    return play.run(_choice(play, inject, take, DecisionSource.UMPIRE, reason, None, visibility=UMPIRE))


def choose_for_missing(gs: GameState, ctx: Context) -> Step:
    """At the deadline: the doctrine chooses on each option a cell has not chosen on this turn."""
    _require_open(gs)
    play = Play(gs, ctx)
    return play.run(_for_missing(play))


def _for_missing(play: Play, *, orphans: bool = False) -> Iterator[Event]:
    """The doctrine's choice on each option a cell has not chosen on (`orphans`: on each option
    offered to a cell that no cell plays any more)."""
    for inject_id, state in (options.orphaned if orphans else options.waiting)(play.gs):
        gs, inject = play.gs, play.gs.scenario.inject(inject_id)
        advice = options.advice(gs, inject, play.world)
        taken = _option_draw(gs, inject) < advice.probability if play.ctx.stochastic else advice.take
        yield from _choice(play, inject, taken, DecisionSource.DOCTRINE, advice.explain(taken),
                           round(advice.probability, 4),
                           reason=f"no cell plays {play.facts.name(state)} now: the doctrine chooses" if orphans
                           else f"{play.facts.name(state)} did not choose by the deadline: "
                                "the doctrine chooses for its cell")


def _lapse(play: Play) -> Iterator[Event]:
    gs = play.gs
    for inject in options.lapsing(gs):
        yield OptionLapsed(turn=gs.turn, inject=inject.id, state=options.actor_of(inject) or None,
                           actor=options.actor_of(inject) or None, visibility=UMPIRE,
                           reason=f"{inject.id} was not carried out by turn {options.last_turn(inject)}: it lapses")


# --- 2. casus foederis ------------------------------------------------------------------

def examine(play: Play, attack: Attack, *, round_: int, visibility: str | tuple[str, ...] = ALL) -> Iterator[Event]:
    """The attack, every obligation it brings into play, conflicts, and the answers due."""
    gs, ctx, f = play.gs, play.ctx, play.facts
    verb = ("threatens" if len(attack.attackers) == 1 else "threaten") if attack.threat else (
        "attacks" if len(attack.attackers) == 1 else "attack")
    yield _ATTACK_MADE(AttackMade, turn=gs.turn, attack=attack, round=round_, actor=first(attack.attackers),
                       visibility=visibility,
                       reason=f"{f.names_of(attack.attackers) or 'unknown attackers'} {verb} {f.name(attack.target)}")
    gs, graph = play.gs, play.graph
    # A batch run (no explanations) reads only what binds, and logs none of it: what
    # binds shows again in the requests, decisions and honour events it leads to.
    triggers = graph.triggers(attack) if ctx.verbose else graph.binding(attack)
    if ctx.verbose:
        yield from obligations(gs, triggers)
    for c in graph.conflicts(attack, triggers):
        yield Conflict(turn=gs.turn, attack=attack.id, state=c.state,
                       victim_side=tuple(_ref(t) for t in c.honour_victim),
                       attacker_side=tuple(_ref(t) for t in c.honour_attacker),
                       actor=c.state, visibility=UMPIRE, reason=c.text)
    if not ctx.verbose and gs.mode is not Mode.EXERCISE:
        return  # a batch run has no cell to ask (only an exercise has cells): nothing is requested
    binding = tuple(t for t in triggers if t.triggered) if ctx.verbose else triggers
    for state, trigger in answerers(play, attack, binding):
        # A batch run asks only the cells it would wait for: the engine's own answers come at the
        # close of the turn, and a request says nothing a tally reads (a tenth of a run's events).
        if (attack.id, state) not in gs.decisions and (ctx.verbose or control(gs, state) is Control.PLAYER):
            yield from request(gs, attack, state, trigger, round_=round_)


def _ref(t: Trigger) -> TriggerRef:
    return TriggerRef(t.treaty, t.article, t.partner, t.type)


# --- 3. and 4. decisions and adjudication ---------------------------------------------------

def submit(gs: GameState, decision: Decision, ctx: Context) -> Step:
    """A cell's answer, which it may revise until the turn closes (unless the umpire decides)."""
    allowed, why = may_submit(gs, decision.state, decision.attack)
    if not allowed:
        raise (WrongMoment if gs.status is not Status.OPEN else NotDue)(why)
    event = DecisionTaken(turn=gs.turn, state=decision.state, attack=decision.attack, response=decision.response,
                          source=decision.source, side=decision.side, treaty=decision.treaty,
                          rationale=decision.rationale, statement=decision.statement, actor=decision.state,
                          visibility=(decision.state,), reason="decided by its cell")
    return Play(gs, ctx).run([event])


def override(gs: GameState, decision: Decision, reason: str, ctx: Context) -> Step:
    _require_open(gs)
    if not reason.strip():
        raise InvalidAction("an override needs a reason: it is logged for the debrief")
    key = (decision.attack, decision.state)
    if key not in gs.requests and key not in gs.turn_decisions:
        raise NotDue(f"{facts(gs.scenario).name(decision.state)} has no decision on {decision.attack!r} this turn")
    event = Overridden(turn=gs.turn, state=decision.state, attack=decision.attack, response=decision.response,
                       source=DecisionSource.UMPIRE, side=decision.side, treaty=decision.treaty, rationale=reason,
                       statement=decision.statement, actor="umpire", visibility=UMPIRE, reason=reason)
    return Play(gs, ctx).run([event])


# --- 5. resolution --------------------------------------------------------------------------

# A turn's cascade played elsewhere than by the Decider (the compiled kernel's loop): from the open
# turn, the events of its answers, the cascade and, where resolved there too, its councils' votes
# and commitments, read off the Play before any event is run.
Cascading = Callable[[Play], tuple[Iterable[Event], CascadeResult, Accounts | None]]


def close_turn(gs: GameState, ctx: Context, *, own: bool = False, cascading: Cascading | None = None) -> Step:
    """The turn's resolution, or the cells it waits for. `own=True` as for open_turn.

    `cascading` plays the cascade of a batch run's turn in place of the Decider (the kernel's
    loop, engine.kernel.close), for a turn no cell waits on and no option is due: the rest of
    the close, the resolution above all, is this module's and engine.resolve's either way."""
    _require_open(gs)
    play = Play(gs, ctx, own=own)
    return play.run(_close_turn(play, cascading))


def _close_turn(play: Play, cascading: Cascading | None = None) -> Iterator[Event]:
    gs = play.gs
    undecided = options.waiting(gs)
    if undecided:
        # The cells choose their options before anyone answers: an option taken may be an attack.
        name = play.facts.name
        yield AwaitingDecisions(turn=gs.turn, pending=tuple(Pending(i, s) for i, s in undecided), visibility=UMPIRE,
                                reason="cells still to choose on their options: "
                                       + ", ".join(f"{name(s)} on {i}" for i, s in undecided))
        return
    accounts: Accounts | None = None
    if cascading is not None and not gs.options_due:
        answers, result, accounts = cascading(play)  # (before any event: it may decline the turn)
        yield from answers
    else:
        if gs.options_due:
            yield from _for_missing(play, orphans=True)
        decider = Decider(play)
        earlier = ((gs.attacks[a], d) for (a, _), d in gs.decisions.items() if d.turn < gs.turn)
        result = turn_cascade(play, decider, all_triggers=play.ctx.verbose, earlier=earlier)
        yield from decider.events()
        if decider.missing:
            yield from decider.unrecorded(gs)
            name = play.facts.name
            yield AwaitingDecisions(turn=gs.turn, pending=tuple(Pending(a, s) for a, s in decider.missing),
                                    visibility=UMPIRE,
                                    reason="cells still to decide: " + ", ".join(name(s) for _, s in decider.missing))
            return
    yield from _lapse(play)
    yield from resolve(play, result, MAX_CASCADE_ROUNDS, accounts)


def turn_cascade(play: Play, decide: Decide, *, all_triggers: bool,
                 earlier: Iterable[tuple[Attack, Decision]] = ()) -> CascadeResult:
    """The cascade of the open turn's attacks: those made on an earlier turn and reopened (a state
    answers them only now) begin no war of their own again (engine.cascade)."""
    gs = play.gs
    reopened = frozenset(a for a in gs.turn_attacks if gs.attack_turn.get(a, gs.turn) < gs.turn)
    return cascade(play.world, [gs.attacks[a] for a in gs.turn_attacks], decide, MAX_CASCADE_ROUNDS,
                   graph=play.graph, all_triggers=all_triggers, earlier=earlier, reopened=reopened)


def _require_open(gs: GameState) -> None:
    if gs.status is not Status.OPEN:
        raise WrongMoment("no turn is open: open the next turn first")



"""The doctrine against the record: one decision per script entry, each predicted from
what came before it.

Every script entry is a state's answer to the inject it names, read on the attacked
state's side (the victim the inject struck). The scenario is replayed from its script,
and each entry is put to the doctrine once, as a `Situation`: where the replay asked the
state on that turn about a link of the inject's chain with the same victim, the very
question the replay put (the world, the leader's lead), under the entry's own treaty
where the replay answered under another; where it never asked (the named treaty did not
bind, or the state had answered on an earlier turn), in the world the replay had made by
the close of the entry's turn. Whether the named treaty binds is the alliance graph's
verdict at that moment; a state outside its treaty's terms is asked as a state with a
stake, and the doctrine's factors say how far the treaty still counts.

An entry is not scored only when it cannot be a decision (the state is a party to the
attack it names) or when another entry already answers (the same state, inject and
turn under another treaty); each is listed with its reason. Scores are computed beside
two naive baselines: every ally honours, every ally stays out.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .decide import toward
from .doctrine import Advice, Doctrine, Situation
from .events import DecisionTaken, Event, TurnClosed
from .floats import total
from .game import Game
from .model import RESPONSES, Mode, ObligationType, Response, Scenario, ScriptEntry, honours, weightiest
from .network import AllianceGraph, Attack
from .state import GameState, apply


@dataclass(frozen=True, slots=True)
class Prediction:
    scenario: str
    turn: int
    state: str
    treaty: str | None
    inject: str
    historical: Response
    predicted: Response
    probabilities: tuple[float, ...]
    obligation: str | None = None   # the obligation type in play, None for a state with a stake
    pushed_by: str | None = None    # a wrong prediction: the factor that pushed hardest toward it

    def to_dict(self) -> dict[str, object]:
        return {"scenario": self.scenario, "turn": self.turn, "state": self.state, "treaty": self.treaty,
                "inject": self.inject, "obligation": self.obligation, "historical": str(self.historical),
                "predicted": str(self.predicted), "pushed_by": self.pushed_by,
                "probabilities": {str(r): p for r, p in zip(RESPONSES, self.probabilities)}}


@dataclass(frozen=True, slots=True)
class Skipped:
    """A script entry that is not scored, and why."""
    scenario: str
    turn: int
    state: str
    inject: str | None
    treaty: str | None
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"scenario": self.scenario, "turn": self.turn, "state": self.state, "inject": self.inject,
                "treaty": self.treaty, "reason": self.reason}


@dataclass(frozen=True)
class Backtest:
    predictions: tuple[Prediction, ...]
    skipped: tuple[Skipped, ...] = field(default=())


@dataclass(frozen=True)
class Scored:
    """A script entry put to the doctrine: the situation it answered and the recorded answer,
    read on the situation's partner's side."""
    entry: ScriptEntry
    situation: Situation
    historical: Response
    obligation: str | None      # the weightiest obligation of the named treaty in play, if it binds


def scored_entries(scenario: Scenario, doctrine: Doctrine | None = None
                   ) -> tuple[list[Scored], list[Skipped]]:
    """Replay `scenario` from its script and put each script entry to the doctrine once."""
    doctrine = doctrine or Doctrine.for_scenario(scenario)
    witness = _Witness(doctrine)
    game = Game.new(scenario, mode=Mode.REPLAY, doctrine=witness)
    game.play()
    events, final = game.events, game.state
    scored: list[tuple[int, int, ScriptEntry, str]] = []   # (moment, order, entry, attack id)
    skipped: list[Skipped] = []
    answered: dict[tuple[str, str | None, int], ScriptEntry] = {}
    for order, entry in enumerate(scenario.script):
        reason = _not_a_decision(scenario, final, entry, answered)
        if reason is not None:
            skipped.append(Skipped(scenario.id, entry.turn, entry.state, entry.inject, entry.treaty, reason))
            continue
        answered[(entry.state, entry.inject, entry.turn)] = entry
        assert entry.inject is not None  # _not_a_decision skips an entry without one
        moment, attack = _moment(events, final, entry, entry.inject)
        scored.append((moment, order, entry, attack))
    out = _put_to_doctrine(scenario, witness.asked, events, sorted(scored, key=lambda s: (s[0], s[1])), final)
    # Back in the script's order, so that a listing reads as the record does.
    order_of = {id(entry): order for _, order, entry, _ in scored}
    return sorted(out, key=lambda s: order_of[id(s.entry)]), skipped


def _not_a_decision(scenario: Scenario, final: GameState, entry: ScriptEntry,
                    answered: Mapping[tuple[str, str | None, int], ScriptEntry]) -> str | None:
    inject = scenario.inject_by_id.get(entry.inject) if entry.inject else None
    if inject is None or entry.inject not in final.attacks:
        return "names no attack the replay met: nothing to answer"
    attack = final.attacks[entry.inject]
    if entry.state in attack.attackers:
        return "the state is the attacker itself"
    if entry.state == attack.target:
        return "the state is the attacked state itself: its answer is its own war"
    other = answered.get((entry.state, entry.inject, entry.turn))
    if other is not None:
        return (f"answered by the entry under {other.treaty or 'no treaty'} "
                f"(same state, inject and turn)")
    return None


def _moment(events: Sequence[Event], final: GameState, entry: ScriptEntry, inject: str) -> tuple[int, str]:
    """Where in the log the entry is put to the doctrine, and the link of the chain it answers."""
    victim = final.attacks[inject].target
    close = len(events)
    turn = max(entry.turn, _turn_of_attack(events, inject))
    for i, e in enumerate(events):
        if (isinstance(e, DecisionTaken) and e.turn == entry.turn and e.state == entry.state
                and e.attack in final.attacks and final.attacks[e.attack].origin == inject
                and final.attacks[e.attack].target == victim):
            return i, e.attack
        if isinstance(e, TurnClosed) and e.turn == turn and close == len(events):
            close = i
    return close, inject


def _turn_of_attack(events: Sequence[Event], attack: str) -> int:
    return next((e.turn for e in events if getattr(e, "attack", None) == attack), 0)


def _put_to_doctrine(scenario: Scenario, asked: Mapping[tuple[int, str, str], Situation],
                     events: Sequence[Event],
                     due: Sequence[tuple[int, int, ScriptEntry, str]], final: GameState) -> list[Scored]:
    """Fold the log once and, at each entry's moment, build its situation. (A war a cascade
    begins is logged after the answers given on it in its round: its attack is read off the
    final state, where it is the same immutable value.)"""
    gs = GameState.initial(scenario)
    out: list[Scored] = []
    position = 0
    for moment, _, entry, attack in due:
        while position < moment:
            apply(gs, events[position])
            position += 1
        out.append(_situation(gs, asked.get((entry.turn, attack, entry.state)), entry, final.attacks[attack]))
    return out


def _situation(gs: GameState, asked: Situation | None, entry: ScriptEntry, attack: Attack) -> Scored:
    """The entry as the doctrine meets it. Where the replay asked the state on this link,
    in the world it asked in; the alliance graph says whether the entry's treaty binds."""
    world = asked.world if asked is not None else gs.world
    owed = [t for t in AllianceGraph(world).binding(attack) if t.ally == entry.state and t.treaty == entry.treaty]
    trig = weightiest(owed, lambda t: t.type) if owed else None
    partner = trig.partner if trig is not None else attack.target
    treaty = entry.treaty if entry.treaty in gs.scenario.treaty_by_id else None
    if asked is not None and asked.treaty == treaty and asked.partner == partner:
        situation = asked   # the very question the replay put, the leader's lead included
    else:
        situation = Situation(world=world, ally=entry.state, partner=partner, attack=attack,
                              treaty=treaty, article=trig.article if trig else None,
                              leader_response=_leader_said(gs, attack, treaty, entry.state, partner),
                              triggered=trig is not None)
    return Scored(entry, situation, recorded_toward(entry, attack, partner),
                  str(trig.type) if trig is not None else None)


class _Witness(Doctrine):
    """The doctrine the replay plays with, noting the first question put to each state on
    each link of a chain, each turn (what the backtest asks again)."""

    def __init__(self, base: Doctrine) -> None:
        super().__init__(dict(base.weights), base.cuts, bands=base.bands)
        self.asked: dict[tuple[int, str, str], Situation] = {}

    def advise(self, situation: Situation) -> Advice:
        self.asked.setdefault((situation.world.turn, situation.attack.id, situation.ally), situation)
        return super().advise(situation)


def _leader_said(gs: GameState, attack: Attack, treaty: str | None, state: str,
                 partner: str) -> Response | None:
    """What the treaty's leader answered on this link under that treaty before the moment,
    read toward the same partner (the leader's lead, as the decider passes it on)."""
    leader = gs.scenario.treaty_by_id[treaty].leader if treaty else None
    said = gs.decisions.get((attack.id, leader)) if leader and leader != state else None
    if said is None or said.treaty != treaty:
        return None
    return toward(said.response, said.side, attack, partner)


def recorded_toward(entry: ScriptEntry, attack: Attack, partner: str) -> Response:
    """The recorded answer on `partner`'s side: an answer given on the attacker's side is
    mirrored (`full` beside the attacker reads as `hostile` toward its victim)."""
    side: str | None = getattr(entry, "side", None)
    return entry.response if side is None else toward(entry.response, side, attack, partner)


def pushed_hardest(advice: Advice, predicted: Response, historical: Response) -> str | None:
    """The factor whose contribution pushed hardest from the recorded answer toward the
    predicted one (a positive contribution pushes up the scale), None if none did."""
    if predicted is historical:
        return None
    up = predicted.rank > historical.rank
    pushing = [f for f in advice.factors if (f.contribution > 0) == up and f.contribution != 0.0]
    if not pushing:
        return None
    top = max(pushing, key=lambda f: abs(f.contribution))
    return f"{top.name} ({top.contribution:+.2f})"


def backtest(scenario: Scenario, doctrine: Doctrine | None = None) -> Backtest:
    doctrine = doctrine or Doctrine.for_scenario(scenario)
    scored, skipped = scored_entries(scenario, doctrine)
    preds = []
    for s in scored:
        advice = doctrine.advise(s.situation)
        predicted = advice.response
        preds.append(Prediction(
            scenario=scenario.id, turn=s.entry.turn, state=s.entry.state, treaty=s.entry.treaty,
            inject=s.entry.inject or "", historical=s.historical, predicted=predicted,
            probabilities=tuple(round(p, 6) for p in advice.probabilities), obligation=s.obligation,
            pushed_by=pushed_hardest(advice, predicted, s.historical)))
    return Backtest(tuple(preds), tuple(skipped))


def came(response: Response, obligation: str | None) -> bool:
    """Honoured the obligation in play; for a state with no obligation, came to the victim's aid."""
    if obligation is None:
        return response in (Response.LIMITED, Response.FULL)
    return honours(ObligationType(obligation), response)


def calibration_table(predictions: Sequence[Prediction]) -> list[dict[str, Any]]:
    """For each level: the mean probability the doctrine gave it and how often it was the
    doctrine's answer, against how often it happened."""
    n = len(predictions)
    return [{"level": str(r),
             "predicted": round(total(p.probabilities[k] for p in predictions) / n, 4) if n else None,
             "answered": round(sum(p.predicted is r for p in predictions) / n, 4) if n else None,
             "observed": round(sum(p.historical is r for p in predictions) / n, 4) if n else None,
             "count": sum(p.historical is r for p in predictions)}
            for k, r in enumerate(RESPONSES)]


def _honour_rate(predictions: Sequence[Prediction], answer: Callable[[Prediction], Response]) -> float:
    """The share of the decisions under an obligation in play where `answer` honours it."""
    bound = [p for p in predictions if p.obligation]
    return round(sum(came(answer(p), p.obligation) for p in bound) / max(1, len(bound)), 4)


def squared_error(probabilities: Sequence[float], historical: Response) -> float:
    """A prediction's Brier score: the squared distance of its distribution from the level history chose."""
    return total((q - (r is historical)) ** 2 for r, q in zip(RESPONSES, probabilities))


def summarise(predictions: Sequence[Prediction]) -> dict[str, Any]:
    """Exact, within one level, honour agreement and Brier score, with the two baselines."""
    def score(pred_of: Callable[[Prediction], tuple[Response, Sequence[float]]]) -> dict[str, Any]:
        n = len(predictions)
        if n == 0:
            return {"n": 0, "exact": None, "within_one": None, "honour_agreement": None, "brier": None}
        exact = within = agree = 0
        brier = 0.0
        for p in predictions:
            predicted, probs = pred_of(p)
            exact += predicted is p.historical
            within += abs(predicted.rank - p.historical.rank) <= 1
            agree += came(predicted, p.obligation) == came(p.historical, p.obligation)
            brier += squared_error(probs, p.historical)
        return {"n": n, "exact": round(exact / n, 4), "within_one": round(within / n, 4),
                "honour_agreement": round(agree / n, 4), "brier": round(brier / n, 4)}

    def one_hot(r: Response) -> tuple[Response, tuple[float, ...]]:
        return r, tuple(1.0 if x is r else 0.0 for x in RESPONSES)

    return {
        "doctrine": score(lambda p: (p.predicted, p.probabilities)),
        "baseline_all_honour": score(lambda p: one_hot(Response.FULL)),
        "baseline_all_neutral": score(lambda p: one_hot(Response.NEUTRAL)),
        "historical_honour_rate": _honour_rate(predictions, lambda p: p.historical),
        "predicted_honour_rate": _honour_rate(predictions, lambda p: p.predicted),
        "calibration": calibration_table(predictions),
    }


def run_all(scenarios: Iterable[Scenario], doctrine: Doctrine | None = None,
            weights: Mapping[str, float] | None = None) -> tuple[list[Prediction], list[Skipped]]:
    preds: list[Prediction] = []
    skipped: list[Skipped] = []
    for sc in scenarios:
        d = doctrine or (Doctrine(weights) if weights is not None else Doctrine.for_scenario(sc))
        result = backtest(sc, d)
        preds += result.predictions
        skipped += result.skipped
    return preds, skipped

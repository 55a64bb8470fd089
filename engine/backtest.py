"""The doctrine against the record: for every recorded decision of a past
crisis, what the doctrine predicted given only what came before it.

The replay answers each bound state from the script; at that moment the
doctrine is asked the same question in the same world (history so far, the
leader's recorded answer included), and both answers are kept. Scores are
computed against two naive baselines: every bound ally honours, every ally
stays out.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .doctrine import Doctrine
from .events import DecisionTaken, ObligationExamined
from .game import Game
from .model import (
    RESPONSES,
    DecisionSource,
    Mode,
    ObligationType,
    Response,
    Scenario,
    honours,
    weightiest,
)


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

    def to_dict(self) -> dict[str, object]:
        return {"scenario": self.scenario, "turn": self.turn, "state": self.state, "treaty": self.treaty,
                "inject": self.inject, "obligation": self.obligation, "historical": str(self.historical),
                "predicted": str(self.predicted),
                "probabilities": {str(r): p for r, p in zip(RESPONSES, self.probabilities)}}


@dataclass(frozen=True)
class Unmatched:
    """A script entry the replay never asked about (its inject did not bind that state)."""
    scenario: str
    turn: int
    state: str
    inject: str | None


@dataclass(frozen=True)
class Backtest:
    predictions: tuple[Prediction, ...]
    unmatched: tuple[Unmatched, ...] = field(default=())


@dataclass(frozen=True)
class Recorded:
    """A decision the record answered in a replay, with what the doctrine said at that moment."""
    turn: int
    state: str
    attack: str                  # the attack answered (a link of a chain has its own id)
    inject: str                  # the inject the chain began from
    treaty: str | None
    obligation: str | None       # the weightiest obligation in play, None for a state with a stake
    historical: Response
    predicted: Response
    probabilities: tuple[float, ...]


def replay_record(scenario: Scenario, doctrine: Doctrine | None = None) -> list[Recorded]:
    """Replay `scenario` from its script and list every decision the record answered."""
    game = Game.new(scenario, mode=Mode.REPLAY, doctrine=doctrine)
    game.play()
    obligation_of = _obligation_types(game)
    out = []
    for e in game.events:
        if isinstance(e, DecisionTaken) and e.source is DecisionSource.SCRIPT:
            assert e.predicted is not None and e.probabilities is not None  # a replay explains each answer
            out.append(Recorded(
                e.turn, e.state, e.attack, game.state.attacks[e.attack].origin, e.treaty,
                obligation_of.get((e.attack, e.state, e.treaty or "")), e.response, e.predicted,
                e.probabilities))
    return out


def backtest(scenario: Scenario, doctrine: Doctrine | None = None) -> Backtest:
    preds = [Prediction(scenario=scenario.id, turn=r.turn, state=r.state, treaty=r.treaty, inject=r.inject,
                        historical=r.historical, predicted=r.predicted, probabilities=r.probabilities,
                        obligation=r.obligation)
             for r in replay_record(scenario, doctrine)]
    answered = {(p.state, p.inject) for p in preds}
    unmatched = tuple(Unmatched(scenario.id, s.turn, s.state, s.inject) for s in scenario.script
                      if (s.state, s.inject) not in answered)
    return Backtest(tuple(preds), unmatched)


def _obligation_types(game: Game) -> dict[tuple[str, str, str], str]:
    """The weightiest obligation each decision answered, by (attack, state, treaty)."""
    owed: dict[tuple[str, str, str], list[ObligationType]] = {}
    for e in game.events:
        if isinstance(e, ObligationExamined) and e.triggered:
            owed.setdefault((e.attack, e.ally, e.treaty), []).append(e.type)
    return {key: str(weightiest(types, lambda t: t)) for key, types in owed.items()}


def came(response: Response, obligation: str | None) -> bool:
    """Honoured the obligation in play; for a state with no obligation, came to the victim's aid."""
    if obligation is None:
        return response in (Response.LIMITED, Response.FULL)
    return honours(ObligationType(obligation), response)


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
            brier += sum((q - (r is p.historical)) ** 2 for r, q in zip(RESPONSES, probs))
        return {"n": n, "exact": round(exact / n, 4), "within_one": round(within / n, 4),
                "honour_agreement": round(agree / n, 4), "brier": round(brier / n, 4)}

    def one_hot(r: Response) -> tuple[Response, tuple[float, ...]]:
        return r, tuple(1.0 if x is r else 0.0 for x in RESPONSES)

    return {
        "doctrine": score(lambda p: (p.predicted, p.probabilities)),
        "baseline_all_honour": score(lambda p: one_hot(Response.FULL)),
        "baseline_all_neutral": score(lambda p: one_hot(Response.NEUTRAL)),
        "historical_honour_rate": round(sum(came(p.historical, p.obligation) for p in predictions
                                            if p.obligation) / max(1, sum(1 for p in predictions if p.obligation)), 4),
    }


def run_all(scenarios: Iterable[Scenario], doctrine: Doctrine | None = None,
            weights: Mapping[str, float] | None = None) -> tuple[list[Prediction], list[Unmatched]]:
    preds: list[Prediction] = []
    unmatched: list[Unmatched] = []
    for sc in scenarios:
        d = doctrine or (Doctrine(weights) if weights is not None else Doctrine.for_scenario(sc))
        result = backtest(sc, d)
        preds += result.predictions
        unmatched += result.unmatched
    return preds, unmatched

"""Past crises in the room: the cells' answers beside history's and the doctrine's.

An exercise of a scenario with a `script` (the record of a past crisis) can run
in replay mode: the cells answer each decision asked of their states first; once
the turn has closed, the console reveals, side by side, what the record says the
state did (with its source and note) and what the doctrine predicted at that
moment. The comparison is read from the log alone, so the after-action report,
the pages and the export agree, and nothing of the record leaks before the close.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import words
from .decide import script_entry
from .doctrine import Doctrine
from .events import DecisionRequested, Event, TurnClosed
from .game import advise
from .model import Response, Scenario, ScriptEntry, weightiest
from .play import Context, Play
from .state import GameState, apply


@dataclass(frozen=True, slots=True)
class Reveal:
    """One recorded decision of a cell's state, revealed after its turn closed."""
    turn: int
    attack: str
    state: str
    treaty: str | None
    answer: str | None              # the answer that stands (the cell's, or the umpire's override)
    answered_by: str | None         # player | umpire | doctrine
    history: ScriptEntry | None     # the record's answer, with its source and note (None: silent)
    predicted: str                  # the doctrine's answer at that moment (the band its score fell in)
    confidence: float               # the doctrine's probability of that answer
    answer_side: str = ""           # whose side the answer that stands is on, in words ("" : unsaid)
    history_side: str = ""          # whose side the record's answer is on, in words

    @property
    def matches_history(self) -> bool | None:
        return None if self.history is None or self.answer is None else str(self.history.response) == self.answer


def reveals(scenario: Scenario, events: Sequence[Event], doctrine: Doctrine,
            states: Iterable[str]) -> list[Reveal]:
    """The decisions asked of `states` on closed turns, each with history's and the doctrine's answer.

    The log is folded forward here, and the doctrine asked at the moment each decision was."""
    wanted, gs = frozenset(states), GameState.initial(scenario)
    closed = {e.turn for e in events if isinstance(e, TurnClosed)}
    asked: dict[tuple[str, str], tuple[int, str | None, ScriptEntry | None, str, float]] = {}
    for e in events:
        apply(gs, e)
        if not (isinstance(e, DecisionRequested) and e.state in wanted and e.turn in closed):
            continue
        advice = advise(gs, doctrine, e.state, e.attack)
        asked[(e.attack, e.state)] = (e.turn, e.treaty, _record(gs, e, doctrine), str(advice.response),
                                      advice.probabilities[advice.response.rank])
    out = []
    for (attack, state), (turn, treaty, entry, predicted, p) in asked.items():
        d = gs.decisions.get((attack, state))
        out.append(Reveal(turn, attack, state, treaty, str(d.response) if d else None,
                          str(d.source) if d else None, entry, predicted, p,
                          _side(gs, attack, d.side, d.response) if d else "",
                          _side(gs, attack, entry.side, entry.response) if entry else ""))
    return out


def _side(gs: GameState, attack_id: str, side: str | None, response: Response) -> str:
    """Whose side an answer is on, in the words the console uses (engine.words.side)."""
    attack = gs.attacks.get(attack_id)
    if side is None or attack is None:
        return ""
    state = gs.scenario.state_by_id.get(side)
    return words.side(state.name if state else side, side in attack.attackers, response)


def _record(gs: GameState, req: DecisionRequested, doctrine: Doctrine) -> ScriptEntry | None:
    """The record's answer for the request, found as a replay finds it (`engine.decide`)."""
    attack = gs.attacks.get(req.attack)
    if attack is None or not gs.scenario.script:
        return None
    trig = None
    if req.treaty:
        owed = [t for t in Play(gs, Context(doctrine)).graph.binding(attack)
                if t.ally == req.state and t.treaty == req.treaty]
        trig = weightiest(owed, lambda t: t.type)
    return script_entry(gs, attack, req.state, trig, {req.treaty} if req.treaty else set())

"""An exercise in which one cell never answers and the umpire answers for it, for the tests of
memos that must follow the umpire's overrides and an undo.

    umpired = Umpired(scenario)
    for closed in umpired.turns():
        ...  # after each turn, the events of its last close; umpired.overridden so far
    umpired.undone().play()  # or: every turn played, the last two undone, the cell the doctrine's
"""
from __future__ import annotations

from collections.abc import Iterator

from engine.events import Event
from engine.game import Game
from engine.model import Control, Mode, Response, Scenario
from engine.state import Status


class Umpired:
    """A seeded exercise whose first state is played by a cell that never answers; the umpire
    overrides each answer due with `full` (the doctrine chooses the cell's options)."""

    def __init__(self, scenario: Scenario, seed: int = 7) -> None:
        self.cell = scenario.states[0].id
        self.game = Game.new(scenario, seed=seed, mode=Mode.EXERCISE, controls={self.cell: Control.PLAYER},
                             stochastic=True, verbose=False)
        self.overridden = 0

    def turns(self) -> Iterator[list[Event]]:
        """Play the game turn by turn; after each, the events of the turn's last close."""
        game = self.game
        while game.state.status is not Status.FINISHED and game.state.turn < game.scenario.turns:
            game.open_turn()
            closed = game.close_turn()
            for _ in range(10):
                if game.state.status is not Status.OPEN:
                    break
                pending = game.state.pending()
                for attack, state in pending:
                    game.override(state, attack, Response.FULL, reason="the umpire's ruling")
                    self.overridden += 1
                if not pending:
                    game.answer_for_missing()
                closed = game.close_turn()
            yield closed

    def undone(self) -> Game:
        """Every turn played (the umpire overriding), then the last two undone and the cell handed
        to the doctrine: the game, to play on."""
        for _ in self.turns():
            pass
        assert self.overridden > 0, "the umpire overrode no answer: the exercise tests nothing"
        self.game.undo()
        self.game.undo()
        self.game.assign([self.cell], Control.NPC)
        return self.game

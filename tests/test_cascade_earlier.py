"""A conditional obligation reads the answers given on earlier turns; the cascade reads them
only when it meets such an obligation (a batch run's cascades mostly meet none)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from engine.model import Decision, DecisionSource, Response
from engine.network import Attack, Trigger, cascade
from engine.world import World
from tests.builders import attack, defense, make_world, treaty

STRIKE = attack("DEU", "CSK", id="invasion")


def _neutral(strike: Attack, world: World, binding: tuple[Trigger, ...]) -> list[Decision]:
    """Every bound state stays out this turn."""
    return [Decision(2, t.ally, strike.id, Response.NEUTRAL, DecisionSource.DOCTRINE, side=strike.target)
            for t in binding]


def _soviet(result) -> Trigger:  # type: ignore[no-untyped-def]
    return next(t for t in result.rounds[0].triggers if t.ally == "SUN")


@pytest.mark.parametrize("france_earlier, binds", [(Response.FULL, True), (Response.NEUTRAL, False), (None, False)])
def test_a_condition_is_met_by_an_answer_of_an_earlier_turn(france_earlier: Response | None, binds: bool) -> None:
    world = make_world("DEU CSK FRA SUN", [treaty("fra-csk", "FRA CSK", defense()),
                                           treaty("sun-csk", "CSK SUN", defense(conditional_on=("FRA",)))])
    earlier = [] if france_earlier is None else [
        (STRIKE, Decision(1, "FRA", STRIKE.id, france_earlier, DecisionSource.DOCTRINE, side="CSK"))]
    result = cascade(world, [STRIKE], _neutral, earlier=iter(earlier))
    assert _soviet(result).triggered is binds
    assert ("SUN" in {d.state for d in result.decisions}) is binds


def test_the_earlier_answers_are_not_read_when_no_obligation_waits() -> None:
    def untouchable() -> Iterator[tuple[Attack, Decision]]:
        raise AssertionError("read without a conditional obligation")
        yield  # pragma: no cover

    world = make_world("DEU CSK FRA SUN", [treaty("fra-csk", "FRA CSK", defense()),
                                           treaty("sun-csk", "CSK SUN", defense())])
    result = cascade(world, [STRIKE], _neutral, earlier=untouchable())
    assert {d.state for d in result.decisions} == {"FRA", "SUN"}

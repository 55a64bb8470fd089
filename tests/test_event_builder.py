"""An event made by its class's constructor called directly (`events.builder`) is the event the
class call makes: of its class, equal, frozen, and the same in the log's JSON."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from engine.events import EVENT_TYPES, Event, builder
from engine.game import Game
from engine.scenario import load

TEACHING = Path(__file__).resolve().parents[1] / "scenarios" / "baltic-2027.yaml"


def _played() -> list[Event]:
    game = Game.new(load(TEACHING), seed=5, stochastic=True, verbose=True)
    game.play()
    return list(game.events)


ONE_OF_EACH = list({type(e): e for e in _played()}.values())


def _values(e: Event) -> dict[str, object]:
    return {f.name: getattr(e, f.name) for f in dataclasses.fields(e)}


@pytest.mark.parametrize("event", ONE_OF_EACH, ids=lambda e: type(e).__name__)
def test_the_built_event_is_the_event_the_class_makes(event: Event) -> None:
    cls = type(event)
    made = builder(cls)(cls, **_values(event))
    assert type(made) is cls
    assert made == cls(**_values(event)) == event
    assert made.to_json() == event.to_json()
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.turn = 99  # type: ignore[misc]


def test_the_defaults_are_the_class_calls() -> None:
    for cls in EVENT_TYPES.values():
        required = {f.name: None for f in dataclasses.fields(cls)
                    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
        assert _values(builder(cls)(cls, **required)) == _values(cls(**required))


def test_a_class_outside_the_registry_is_called_as_ever() -> None:
    @dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
    class Unregistered(Event):
        note: str = ""

    made = builder(Unregistered)(Unregistered, turn=3, note="x")
    assert type(made) is Unregistered and made.turn == 3 and made.note == "x"

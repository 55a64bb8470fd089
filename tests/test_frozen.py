"""Events are built by a quicker constructor (engine.frozen.quick) and stay frozen dataclasses:
the same fields, equality, hashing, `replace`, pickling and copying, and no assignment."""
from __future__ import annotations

import copy
import dataclasses
import pickle
from pathlib import Path

import pytest

from engine.events import EVENT_TYPES, Event, ReputationChanged
from engine.frozen import quick
from engine.game import Game
from engine.scenario import load

TEACHING = Path(__file__).resolve().parents[1] / "scenarios" / "baltic-2027.yaml"


def _played() -> list[Event]:
    game = Game.new(load(TEACHING), seed=3, stochastic=True)
    game.play()
    return list(game.events)


EVENTS = _played()
ONE_OF_EACH = list({type(e): e for e in EVENTS}.values())


def _values(e: object) -> dict[str, object]:
    return {f.name: getattr(e, f.name) for f in dataclasses.fields(e)}  # type: ignore[arg-type]


@pytest.mark.parametrize("event", ONE_OF_EACH, ids=lambda e: type(e).__name__)
def test_an_event_rebuilt_from_its_fields_is_equal_and_of_its_class(event: Event) -> None:
    again = type(event)(**_values(event))
    assert type(again) is type(event)
    assert again == event and repr(again) == repr(event)
    if not any(isinstance(v, dict) for v in _values(event).values()):  # a mapping field: unhashable, as before
        assert hash(again) == hash(event)
    assert again.to_json() == event.to_json()


@pytest.mark.parametrize("event", ONE_OF_EACH, ids=lambda e: type(e).__name__)
def test_an_event_cannot_be_changed(event: Event) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.turn = 99  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del event.reason  # type: ignore[misc]
    with pytest.raises((AttributeError, TypeError)):  # no such slot (a slotted dataclass's own error)
        event.extra = 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("event", ONE_OF_EACH, ids=lambda e: type(e).__name__)
def test_pickle_copy_and_replace_keep_the_event(event: Event) -> None:
    for other in (pickle.loads(pickle.dumps(event)), copy.copy(event), copy.deepcopy(event)):
        assert type(other) is type(event) and other == event
    moved = dataclasses.replace(event, turn=event.turn + 1)
    assert type(moved) is type(event) and moved.turn == event.turn + 1
    assert _values(moved) | {"turn": event.turn} == _values(event)


def test_every_registered_class_is_quick_and_checks_its_arguments() -> None:
    for cls in EVENT_TYPES.values():
        assert "__new__" in cls.__dict__, cls.__name__
    with pytest.raises(TypeError, match="treaty"):
        ReputationChanged(turn=1, state="POL", before=0.5, after=0.55)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        ReputationChanged(1, state="POL", before=0.5, after=0.55, treaty="nato")  # type: ignore[misc]


@quick
@dataclasses.dataclass(frozen=True, slots=True)
class _Positional:
    a: int
    b: str = "b"
    c: list[int] = dataclasses.field(default_factory=list)


def test_positional_fields_defaults_and_factories() -> None:
    x, y = _Positional(1), _Positional(2, "z", [3])
    assert (x.a, x.b, x.c, y.a, y.b, y.c) == (1, "b", [], 2, "z", [3])
    assert _Positional(1).c is not _Positional(1).c  # a fresh value per instance
    assert _Positional(a=1, b="b") == x


def test_a_plain_subclass_is_built_as_itself() -> None:
    class Later(ReputationChanged):
        pass

    e = Later(turn=1, state="POL", before=0.5, after=0.55, treaty="nato")
    assert type(e) is Later and e.after == 0.55


@quick
@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class _Checked:
    low: int
    high: int

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ValueError("low above high")


def test_post_init_runs_on_the_finished_instance() -> None:
    assert _Checked(low=1, high=2).high == 2
    with pytest.raises(ValueError, match="low above high"):
        _Checked(low=3, high=2)


@pytest.mark.parametrize("field", [
    "x: int = dataclasses.field(default=0, init=False)",
    "x: dataclasses.InitVar[int] = 0",
    "_cls: int = 0",
    "_d0: int = 0",
])
def test_what_the_constructor_cannot_build_is_refused(field: str) -> None:
    namespace: dict[str, object] = {"dataclasses": dataclasses}
    source = f"@dataclasses.dataclass(frozen=True, slots=True)\nclass Y:\n    a: int = 1\n    {field}\n"
    exec(compile(source, "<test>", "exec", dont_inherit=True), namespace)  # evaluated annotations
    with pytest.raises(TypeError, match="quick"):
        quick(namespace["Y"])  # type: ignore[arg-type]


@pytest.mark.parametrize("decorate", [
    dataclasses.dataclass(slots=True),              # not frozen
    dataclasses.dataclass(frozen=True),             # no slots
])
def test_only_frozen_slotted_dataclasses_qualify(decorate) -> None:  # type: ignore[no-untyped-def]
    cls = decorate(type("X", (), {"__annotations__": {"a": "int"}}))
    with pytest.raises(TypeError, match="frozen dataclass with slots"):
        quick(cls)

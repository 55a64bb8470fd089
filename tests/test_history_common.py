"""What every historical scenario owes its reader: the modeline, sources, and a
source and a note on every recorded decision, each answering an attack that happened."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

from engine.events import Event
from engine.game import Game
from engine.model import ATTACK_KINDS, Scenario
from engine.scenario import load
from engine.state import Mode

HISTORY = Path(__file__).resolve().parents[1] / "scenarios" / "history"
FILES = sorted(p.name for p in HISTORY.glob("*.yaml"))
MODELINE = "# yaml-language-server: $schema=../../schemas/scenario.schema.json"


@pytest.fixture(params=FILES)
def name(request) -> str:
    return request.param


@functools.cache
def replayed(path: Path) -> tuple[Event, ...]:
    """The events of a crisis replayed from its record (played once per test session)."""
    game = Game.new(load(path), mode=Mode.REPLAY)
    game.play()
    return tuple(game.events)


@functools.cache
def _load(name: str) -> Scenario:
    return load(HISTORY / name)


@pytest.fixture
def scenario(name: str) -> Scenario:
    return _load(name)


def test_each_file_opens_with_the_schema_modeline(name: str) -> None:
    first = (HISTORY / name).read_text(encoding="utf-8").splitlines()[0]
    assert first == MODELINE
    schema = (HISTORY / first.split("$schema=", 1)[1]).resolve()
    assert schema.is_file(), f"the modeline points at {schema}, which does not exist"

def test_each_file_cites_its_sources(scenario: Scenario) -> None:
    assert len(scenario.sources) >= 5
    assert all(s.cite.strip() for s in scenario.sources)
    assert all(s.url is None or s.url.startswith(("http://", "https://")) for s in scenario.sources)

def test_every_recorded_decision_has_a_source_and_a_note(scenario: Scenario) -> None:
    missing = [(e.turn, e.state, e.inject) for e in scenario.script
               if not (e.source and e.source.strip() and e.note and e.note.strip())]
    assert missing == []

def test_every_recorded_decision_answers_an_attack_or_threat_that_has_happened(scenario: Scenario) -> None:
    for entry in scenario.script:
        assert entry.inject in scenario.inject_by_id, f"{entry.state}: no inject {entry.inject!r}"
        inject = scenario.inject(entry.inject)
        assert inject.kind in ATTACK_KINDS or scenario.threatens(inject), (
            f"{entry.state} answers {inject.id}, a {inject.kind} and no threat")
        assert entry.turn >= inject.turn, f"{entry.state} answers {inject.id} before it happens"

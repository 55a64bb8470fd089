"""What every historical scenario owes its reader: the modeline, sources, and a
source and a note on every recorded decision, each answering an attack that happened."""
from __future__ import annotations

import csv
import functools
import os
from pathlib import Path

import pytest

from engine.events import DecisionTaken, Event, WarBegun, WarEnded
from engine.game import Game
from engine.model import ATTACK_KINDS, ObligationType, Response, Scenario
from engine.network import AllianceGraph
from engine.scenario import load
from engine.state import Mode
from engine.world import World

HISTORY = Path(__file__).resolve().parents[1] / "scenarios" / "history"
FILES = sorted(p.name for p in HISTORY.glob("*.yaml"))
MODELINE = "# yaml-language-server: $schema=../../schemas/scenario.schema.json"
# The reference data sets: CASUS_DATA, else shared/data beside the repository.
DATA = Path(os.environ.get("CASUS_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")
ATOP_MEMBERS = DATA / "atop" / "atop4_01m.csv"
_ATOP_TYPES = {"defense": "defense", "offense": "offense", "neutral": "neutrality",
               "nonagg": "nonaggression", "consul": "consultation"}


@pytest.fixture(params=FILES)
def name(request) -> str:
    return request.param


@functools.cache
def replayed(path: Path) -> tuple[Event, ...]:
    """The events of a crisis replayed from its record (played once per test session)."""
    game = Game.new(load(path), mode=Mode.REPLAY)
    game.play()
    return tuple(game.events)


def wars_begun(path: Path) -> set[tuple[frozenset[str], int]]:
    """The wars the replay of a crisis begins: each pair of states and the turn."""
    return {(frozenset((e.aggressor, e.defender)), e.turn) for e in replayed(path) if isinstance(e, WarBegun)}


def wars_ended(path: Path) -> set[tuple[frozenset[str], int]]:
    """The wars the replay of a crisis ends (a ceasefire): each pair of states and the turn."""
    return {(frozenset((e.aggressor, e.defender)), e.turn) for e in replayed(path) if isinstance(e, WarEnded)}


def every_answer_from_the_record(path: Path) -> bool:
    """The replay answers, and every answer is the record's (the doctrine fills no gap)."""
    answers = [e for e in replayed(path) if isinstance(e, DecisionTaken)]
    return bool(answers) and all(e.source == "script" for e in answers)


def recorded_answers(path: Path, attack: str | None = None) -> dict[str, Response]:
    """Each state's answer in the replay of a crisis from its record (to `attack`, or to any)."""
    return {e.state: Response(e.response) for e in replayed(path)
            if isinstance(e, DecisionTaken) and (attack is None or e.attack == attack)}


def bound_by(path: Path, attack_id: str, kind: ObligationType | None = None) -> set[tuple[str, str]]:
    """The (ally, treaty) pairs whose obligation (of `kind`) the attack brings into play, read on
    the crisis's opening world."""
    attack = next(e.attack for e in replayed(path) if getattr(e, "attack", None) is not None
                  and getattr(e.attack, "id", None) == attack_id)
    return {(t.ally, t.treaty) for t in AllianceGraph(World.initial(load(path))).binding(attack)
            if kind is None or t.type == kind}


def atop_alliance(atop_id: int, day: tuple[int, int, int]) -> tuple[set[int], set[str]]:
    """ATOP v4.01's members (COW codes) of an alliance in force on `day` (year, month, day), and
    the obligation types, in the format's words, they owe. Skips the test where the data are absent."""
    if not ATOP_MEMBERS.is_file():
        pytest.skip(f"no ATOP data at {ATOP_MEMBERS} (set CASUS_DATA)")
    members: set[int] = set()
    types: set[str] = set()
    with ATOP_MEMBERS.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if int(row["atopid"]) != atop_id:
                continue
            entered = (int(row["yrent"]), int(row["moent"] or 0), int(row["dayent"] or 0))
            left = (int(row["yrexit"] or 0), int(row["moexit"] or 0), int(row["dayexit"] or 0))
            if entered <= day and (left[0] == 0 or left > day):
                members.add(int(row["member"]))
                types |= {ours for theirs, ours in _ATOP_TYPES.items() if row[theirs] == "1"}
    return members, types


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

"""A view's cost does not grow with the log, and what it shows is what the whole log says.

`engine.view.view_for` reads only the events from `since` on and what the fold keeps
(`GameState.published`, `.statements`, `.messages`); these tests hold it to the
answers that a pass over the whole log gives, at every point of random games.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.events import DecisionTaken, Event, MessageSent, TurnClosed
from engine.game import Game
from engine.model import Control, Mode
from engine.play import facts
from engine.scenario import loads
from engine.state import GameState, fold
from engine.view import PublicDecision, Viewer, knows, public_decisions, view_for
from tests.e2e.support import SECRET_PACT
from tests.test_engine_core import actions, drive, new_game, scenarios, script, setups


def public_from_the_log(gs: GameState, events: Sequence[Event], viewer: Viewer) -> list[PublicDecision]:
    """The rule read off the whole log: the answers that stand from the turns that closed, each
    with the last statement its state gave, less those under a secret treaty the viewer does not know."""
    closed = {e.turn for e in events if isinstance(e, TurnClosed)}
    statements = {(e.attack, e.state): e.statement for e in events if isinstance(e, DecisionTaken)}
    out = [PublicDecision(d.turn, attack, state, str(d.response), statements.get((attack, state), ""))
           for (attack, state), d in gs.decisions.items()
           if d.turn in closed and not (d.treaty and not knows(gs, viewer, d.treaty))]
    rank = facts(gs.scenario).rank
    return sorted(out, key=lambda p: (p.turn, p.attack, rank(p.state)))


def viewers(gs: GameState) -> list[Viewer]:
    return [None, *(frozenset({s}) for s in gs.scenario.state_by_id)]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), setups, st.lists(actions, min_size=3, max_size=3))
def test_the_public_answers_kept_by_the_fold_are_those_the_whole_log_gives(sc, setup, plan):
    game = new_game(sc, setup)
    marks: list[int] = []
    drive(game, script(game, plan), marks)
    events = game.events
    for mark in sorted(set(marks)):
        gs = fold(sc, events[:mark])
        for viewer in viewers(gs):
            assert public_decisions(gs, viewer=viewer) == public_from_the_log(gs, events[:mark], viewer)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), setups, st.lists(actions, min_size=3, max_size=3))
def test_a_client_that_polls_learns_every_public_answer_once_its_turn_closes(sc, setup, plan):
    """Reading from where it last read, a client holds, answer for answer, the whole view's list."""
    game = new_game(sc, setup)
    marks: list[int] = []
    drive(game, script(game, plan), marks)
    events = game.events
    for viewer in viewers(game.state):
        held: dict[tuple[str, str], PublicDecision] = {}
        last = 0
        for mark in sorted(set(marks)):
            seen = view_for(fold(sc, events[:mark]), events[:mark], viewer, since=last)
            held |= {(p.attack, p.state): p for p in seen.public_since}
            last = mark
        whole = view_for(game.state, events, viewer).public
        assert sorted(held.values(), key=whole.index) == list(whole)


class Watched(Sequence[Event]):
    """A log that records the lowest place anyone read in it."""

    def __init__(self, events: Sequence[Event]) -> None:
        self.events, self.lowest = list(events), len(events)

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self) -> Iterator[Event]:
        self.lowest = 0
        return iter(self.events)

    @overload
    def __getitem__(self, i: int) -> Event: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Event]: ...

    def __getitem__(self, i: Any) -> Any:
        start = i.indices(len(self.events))[0] if isinstance(i, slice) else i % len(self.events)
        self.lowest = min(self.lowest, start)
        return self.events[i]


def exercise(turns: int) -> Game:
    """The secret-pact exercise: two cells that answer with statements, the umpire overriding one
    answer a turn and writing to one cell, for `turns` turns."""
    sc = loads(SECRET_PACT, "secret-pact.yaml")
    game = Game.new(sc, mode=Mode.EXERCISE, controls={"ITA": Control.PLAYER, "GER": Control.PLAYER})
    for t in range(turns):
        game.open_turn()
        game.message("umpire", None, {"Rome": frozenset({"ITA"})}, f"Turn {t}: Rome, hold.")
        for k, (attack, state) in enumerate(game.state.pending()):
            if k % 2:
                game.override(state, attack, "diplomatic", reason="the umpire's reason")
            else:
                game.submit(state, attack, "limited", rationale="private", statement=f"{state} stands firm")
        game.answer_for_missing()
        game.close_turn()
    return game


def test_a_poll_reads_no_event_before_the_place_it_asks_from():
    game = exercise(3)
    since = len(game) - 5
    for viewer in (None, frozenset({"ITA"}), frozenset({"GER"})):
        log = Watched(game.events)
        seen = view_for(game.state, log, viewer, since=since)
        seen.public, seen.public_since, seen.messages   # noqa: B018  (worked out when read)
        assert log.lowest == since, viewer


def test_the_messages_a_view_gives_are_those_of_the_log_its_reader_may_read():
    game = exercise(3)
    for viewer in (None, frozenset({"ITA"}), frozenset({"GER"})):
        expected = tuple(e for e in game.events if isinstance(e, MessageSent) and e.visible_to(viewer))
        assert game.view_for(viewer).messages == expected
    assert len(game.view_for(None).messages) == 3 and not game.view_for(frozenset({"GER"})).messages


def test_a_view_once_made_does_not_change_as_the_game_goes_on():
    game = exercise(2)
    before = game.view_for(frozenset({"ITA"}))
    public, messages = list(public_from_the_log(game.state, game.events, frozenset({"ITA"}))), len(game.events)
    game.open_turn()
    game.message("umpire", None, "all", "A new turn.")
    game.answer_for_missing()
    game.close_turn()
    assert list(before.public) == public and len(before.messages) == 2 and messages < len(game.events)


def test_a_poll_through_the_api_is_sent_the_answers_made_public_since_it_last_read(tmp_path):
    from tests.e2e.support import UMPIRE_TOKEN, bearer, make_app, new_exercise
    app = make_app(tmp_path)
    client, umpire = app.test_client(), bearer(UMPIRE_TOKEN)
    ex = new_exercise(app, "narva-drill.yaml")
    eid, poland = ex["id"], bearer(ex["cells"]["Poland"]["token"])
    url = f"/api/v1/exercises/{eid}"
    for step in ("open-turn", "close-turn", "open-turn"):   # the attack on turn 2 asks both cells
        client.post(f"{url}/{step}", headers=umpire, json={})
    client.post(f"{url}/decisions", headers=bearer(ex["cells"]["United States"]["token"]),
                json={"state": "USA", "attack": "narva", "response": "full", "statement": "We stand with Estonia."})
    before_close = client.get(url, headers=poland).get_json()
    client.post(f"{url}/close-turn", headers=umpire, json={"doctrine_answers_missing": True})
    closed = client.get(f"{url}?since={before_close['seq']}", headers=poland).get_json()
    client.post(f"{url}/open-turn", headers=umpire, json={})
    later = client.get(f"{url}?since={closed['seq']}", headers=poland).get_json()
    whole = client.get(url, headers=poland).get_json()["public_decisions"]
    assert before_close["public_decisions"] == [] and later["public_decisions"] == []
    assert closed["public_decisions"] == whole and {"state": "USA", "attack": "narva", "turn": 2, "response": "full",
                                                    "statement": "We stand with Estonia."} in whole
    assert all(p["state"] != "POL" for p in whole)   # a cell's own answers are its own already


def test_an_answer_under_a_secret_treaty_stays_with_those_who_know_it():
    game = exercise(3)
    seen = {v: public_decisions(game.state, viewer=v) for v in (None, frozenset({"ITA"}), frozenset({"GER"}))}
    for viewer, public in seen.items():
        assert public == public_from_the_log(game.state, game.events, viewer)
    assert seen[None] and seen[frozenset({"ITA"})] == seen[None] and not seen[frozenset({"GER"})]

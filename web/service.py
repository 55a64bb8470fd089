"""The console's service layer: exercises kept in an event store, played through the engine.

Views never touch the engine or the store directly: they ask this layer to
load an exercise (a consistent snapshot) or to perform an action on it. An
action runs the engine on a copy of the snapshot's `Game` (no fold of the log),
appends only the new events in one store transaction (refused with
`Conflict` when the log moved on), then publishes the new snapshot. A
published snapshot is never changed, so a page can be rendered from it while
another thread writes.

Exercise metadata lives in the store's meta: the scenario text (so uploads
persist), the title, the cells and their token hashes, the decision deadline,
whether the clock is paused, whether cells may ask the doctrine, and the
exercise a what-if was branched from.

A Monte Carlo what-if (`Console.what_if`) plays the exercise on from where it
stands many times with the doctrine deciding for every state; it runs inside
the request, bounded in runs and in wall-clock time, and only its latest
results per exercise are kept, in memory.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import hmac
import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import GameError, InvalidAction, NotPermitted, ScenarioError, UnknownName
from engine.events import ChannelSet, ControlChanged, Event, MessageSent, Note, TurnClosed
from engine.game import Game
from engine.model import Control, Response, Scenario
from engine.scenario import loads
from engine.state import Mode
from engine.store import EventStore, GameRecord, StaleWrite, UnknownGame

from .ids import new_game, token_hash
from .injects import adhoc_inject
from .snapshot import (
    Conflict,
    ConsoleError,
    Forbidden,
    NotFound,
    ShippedScenario,
    Snapshot,
    Snapshots,
    Summary,
    scenario_root,
    shipped_paths,
)
from .whatif import WHAT_IF_SECONDS, WHAT_IFS_KEPT, WhatIf, WhatIfRequest, last_what_if, run_what_if

MAX_DEADLINE_MINUTES = 24 * 60


# --- the service ------------------------------------------------------------------------------

def is_exercise(meta: Mapping[str, Any]) -> bool:
    """An exercise keeps its scenario's text; a game the command line recorded keeps only its id."""
    return isinstance(meta.get("scenario_yaml"), str)


class Console:
    """Exercises in an event store, for the umpire's and the cells' pages and the API."""

    def __init__(self, store: EventStore, secret: str, scenario_paths: Sequence[Path] | None = None):
        self.store = store
        self._secret = secret.encode("utf-8")
        self._paths = list(scenario_paths) if scenario_paths is not None else shipped_paths()
        self._shipped: list[ShippedScenario] | None = None
        self._shipped_problems: list[str] = []
        self._scenarios: dict[str, Scenario] = {}          # by hash of the scenario text
        self.snapshots = Snapshots()
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._tokens: dict[str, tuple[str, str]] = {}      # token hash -> (exercise, cell)
        self._tokens_built = 0.0
        self._what_ifs: dict[str, WhatIf] = {}             # exercise -> its latest what-if
        self.what_if_slot = threading.Lock()               # one what-if at a time: each is CPU-bound

    # --- scenarios -------------------------------------------------------------------
    def scenarios(self) -> list[ShippedScenario]:
        if self._shipped is None:
            found, problems = [], []
            root = scenario_root()
            for path in self._paths:
                try:
                    sc = self._scenario(path.read_bytes(), path.name)
                except ScenarioError as exc:
                    problems.append(f"{path.name}: {len(exc.problems)} problem(s), not offered")
                    continue
                except OSError as exc:
                    problems.append(f"{path}: {exc.strerror}")
                    continue
                try:
                    key = path.resolve().relative_to(root.resolve()).as_posix()
                except ValueError:
                    key = path.name
                found.append(ShippedScenario(key, path, sc.id, sc.title, sc.turns, len(sc.states),
                                             tuple(s.id for s in sc.states if s.control is Control.PLAYER)))
            self._shipped, self._shipped_problems = found, problems
        return list(self._shipped)

    def scenario_problems(self) -> list[str]:
        self.scenarios()
        return list(self._shipped_problems)

    def shipped(self, key: str) -> ShippedScenario:
        for s in self.scenarios():
            if s.key == key or s.id == key:
                return s
        raise NotFound(f"no scenario {key!r}: choose one of {', '.join(s.key for s in self.scenarios())}")

    def _scenario(self, text: str | bytes, name: str) -> Scenario:
        raw = text.encode("utf-8") if isinstance(text, str) else text
        digest = hashlib.sha256(name.encode() + b"\0" + raw).hexdigest()
        found = self._scenarios.get(digest)
        if found is None:
            found = self._scenarios[digest] = loads(raw, name)
        return found

    # --- exercises -------------------------------------------------------------------
    def create(self, text: str | bytes, name: str, *, title: str | None = None,
               cells: Mapping[str, Iterable[str]] | None = None, cell_advice: bool = False) -> str:
        """A new exercise from scenario text (ScenarioError when the loader refuses it)."""
        if isinstance(text, bytes):
            scenario = self._scenario(text, name)
            text = text.decode("utf-8-sig")
        else:
            scenario = self._scenario(text, name)
        if cells is None:
            cells = {scenario.state(s).name: [s] for s in
                     (st.id for st in scenario.states if st.control is Control.PLAYER)}
        meta: dict[str, Any] = {"scenario_yaml": text, "scenario_name": name, "scenario_id": scenario.id,
                "title": (title or scenario.title).strip()[:200], "cells": {}, "deadline": None,
                "paused": False, "paused_left": None, "cell_advice": bool(cell_advice),
                "parent": None, "branch_turn": None}
        eid = new_game(self.store, scenario.id, lambda _eid: meta)
        self.set_cells(eid, cells)
        return eid

    def exercises(self) -> list[Summary]:
        out = []
        for rec in self.store.games():
            if not is_exercise(rec.meta):
                continue
            try:
                snap = self.get(rec.id)
            except (ConsoleError, ScenarioError):
                continue
            gs = snap.state
            out.append(Summary(rec.id, snap.title, snap.scenario.id, gs.turn if gs else 0,
                               str(gs.status) if gs else "setup", rec.seq, rec.created,
                               snap.meta.get("parent")))
        return out

    def recorded(self) -> list[GameRecord]:
        """Games the command line kept in this database (`casus play --db`): not exercises."""
        return [rec for rec in self.store.games() if not is_exercise(rec.meta)]

    def _lock(self, eid: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(eid, threading.Lock())

    def get(self, eid: str) -> Snapshot:
        """The exercise as the store has it now (within a request: as it was when the request
        first read it, or as the request's own action left it)."""
        seen = self.snapshots.seen()
        if seen is None:
            return self._read(eid)
        found = seen.get(eid)
        if found is None:
            found = seen[eid] = self._read(eid)
        return found

    def _read(self, eid: str) -> Snapshot:
        """The exercise as the store has it now: one short read of the store while nothing
        changed; else the cached game with what was appended since folded in (see Snapshots)."""
        for _ in range(3):
            generation = self.snapshots.generation(eid)
            seq, meta = self._head(eid)
            cached = self.snapshots.latest(eid)   # after the read: a snapshot published meanwhile counts
            if cached is not None and cached.seq == seq and (cached.meta is meta or cached.meta == meta):
                return cached
            if self.snapshots.generation(eid) == generation:
                break           # nothing cached meanwhile: build from what was read
        snap = self._build(eid, meta, seq, cached)
        self.snapshots.offer(snap, generation)
        return snap

    def _head(self, eid: str) -> tuple[int, Mapping[str, Any]]:
        """The exercise's number of events and its meta, in one read where the store can."""
        try:
            head = getattr(self.store, "head", None)
            seq, meta = head(eid) if head is not None else (self.store.seq(eid), self.store.meta(eid))
        except UnknownGame:
            raise NotFound(f"no exercise {eid!r}") from None
        if not is_exercise(meta):
            raise NotFound(f"{eid!r} is a game recorded by casus play or casus replay, not an exercise: "
                           f"the console does not open it (read it on the command line)")
        return int(seq), meta

    def _build(self, eid: str, meta: Mapping[str, Any], seq: int, cached: Snapshot | None) -> Snapshot:
        if cached is not None and cached.seq == seq:
            return Snapshot(eid, meta, seq, cached.scenario, cached.game)   # only the meta changed
        scenario = self._scenario(meta["scenario_yaml"], meta.get("scenario_name") or "scenario.yaml")
        if seq == 0:
            return Snapshot(eid, meta, 0, scenario, None)
        if cached is not None and cached.game is not None and 0 < cached.seq < seq \
                and cached.scenario is scenario:
            game = cached.game.copy()  # fold only what was appended since
            game.push(self.store.events(eid, since=cached.seq))
            return Snapshot(eid, meta, len(game), scenario, game)
        events = self.store.events(eid)
        return Snapshot(eid, meta, len(events), scenario, Game(scenario, events))

    def act(self, eid: str, action: Callable[[Game], list[Event]], *,
            expected_seq: int | None = None, check: Callable[[Snapshot], None] | None = None) -> list[Event]:
        """Perform an action on the exercise and append its events in one transaction."""
        with self._lock(eid):
            cur = self._read(eid)
            if cur.game is None:
                raise Conflict("the exercise has not started: assign the cells and start it first")
            if expected_seq is not None and expected_seq != cur.seq:
                raise Conflict(f"the exercise has moved on since this page was loaded "
                               f"(event {cur.seq}, the page knew {expected_seq}): reload and try again")
            if check is not None:
                check(cur)
            game = cur.game.copy()  # the published snapshot stays as it was for its readers
            try:
                new = action(game)
            except (InvalidAction, UnknownName) as exc:   # the request is wrong: say what to change
                raise ConsoleError(str(exc)) from None
            except NotPermitted as exc:
                raise Forbidden(str(exc)) from None
            except GameError as exc:                     # not now: the game has moved on
                raise Conflict(str(exc)) from None
            if not new:
                return []
            try:
                seq = self.store.append(eid, new, cur.seq)
            except StaleWrite as exc:
                self.snapshots.forget(eid)
                raise Conflict(str(exc)) from None
            self.snapshots.publish(Snapshot(eid, cur.meta, seq, cur.scenario, game))
            return new

    def update_meta(self, eid: str, changes: Mapping[str, Any]) -> Snapshot:
        with self._lock(eid):
            self._read(eid)
            self.store.update_meta(eid, changes)
            self.snapshots.unsee(eid)    # the request reads the meta it has just written
            return self.get(eid)

    # --- setting up ----------------------------------------------------------------
    def set_cells(self, eid: str, cells: Mapping[str, Iterable[str]]) -> Snapshot:
        """Which states each cell plays; the rest are the doctrine's. Only before the start."""
        snap = self.get(eid)
        if snap.started:
            raise Conflict("the exercise has started: its cells can no longer change (branch it instead)")
        known, taken = snap.scenario.state_by_id, dict[str, str]()
        out: dict[str, Any] = {}
        old = snap.cells
        for raw_name, states in cells.items():
            name = " ".join(str(raw_name).split())[:60]
            states = [s for s in states]
            if not name or not states:
                continue
            for s in states:
                if s not in known:
                    raise ConsoleError(f"no state {s!r} in {snap.scenario.id}")
                if s in taken:
                    raise ConsoleError(f"{known[s].name} is given to two cells: {taken[s]} and {name}")
                taken[s] = name
            nonce = old[name].nonce if name in old else 0
            out[name] = {"states": sorted(states, key=lambda s: list(known).index(s)), "nonce": nonce,
                         "token_hash": token_hash(self.cell_token(eid, name, nonce))}
        snap = self.update_meta(eid, {"cells": out})
        self._index_tokens(snap)
        return snap

    def start(self, eid: str, *, expected_seq: int | None = 0) -> list[Event]:
        with self._lock(eid):
            snap = self._read(eid)
            if snap.started:
                raise Conflict("the exercise has already started")
            players = {s for c in snap.cells.values() for s in c.states}
            # Replay mode: the states no cell plays answer as the record says (Control.RECORD).
            others = Control.RECORD if snap.meta.get("replay") and snap.scenario.script else Control.NPC
            controls = {s.id: (Control.PLAYER if s.id in players else others) for s in snap.scenario.states}
            game = Game.new(snap.scenario, mode=Mode.EXERCISE, controls=controls)
            try:
                seq = self.store.append(eid, list(game.events), 0)
            except StaleWrite as exc:
                raise Conflict(str(exc)) from None
            self.snapshots.publish(Snapshot(eid, snap.meta, seq, snap.scenario, game))
        # The exercise's clock: its elapsed time is wall-clock time since the start.
        self.update_meta(eid, {"started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})
        return list(game.events)

    def cell_token(self, eid: str, cell: str, nonce: int) -> str:
        """The cell's join token: derived from the server's secret, never stored (only its hash is)."""
        mac = hmac.new(self._secret, f"cell\0{eid}\0{cell}\0{nonce}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()[:24]).decode("ascii")

    def reissue(self, eid: str, cell: str) -> Snapshot:
        """A new join link for a cell; the old one stops working (a lost sheet of paper)."""
        snap = self.get(eid)
        cells = dict(snap.meta.get("cells") or {})
        if cell not in cells:
            raise NotFound(f"no cell {cell!r} in this exercise")
        entry = dict(cells[cell])
        entry["nonce"] = int(entry.get("nonce", 0)) + 1
        entry["token_hash"] = token_hash(self.cell_token(eid, cell, entry["nonce"]))
        cells[cell] = entry
        snap = self.update_meta(eid, {"cells": cells})
        self._index_tokens(snap)
        return snap

    def _index_tokens(self, snap: Snapshot) -> None:
        with self._guard:
            for h in [h for h, (e, _) in self._tokens.items() if e == snap.id]:
                del self._tokens[h]
            for c in snap.cells.values():
                self._tokens[c.token_hash] = (snap.id, c.name)

    def replaced_cell(self, eid: str, token: str) -> str | None:
        """The cell of `eid` whose earlier join link this token was, if the umpire has replaced it."""
        try:
            cells = self.get(eid).cells.values()
        except NotFound:
            return None
        for cell in cells:
            if any(hmac.compare_digest(self.cell_token(eid, cell.name, n), token) for n in range(cell.nonce)):
                return cell.name
        return None

    def find_cell(self, token: str) -> tuple[str, str] | None:
        """(exercise, cell) whose join token this is, or None."""
        h = token_hash(token)
        found = self._tokens.get(h)
        if found is None and time.monotonic() - self._tokens_built > 1.0:
            self._tokens_built = time.monotonic()
            for rec in self.store.games():
                for name, c in (rec.meta.get("cells") or {}).items():
                    self._tokens[c.get("token_hash", "")] = (rec.id, name)
            found = self._tokens.get(h)
        if found is None:
            return None
        eid, name = found
        try:
            cell = self.get(eid).cells.get(name)
        except NotFound:
            return None
        if cell is None or not hmac.compare_digest(cell.token_hash, h):
            return None
        return found

    # --- the umpire's actions --------------------------------------------------------
    def open_turn(self, eid: str, expected_seq: int | None = None) -> list[Event]:
        events = self.act(eid, lambda g: g.open_turn(), expected_seq=expected_seq)
        self.update_meta(eid, {"deadline": None, "paused_left": None})
        return events

    def close_turn(self, eid: str, expected_seq: int | None = None) -> list[Event]:
        events = self.act(eid, lambda g: g.close_turn(), expected_seq=expected_seq)
        if any(isinstance(e, TurnClosed) for e in events):
            self.update_meta(eid, {"deadline": None, "paused_left": None})
        return events

    def close_by_doctrine(self, eid: str, expected_seq: int | None = None) -> list[Event]:
        """Close the turn with the doctrine answering for the cells that did not (engine.deadline)."""
        def action(game: Game) -> list[Event]:
            return game.answer_for_missing() + game.close_turn()
        events = self.act(eid, action, expected_seq=expected_seq)
        if any(isinstance(e, TurnClosed) for e in events):
            self.update_meta(eid, {"deadline": None, "paused_left": None})
        return events

    def override(self, eid: str, state: str, attack: str, response: str, reason: str,
                 expected_seq: int | None = None) -> list[Event]:
        if not reason.strip():
            raise ConsoleError("an override needs a reason: it is logged for the debrief")
        _response(response)
        return self.act(eid, lambda g: g.override(state, attack, response, reason.strip()),
                        expected_seq=expected_seq)

    def override_option(self, eid: str, inject: str, take: bool, reason: str,
                        expected_seq: int | None = None) -> list[Event]:
        if not reason.strip():  # the umpire decides an option for its actor (engine.turn.override_option)
            raise ConsoleError("an override needs a reason: it is logged for the debrief")
        return self.act(eid, lambda g: g.override_option(inject, take, reason.strip()), expected_seq=expected_seq)

    def trigger(self, eid: str, inject: str, expected_seq: int | None = None) -> list[Event]:
        return self.act(eid, lambda g: g.trigger(inject), expected_seq=expected_seq)

    def fire(self, eid: str, fields: Mapping[str, Any], expected_seq: int | None = None) -> list[Event]:
        def action(game: Game) -> list[Event]:
            return game.fire(adhoc_inject(game, fields))
        return self.act(eid, action, expected_seq=expected_seq)

    def note(self, eid: str, text: str, *, bookmark: bool = False, turn: int | None = None) -> list[Event]:
        text = text.strip()
        if not text:
            raise ConsoleError("a note needs some text")

        def action(game: Game) -> list[Event]:
            at = game.state.turn if turn is None else max(0, min(turn, game.state.turn))
            return game.note(text[:4000], bookmark=bookmark, turn=at)
        return self.act(eid, action)

    def undo(self, eid: str, expected_seq: int | None = None) -> Undone:
        """Take back the last turn. Its events are set aside in the store (not destroyed); the
        umpire's notes among them are the facilitator's, not the game's, and are written back
        after the cut, at the turn they were made or, if that turn is gone, the last one left."""
        with self._lock(eid):
            cur = self._read(eid)
            if cur.game is None or cur.game.state.turn == 0:
                raise Conflict("nothing to undo: no turn has been played")
            if expected_seq is not None and expected_seq != cur.seq:
                raise Conflict(f"the exercise has moved on since this page was loaded "
                               f"(event {cur.seq}, the page knew {expected_seq}): reload and try again")
            keep = cur.game.turn_start(cur.game.state.turn)
            try:
                dropped = self.store.truncate(eid, keep, cur.seq)
            except StaleWrite as exc:
                self.snapshots.forget(eid)
                raise Conflict(str(exc)) from None
            game = Game(cur.scenario, cur.game.events[:keep], doctrine=cur.game.ctx.doctrine)
            kept = [dataclasses.replace(e, turn=min(e.turn, game.state.turn)) for e in dropped if _umpires_note(e)]
            seq = keep
            if kept:
                # A second transaction: were it lost, the notes would still lie among the undone events.
                seq = self.store.append(eid, kept, keep)
                game.push(kept)
            self.snapshots.publish(Snapshot(eid, cur.meta, seq, cur.scenario, game))
        self.update_meta(eid, {"deadline": None, "paused": False, "paused_left": None})
        return Undone(cur.game.state.turn, [e for e in dropped if not _umpires_note(e)], kept)

    # --- what-ifs: the exercise played on many times by the doctrine -------------------
    def what_if(self, eid: str, request: WhatIfRequest, *, seconds: float = WHAT_IF_SECONDS) -> WhatIf:
        """Play the exercise on from where it stands `request.runs` times; kept as its latest
        what-if (web.whatif.run_what_if says how)."""
        found = run_what_if(self, eid, request, seconds)
        with self._guard:
            self._what_ifs.pop(eid, None)
            self._what_ifs[eid] = found
            while len(self._what_ifs) > WHAT_IFS_KEPT:
                del self._what_ifs[next(iter(self._what_ifs))]   # the oldest
        return found

    def last_what_if(self, eid: str) -> WhatIf | None:
        """The exercise's latest what-if: in memory, else the last one its log keeps."""
        snap = self.get(eid)
        found = self._what_ifs.get(eid)
        if found is None and snap.game is not None:
            found = snap.memoised("what-if", lambda: last_what_if(eid, snap.game.events if snap.game else ()))
        return found

    def branch(self, eid: str, turn: int, title: str | None = None) -> str:
        """A what-if: a new exercise with this one's log up to the opening of `turn`."""
        cur = self.get(eid)
        if cur.game is None:
            raise Conflict("the exercise has not started: there is nothing to branch from")
        try:
            what_if = cur.game.branch(turn)
        except GameError as exc:
            raise ConsoleError(str(exc)) from None
        meta = dict(cur.meta) | {"title": (title or f"{cur.title} — what-if from turn {turn}")[:200],
                                 "parent": eid, "branch_turn": turn, "deadline": None, "paused": False,
                                 "paused_left": None}

        def with_cells(new: str) -> Mapping[str, Any]:
            # A cell's token is signed with the exercise's id, so each id drawn gets its own.
            return meta | {"cells": {
                name: {"states": list(c.get("states", ())), "nonce": 0,
                       "token_hash": token_hash(self.cell_token(new, name, 0))}
                for name, c in (cur.meta.get("cells") or {}).items()}}
        new = new_game(self.store, cur.scenario.id, with_cells)
        self.store.append(new, list(what_if.events), 0)
        self._index_tokens(self.get(new))
        return new

    # --- the clock ---------------------------------------------------------------------
    def set_deadline(self, eid: str, minutes: float | None) -> Snapshot:
        """A decision deadline `minutes` from now (frozen while paused); none or 0 clears it."""
        if minutes is not None and not (math.isfinite(minutes) and 0 <= minutes <= MAX_DEADLINE_MINUTES):
            raise ConsoleError(f"a deadline is a number of minutes from 0 (no deadline) to "
                               f"{MAX_DEADLINE_MINUTES} (24 hours), not {minutes:g}")
        if minutes is None or minutes == 0:
            return self.update_meta(eid, {"deadline": None, "paused_left": None})
        if self.get(eid).paused:
            return self.update_meta(eid, {"paused_left": minutes * 60})
        when = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)
        return self.update_meta(eid, {"deadline": when.isoformat(timespec="seconds")})

    def pause(self, eid: str) -> Snapshot:
        snap = self.get(eid)
        if snap.paused:
            return snap
        return self.update_meta(eid, {"paused": True, "paused_left": snap.seconds_left()})

    def resume(self, eid: str) -> Snapshot:
        snap = self.get(eid)
        if not snap.paused:
            return snap
        left = snap.meta.get("paused_left")
        deadline = None if left is None else (dt.datetime.now(dt.UTC)
                                              + dt.timedelta(seconds=float(left))).isoformat(timespec="seconds")
        return self.update_meta(eid, {"paused": False, "paused_left": None, "deadline": deadline})

    # --- the cells' actions ------------------------------------------------------------
    def submit(self, eid: str, cell: str, state: str, attack: str, response: str, *,
               rationale: str = "", statement: str = "", turn: int | None = None) -> list[Event]:
        """A cell's decision; it may revise it until the deadline or the umpire's close."""
        _response(response)

        def check(snap: Snapshot) -> None:
            c = snap.cells.get(cell)
            if c is None or state not in c.states:
                raise Forbidden(f"the cell {cell} does not play {state}")
            _open_to_cells(snap, turn)
            if (attack, state) in snap.live.state.overrides:
                raise Conflict("the umpire has decided this one")
        return self.act(eid, lambda g: g.submit(state, attack, response, rationale=rationale[:4000],
                                                statement=statement[:2000]), check=check)

    def choose_option(self, eid: str, cell: str, state: str, inject: str, take: bool, *,
                      rationale: str = "", turn: int | None = None) -> list[Event]:
        """A cell's choice on one of its options this turn (engine.turn.choose_option)."""
        def check(snap: Snapshot) -> None:
            c = snap.cells.get(cell)
            if c is None or state not in c.states:
                raise Forbidden(f"the cell {cell} does not play {state}")
            _open_to_cells(snap, turn)
        return self.act(eid, lambda g: g.choose_option(state, inject, take, rationale=rationale[:4000]), check=check)


def _open_to_cells(snap: Snapshot, turn: int | None) -> None:  # the turn the cell saw, not paused, in time
    gs = snap.live.state
    if turn is not None and gs.turn != turn:
        raise Conflict(f"turn {turn} is over (the exercise is at turn {gs.turn}): reload the page")
    if snap.paused:
        raise Conflict("the umpire has paused the exercise: wait for it to resume")
    if snap.deadline_passed():
        raise Conflict("the deadline has passed: the umpire decides now")


@dataclass(frozen=True, slots=True)
class Undone:
    """What an undo took back: the turn, the game's events set aside, the notes kept."""
    turn: int
    dropped: list[Event]
    kept: list[Event]


def _umpires_note(e: Event) -> bool:
    """Kept through an undo: the umpire's notes, and what passed in the room rather than in the
    game (messages, the channel between cells, a state handed to a cell whose link is out)."""
    return (isinstance(e, Note) and e.actor == "umpire") or isinstance(e, MessageSent | ChannelSet | ControlChanged)


def _response(value: str) -> Response:
    try:
        return Response(value)
    except ValueError:
        raise ConsoleError(f"{value!r} is not on the response scale: "
                           f"{', '.join(str(r) for r in Response)}") from None

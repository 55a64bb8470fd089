"""Monte Carlo what-ifs in the console: the exercise played on many times by the doctrine,
bounded in runs and in wall-clock time (it runs inside a request)."""
from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.doctrine import Doctrine
from engine.errors import GameError
from engine.events import Event, WhatIfPlayed
from engine.kernel import warm
from engine.model import UMPIRE, Scenario
from engine.montecarlo import Plan, Results, Tally, Vary, chunks, parse_vary
from engine.state import Status

from .snapshot import Conflict, ConsoleError

if TYPE_CHECKING:  # the service calls this module; the type only is needed here
    from .service import Console

# A what-if runs inside a request: bounded in runs and in wall-clock time.
WHAT_IF_RUNS = 200         # what the dashboard's form offers
MAX_WHAT_IF_RUNS = 1000    # played inside a request: more belong to `casus run`
WHAT_IF_SECONDS = 30.0     # the wall-clock budget of one what-if (the app's WHATIF_SECONDS)
WHAT_IF_CHUNK = 20         # runs between two looks at the clock
WHAT_IFS_KEPT = 8          # exercises whose latest what-if stays in memory (a large one is a few MB)
_MAX_SEED = 2**63 - 1


# --- what-ifs -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class WhatIfRequest:
    """What the umpire asked for: how many runs, the master seed, at most one weight varied."""
    runs: int = WHAT_IF_RUNS
    seed: int = 0
    vary: Vary | None = None

    @property
    def vary_text(self) -> str:
        v = self.vary
        return "" if v is None else f"{v.name}={v.low:g}:{v.high:g}"


@dataclass(frozen=True)
class WhatIf:
    """A what-if's results, with what it was played from."""
    exercise: str
    seq: int            # the exercise's events it played on from
    turn: int
    status: str         # of that turn: open | ready | setup
    request: WhatIfRequest
    results: Results
    seconds: float

    @property
    def interrupted(self) -> bool:
        return bool(self.results.data["interrupted"])


def what_if_request(fields: Mapping[str, Any]) -> WhatIfRequest:
    """A what-if from the form's fields (blank ones take the defaults); ConsoleError says what is wrong."""
    runs = _whole(fields, "runs", WHAT_IF_RUNS, f"the number of runs must be a whole number from 1 to "
                                                f"{MAX_WHAT_IF_RUNS}")
    if runs < 1:
        raise ConsoleError(f"the number of runs must be a whole number from 1 to {MAX_WHAT_IF_RUNS}, not {runs}")
    if runs > MAX_WHAT_IF_RUNS:
        raise ConsoleError(f"{runs} runs is too many for the console: a what-if plays at most "
                           f"{MAX_WHAT_IF_RUNS} runs (for more, use casus run on the command line)")
    seed = _whole(fields, "seed", 0, f"the seed must be a whole number from 0 to {_MAX_SEED}")
    if not 0 <= seed <= _MAX_SEED:
        raise ConsoleError(f"the seed must be a whole number from 0 to {_MAX_SEED}, not {seed}")
    text = str(fields.get("vary") or "").strip()
    vary = None
    if text:
        if len(text) > 200:
            raise ConsoleError("the weight to vary is written NAME=LOW:HIGH, e.g. reputation=0.5:1.5")
        try:
            vary = parse_vary(text)
        except ValueError as exc:
            raise ConsoleError(str(exc)) from None
    return WhatIfRequest(runs, seed, vary)


def _whole(fields: Mapping[str, Any], name: str, default: int, expected: str) -> int:
    raw = str(fields.get(name) or "").strip()
    if not raw:
        return default
    if len(raw) > 20:
        raise ConsoleError(f"{expected}, not {raw[:20]!r}…")
    try:
        return int(raw)
    except ValueError:
        raise ConsoleError(f"{expected}, not {raw!r}") from None


def play_on(scenario: Scenario, request: WhatIfRequest, prefix: Sequence[Event], *,
            seconds: float = WHAT_IF_SECONDS) -> Results:
    """`engine.montecarlo.simulate`, a chunk of runs at a time, stopping at the time budget.

    Tallies merge exactly and runs are seeded by their index, so when the
    budget suffices these are the very results `simulate` gives for the same
    arguments; when it does not, the runs played so far, marked interrupted.
    The compiled kernel plays them once it is compiled in this process, else the
    reference engine (`engine.kernel.warm`): the same bytes either way.
    """
    plan = Plan(scenario, request.runs, request.seed, vary=(request.vary,) if request.vary else (),
                prefix=tuple(prefix))
    deadline = time.monotonic() + seconds
    player = warm.chunk_player(plan, grace=min(warm.GRACE_SECONDS, seconds / 10))
    tally = Tally.empty(plan)
    for start, stop in chunks(plan.runs, WHAT_IF_CHUNK):
        tally.merge(player.play(plan, start, stop))
        if tally.runs < plan.runs and time.monotonic() >= deadline:
            return tally.results(plan, interrupted=True)
    return tally.results(plan)


def doctrine_weights(scenario: Scenario) -> list[tuple[str, float]]:
    """The doctrine's weights as the scenario sets them: what a what-if may vary."""
    return list(Doctrine.for_scenario(scenario).weights.items())


# --- kept in the exercise's log ---------------------------------------------------------------------

def what_if_event(turn: int, request: WhatIfRequest, results: Results, seconds: float,
                  status: str) -> WhatIfPlayed:
    """The what-if as an event of the exercise: for the umpire only, and no part of play."""
    asked = {"runs": request.runs, "seed": request.seed, "vary": request.vary_text,
             "seconds": round(seconds, 3), "status": status}
    return WhatIfPlayed(turn=turn, request=asked, results=dict(results.data), actor="umpire",
                        visibility=UMPIRE, reason=f"a what-if: {results.runs} runs played on from turn {turn}")


def last_what_if(eid: str, events: Sequence[Event]) -> WhatIf | None:
    """The latest what-if the log keeps, as the page shows it."""
    for i in range(len(events) - 1, -1, -1):
        e = events[i]
        if isinstance(e, WhatIfPlayed):
            r = e.request
            vary = parse_vary(str(r["vary"])) if r.get("vary") else None
            asked = WhatIfRequest(int(r["runs"]), int(r["seed"]), vary)
            return WhatIf(eid, i + 1, e.turn, str(r.get("status", "")), asked, Results(e.results),
                          float(r.get("seconds", 0.0)))
    return None


def run_what_if(console: Console, eid: str, request: WhatIfRequest, seconds: float) -> WhatIf:
    """Play the exercise on from where it stands `request.runs` times.

    Decisions already taken stand (the cells' submissions of an open turn
    included); from there the doctrine answers for every state, re-seeded
    per run. Waits at most `seconds` for another what-if to finish, then
    plays for at most `seconds` more. The results are kept as an umpire-only
    event of the exercise (no effect on play), so they survive a restart.
    """
    snap = console.get(eid)
    gs = snap.state
    if gs is not None and gs.status is Status.FINISHED:
        raise Conflict("the exercise has finished: there is nothing left to play on")
    if not console.what_if_slot.acquire(timeout=max(seconds, 0.0)):
        raise Conflict("another what-if is still running: try again when it has finished")
    try:
        began = time.perf_counter()
        played = [e for e in snap.game.events if not isinstance(e, WhatIfPlayed)] if snap.game else []
        results = play_on(snap.scenario, request, played, seconds=seconds)
        elapsed = time.perf_counter() - began
    except (GameError, ValueError) as exc:
        raise ConsoleError(f"the what-if could not be played: {exc}") from None
    finally:
        console.what_if_slot.release()
    status = str(gs.status) if gs else "setup"
    seq = snap.seq
    if snap.game is not None:
        console.act(eid, lambda g: g.push([what_if_event(g.state.turn, request, results, elapsed, status)]))
        seq = console.get(eid).seq
    return WhatIf(eid, seq, gs.turn if gs else 0, status, request, results, elapsed)

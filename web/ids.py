"""An exercise's id, and the hashes its tokens are kept under (never the tokens themselves)."""
from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from engine.store import EventStore, GameExists

from .snapshot import ConsoleError

_SLUG = re.compile(r"[^a-z0-9-]+")
_ID_TRIES = 32


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def umpire_token_hash(token: str) -> str:
    return token_hash("umpire\0" + token)


def new_game(store: EventStore, scenario_id: str, meta_for: Callable[[str], Mapping[str, Any]]) -> str:
    """A game made in `store` under a fresh id, the scenario's slug and six random hex digits, with
    the meta `meta_for` gives for that id (a cell's token is signed with it).

    Ids are short because they travel in links; a console that has made a few thousand games
    of one scenario meets an id already taken now and then (24 random bits), so a taken id is
    drawn again rather than failing the request."""
    base = _SLUG.sub("-", scenario_id.lower()).strip("-")[:40] or "exercise"
    for _ in range(_ID_TRIES):
        eid = f"{base}-{secrets.token_hex(3)}"
        try:
            store.create(eid, meta_for(eid))
        except GameExists:
            continue
        return eid
    # Some millions of exercises of one scenario in one store before this is likely at all.
    raise ConsoleError(f"no free id for a new {base!r} exercise in {_ID_TRIES} draws: the console's "
                       "database holds very many exercises of this scenario; try again")

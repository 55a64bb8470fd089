"""Terse builders of scenarios, worlds and attacks for tests, without the loader.

    world = make_world(
        treaties=[treaty("nato", "USA GBR EST", defense(article="5", regions="europe"))],
        states=["USA", "GBR", "EST", "RUS", state("JPN", region="asia")])
    attack("RUS", "EST")

Lists of ids may be written as one space-separated string ("USA GBR EST").
States left out of `states` are made from the ids the treaties and injects
name, in order of first mention, in Europe, as democracies of power 1.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from engine.model import (
    Commitment,
    Effect,
    Inject,
    InjectKind,
    Invocation,
    Obligation,
    ObligationType,
    Openness,
    Regime,
    Relation,
    Scenario,
    State,
    Treaty,
)
from engine.network import Attack
from engine.world import War, World

NAMES = {
    "AUH": "Austria-Hungary", "BEL": "Belgium", "BGR": "Bulgaria", "BLR": "Belarus",
    "CHN": "China", "DJI": "Djibouti", "EST": "Estonia", "FIN": "Finland", "FRA": "France",
    "GBR": "United Kingdom", "GER": "Germany", "GRC": "Greece", "ITA": "Italy", "JPN": "Japan",
    "LTU": "Lithuania", "LVA": "Latvia", "OTT": "Ottoman Empire", "POL": "Poland",
    "ROU": "Romania", "RUS": "Russia", "SRB": "Serbia", "TUR": "Turkey",
    "USA": "United States",
}

Ids = str | Iterable[str] | None


def ids(value: Ids) -> tuple[str, ...] | None:
    """"A B C" or ["A", "B", "C"] -> ("A", "B", "C"); None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        return tuple(value.split())
    return tuple(value)


def state(id: str, **fields: Any) -> State:
    """A state with sensible defaults: named after NAMES, in Europe, a democracy of power 1."""
    values: dict[str, Any] = {"name": NAMES.get(id, id), "power": 1.0,
                              "regime": Regime.DEMOCRACY, "region": "europe"}
    values.update(fields)
    values["regime"] = Regime(values["regime"])
    return State(id=id, **values)


def obligation(type: str | ObligationType, **fields: Any) -> Obligation:
    """An obligation; `adversaries`, `regions` and `asymmetric_to` take "A B" strings."""
    for key in ("adversaries", "regions", "asymmetric_to"):
        if key in fields:
            fields[key] = ids(fields[key])
    if "commitment" in fields:
        fields["commitment"] = Commitment(fields["commitment"])
    return Obligation(type=ObligationType(type), **fields)


def defense(**fields: Any) -> Obligation:
    return obligation("defense", **fields)


def offense(**fields: Any) -> Obligation:
    return obligation("offense", **fields)


def neutrality(**fields: Any) -> Obligation:
    return obligation("neutrality", **fields)


def nonaggression(**fields: Any) -> Obligation:
    return obligation("nonaggression", **fields)


def consultation(**fields: Any) -> Obligation:
    return obligation("consultation", **fields)


def treaty(id: str, members: Ids, *obligations: Obligation, **fields: Any) -> Treaty:
    """A treaty; with no obligation given, a plain defense pact."""
    fields.setdefault("name", id)
    if "beneficiaries" in fields:
        fields["beneficiaries"] = ids(fields["beneficiaries"])
    for key, enum in (("openness", Openness), ("invocation", Invocation)):
        if key in fields:
            fields[key] = enum(fields[key])
    return Treaty(id=id, members=ids(members), obligations=obligations or (defense(),), **fields)


def inject(id: str, kind: str | InjectKind = "armed-attack", turn: int = 1,
           actor: Ids = None, **fields: Any) -> Inject:
    """An inject; `actor` takes one id or "A B"; `effects` takes (path, value) pairs."""
    if "effects" in fields:
        fields["effects"] = tuple(Effect(p, v) for p, v in fields["effects"])
    if "requires" in fields:
        fields["requires"] = ids(fields["requires"])
    return Inject(id=id, turn=turn, kind=InjectKind(kind), actors=ids(actor) or (), **fields)


def relation(source: str, target: str, **fields: float) -> Relation:
    return Relation(source, target, **fields)


def make_scenario(states: Iterable[str | State] | str | None = None,
                  treaties: Iterable[Treaty] = (), injects: Iterable[Inject] = (),
                  relations: Iterable[Relation] = (), **fields: Any) -> Scenario:
    """A scenario; states given as ids are built by `state`; ids the treaties and
    injects mention but `states` leaves out are added after them."""
    treaties, injects = tuple(treaties), tuple(injects)
    if isinstance(states, str):
        states = states.split()
    given = [s if isinstance(s, State) else state(s) for s in (states or ())]
    known = {s.id for s in given}
    for sid in _mentioned(treaties, injects):
        if sid not in known:
            known.add(sid)
            given.append(state(sid))
    fields.setdefault("id", "test")
    fields.setdefault("title", "Test")
    fields.setdefault("start", dt.date(2027, 1, 1))
    fields.setdefault("turns", 10)
    return Scenario(states=tuple(given), treaties=treaties, injects=injects,
                    relations=tuple(relations), **fields)


def make_world(states: Iterable[str | State] | str | None = None,
               treaties: Iterable[Treaty] = (), injects: Iterable[Inject] = (),
               relations: Iterable[Relation] = (), wars: Iterable[tuple[str, str]] = (),
               turn: int = 1, **fields: Any) -> World:
    """The world at turn `turn` of `make_scenario(...)`, with `wars` as (aggressor, defender)."""
    world = World.initial(make_scenario(states, treaties, injects, relations, **fields))
    return world.evolve(turn=turn, wars=tuple(War(a, d) for a, d in wars))


def attack(attackers: Ids, target: str, id: str | None = None, **fields: Any) -> Attack:
    """An armed attack by `attackers` ("RUS" or "RUS BLR") on `target`."""
    who = ids(attackers) or ()
    fields.setdefault("kind", InjectKind.ARMED_ATTACK)
    fields["kind"] = InjectKind(fields["kind"])
    name = id or f"{'+'.join(who)}>{target}"
    fields.setdefault("origin", name)
    return Attack(id=name, attackers=who, target=target, **fields)


def _mentioned(treaties: tuple[Treaty, ...], injects: tuple[Inject, ...]) -> list[str]:
    seen: list[str] = []
    for t in treaties:
        seen.extend(t.members)
        seen.extend(t.beneficiaries)
        for ob in t.obligations:
            seen.extend(ob.adversaries or ())
    for i in injects:
        seen.extend(i.actors)
        seen.extend(s for s in (i.target, i.territory) if s)
    return list(dict.fromkeys(seen))
